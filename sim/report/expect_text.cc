#include "sim/report/expect_text.h"

#include <fmt/format.h>

namespace synsim::report {

namespace {

using outcome::Expectation;
using outcome::ExpectationBound;
using outcome::ExpectationKind;
using outcome::ExpectationMissing;

// "= 3", "at least 3", "at most 3" (counts).
std::string count_bound(const Expectation& e) {
  switch (e.bound) {
    case ExpectationBound::exact: return fmt::format("= {}", e.expected);
    case ExpectationBound::at_least: return fmt::format("at least {}", e.expected);
    case ExpectationBound::at_most: return fmt::format("at most {}", e.expected);
    case ExpectationBound::within: return fmt::format("within {}", e.expected);  // not written by the reader
  }
  return "?";
}

// "6.900s ±300ms" (times), "at most 1s" (durations).
std::string time_bound(const Expectation& e) {
  const Duration expected{e.expected};
  switch (e.bound) {
    case ExpectationBound::within:
      return fmt::format("{} ±{}", format_duration(expected), format_duration(Duration{e.tolerance_ns}));
    case ExpectationBound::at_least: return "at least " + format_duration(expected);
    case ExpectationBound::at_most: return "at most " + format_duration(expected);
    case ExpectationBound::exact: return format_duration(expected);
  }
  return "?";
}

}  // namespace

std::string expectation_text(const Expectation& e) {
  switch (e.kind) {
    case ExpectationKind::counter: return fmt::format("{} {}", e.subject, count_bound(e));
    case ExpectationKind::data_delivered_at:
    case ExpectationKind::accepted_at:
      return fmt::format("{} {} {}", e.subject, outcome::to_string(e.kind), time_bound(e));
    case ExpectationKind::connection_outcome:
      return fmt::format("{} outcome {}", e.subject, outcome::to_string(e.expected_outcome));
    case ExpectationKind::stalls:
      return fmt::format("connections stalled longer than {}: {}", format_duration(Duration{e.longer_than_ns}),
                         count_bound(e));
    case ExpectationKind::stall_quantile: return fmt::format("stall {} {}", e.subject, time_bound(e));
  }
  return "?";
}

std::string expectation_actual_text(const Expectation& e) {
  switch (e.missing) {
    case ExpectationMissing::nothing: break;
    case ExpectationMissing::never: return "never";
    case ExpectationMissing::no_such_connection: return "no such connection in the outcome";
    case ExpectationMissing::no_delivered_requests: return "no delivered requests";
  }
  switch (e.kind) {
    case ExpectationKind::counter:
    case ExpectationKind::stalls: return e.actual ? std::to_string(*e.actual) : "-";
    case ExpectationKind::data_delivered_at:
    case ExpectationKind::accepted_at: return e.actual ? format_seconds(at_ns(*e.actual)) : "-";
    case ExpectationKind::connection_outcome: return e.actual_outcome ? outcome::to_string(*e.actual_outcome) : "-";
    case ExpectationKind::stall_quantile: return e.actual ? format_duration(Duration{*e.actual}) : "-";
  }
  return "?";
}

std::string expectation_where(const Expectation& e) {
  if (e.line <= 0) return "";
  return fmt::format("{}:{}:{}", e.file, e.line, e.column);
}

const char* expectation_status(const Expectation& e) { return e.passed ? "PASS" : "FAIL"; }

std::vector<const Expectation*> failures_first(const std::vector<Expectation>& results) {
  std::vector<const Expectation*> ordered;
  for (const bool failed : {true, false}) {
    for (const Expectation& e : results) {
      if (e.passed != failed) ordered.push_back(&e);
    }
  }
  return ordered;
}

std::string expectation_place(const Expectation& e) {
  if (e.line <= 0) return "";
  const std::size_t slash = e.file.find_last_of('/');
  return fmt::format("{} line {}", slash == std::string::npos ? e.file : e.file.substr(slash + 1), e.line);
}

std::vector<JudgedSide> judged_sides(const outcome::Outcome& model, const outcome::Outcome* kernel) {
  std::vector<JudgedSide> sides;
  if (model.expect) sides.push_back({kernel != nullptr ? "model" : "", &*model.expect});
  if (kernel != nullptr && kernel->expect) sides.push_back({"kernel", &*kernel->expect});
  return sides;
}

std::string run_label(std::string_view side, const std::vector<outcome::Outcome>& runs, std::size_t i) {
  const std::size_t n = runs.size();
  if (n <= 1) return std::string(side);
  if (side == "model") return fmt::format("{} (seed {})", side, runs[i].info.seed);
  return fmt::format("{} (run {} of {})", side, i + 1, n);
}

std::vector<JudgedSide> judged_runs(const std::vector<outcome::Outcome>& models,
                                    const std::vector<outcome::Outcome>& kernels) {
  std::vector<JudgedSide> runs;
  for (const auto& [side, outcomes] : {std::pair{"model", &models}, std::pair{"kernel", &kernels}}) {
    for (std::size_t i = 0; i < outcomes->size(); ++i) {
      if ((*outcomes)[i].expect) {
        runs.push_back({run_label(side, *outcomes, i), &*(*outcomes)[i].expect, outcomes->size()});
      }
    }
  }
  return runs;
}

bool several_runs_a_side(const std::vector<JudgedSide>& runs) {
  for (const JudgedSide& r : runs) {
    if (r.runs_of_side > 1) return true;
  }
  return false;
}

std::vector<std::size_t> expectation_rows_failed_first(const std::vector<JudgedSide>& runs) {
  std::vector<std::size_t> rows;
  if (runs.empty()) return rows;
  auto failed_anywhere = [&](std::size_t i) {
    for (const JudgedSide& run : runs) {
      if (i < run.results->size() && !(*run.results)[i].passed) return true;
    }
    return false;
  };
  const std::size_t n = runs.front().results->size();
  for (const bool failed : {true, false}) {
    for (std::size_t i = 0; i < n; ++i) {
      if (failed_anywhere(i) == failed) rows.push_back(i);
    }
  }
  return rows;
}

std::string expectations_headline(const std::vector<Expectation>& results, std::string_view side) {
  if (results.empty()) return "";
  const std::size_t failed = outcome::failed_count(results);
  if (failed > 0) {
    return fmt::format("FAILED{}{}: {} of {} expectation{}", side.empty() ? "" : " on the ", side, failed,
                       results.size(), results.size() == 1 ? "" : "s");
  }
  return fmt::format("{} of {} expectation{} held", results.size(), results.size(), results.size() == 1 ? "" : "s");
}

std::string render_expectations(const std::vector<Expectation>& results) {
  std::string s;
  for (const Expectation* e : failures_first(results)) {
    s += fmt::format("{}  {}: got {}", expectation_status(*e), expectation_text(*e), expectation_actual_text(*e));
    if (!e->passed && e->line > 0) s += fmt::format(" ({})", expectation_where(*e));
    s += '\n';
  }
  return s;
}

std::string expectations_banner(const outcome::Outcome& out, std::string_view side) {
  if (!out.expect || outcome::all_held(*out.expect)) return "";
  std::string s = expectations_headline(*out.expect, side) + "\n";
  for (const Expectation& e : *out.expect) {
    if (e.passed) continue;
    s += fmt::format("  {}: got {}", expectation_text(e), expectation_actual_text(e));
    if (e.line > 0) s += fmt::format(" ({})", expectation_where(e));
    s += '\n';
  }
  return s + "\n";
}

std::string expectations_section(const outcome::Outcome& out) {
  if (!out.expect || out.expect->empty()) return "";
  const std::size_t failed = outcome::failed_count(*out.expect);
  return fmt::format("\nexpectations: {} of {} held\n", out.expect->size() - failed, out.expect->size()) +
         render_expectations(*out.expect);
}

}  // namespace synsim::report
