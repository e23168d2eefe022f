#include "sim/report/markdown.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "sim/report/expect_text.h"
#include "sim/report/reason_text.h"

namespace synsim::report {

namespace {

using outcome::ConnectionRecord;
using outcome::Outcome;

std::string time_or_dash(const std::optional<Time>& t) { return t ? format_seconds(*t) : "-"; }

std::string stall_or_dash(const ConnectionRecord* c) {
  if (c == nullptr) return "-";
  auto s = c->stall();
  return s ? format_duration(*s) : "-";
}

std::string outcome_text(const ConnectionRecord* c) {
  if (c == nullptr) return "-";
  std::string text = outcome::to_string(c->outcome);
  if (!c->error.empty()) text += fmt::format(" ({})", c->error);
  return text;
}

bool notable(const ConnectionRecord& c) {
  return !c.explanation.empty() || c.outcome != outcome::ConnectionOutcome::completed;
}

const ConnectionRecord* find(const Outcome* o, const std::string& name) {
  if (o == nullptr) return nullptr;
  for (const auto& c : o->connections) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const auto& c : cells) out += fmt::format(" {} |", c);
  return out + "\n";
}

std::string rule(std::size_t n, std::size_t left_columns) {
  std::string out = "|";
  for (std::size_t i = 0; i < n; ++i) out += i < left_columns ? " --- |" : " ---: |";
  return out + "\n";
}

std::string run_line(const Outcome& o) {
  return fmt::format("- {}: {}, HZ {}, seed {}, duration {}, {} connections, {} packets\n",
                     markdown_escape(o.info.source.empty() ? "run" : o.info.source), markdown_escape(o.info.kernel),
                     o.info.hz, o.info.seed, format_duration(o.info.duration), o.connections.size(), o.packets.size());
}

// Names in model order, then names only the kernel has.
std::vector<std::string> connection_names(const Outcome& model, const Outcome* kernel) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& c : model.connections) {
    if (seen.insert(c.name).second) names.push_back(c.name);
  }
  if (kernel != nullptr) {
    for (const auto& c : kernel->connections) {
      if (seen.insert(c.name).second) names.push_back(c.name);
    }
  }
  return names;
}

// The longest fence of backticks in `text`, plus one (at least 3).
std::string fence_for(const std::vector<std::string>& lines) {
  std::size_t longest = 0;
  for (const auto& line : lines) {
    std::size_t run = 0;
    for (char ch : line) {
      run = ch == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

}  // namespace

std::string markdown_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '|': case '\\': case '*': case '_': case '`': case '<': case '>': case '[': case ']':
        out += '\\';
        out += ch;
        break;
      case '\n': case '\r': out += ' '; break;
      default: out += ch; break;
    }
  }
  return out;
}

namespace {

// The model connection with the longest explained stall (the first of
// equals), or nullptr.
const ConnectionRecord* worst_stall(const Outcome& model) {
  const ConnectionRecord* worst = nullptr;
  for (const auto& c : model.connections) {
    auto s = c.stall();
    if (!c.explanation.empty() && s && (worst == nullptr || *s > *worst->stall())) worst = &c;
  }
  return worst;
}

std::string verdict_section(const Outcome& model, const Outcome* kernel, const compare::Comparison* comparison,
                            const ConnectionRecord* worst) {
  std::string out;
  std::size_t stalled = 0;
  for (const auto& c : model.connections) {
    if (notable(c)) ++stalled;
  }
  if (comparison != nullptr) {
    if (comparison->agree()) {
      out += fmt::format("**Verdict: AGREE**: model and kernel agree on {} packet pairs, {} counters and {} "
                         "connection fields, within tolerance.\n\n",
                         comparison->packets.size(), comparison->counters.size(), comparison->fields.size());
    } else {
      out += fmt::format("**Verdict: DISAGREE** ({} disagreement{}).\n\n", comparison->disagreements.size(),
                         comparison->disagreements.size() == 1 ? "" : "s");
    }
  } else if (kernel != nullptr) {
    out += "**Model and kernel** (not compared).\n\n";
  } else {
    out += "**Model only** (no kernel run).\n\n";
  }
  out += fmt::format("{} of {} connections stalled or failed in the model", stalled, model.connections.size());
  if (worst != nullptr) out += fmt::format("; the worst, {}, waited {}", markdown_escape(worst->name), format_duration(*worst->stall()));
  out += ".\n\n";
  out += run_line(model);
  if (kernel != nullptr) out += run_line(*kernel);
  out += "\n";
  return out;
}

// A quote under the title for each side with a failed expectation, naming
// every failure; nothing when all held.
std::string expectations_banner(const std::vector<JudgedSide>& runs) {
  std::string out;
  for (const JudgedSide& side : runs) {
    if (outcome::all_held(*side.results)) continue;
    out += fmt::format("> **{}**\n", expectations_headline(*side.results, side.side));
    for (const outcome::Expectation& e : *side.results) {
      if (e.passed) continue;
      out += fmt::format("> - {}: got {}", markdown_escape(expectation_text(e)),
                         markdown_escape(expectation_actual_text(e)));
      if (e.line > 0) out += fmt::format(" ({})", markdown_escape(expectation_place(e)));
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

// Several runs a side: one row per expectation (as the first run states
// it), one cell per run with PASS or FAIL and what that run gave; rows with
// a failure in any run first.
std::string expectations_per_run(const std::vector<JudgedSide>& runs) {
  const std::vector<outcome::Expectation>& first = *runs.front().results;
  std::vector<std::string> head = {"expectation", "line"};
  for (const JudgedSide& run : runs) head.push_back(markdown_escape(run.side));
  std::string out = row(head) + rule(head.size(), 1);
  for (const std::size_t i : expectation_rows_failed_first(runs)) {
    const outcome::Expectation& e = first[i];
    std::vector<std::string> cells = {markdown_escape(expectation_text(e)),
                                      e.line > 0 ? std::to_string(e.line) : "-"};
    for (const JudgedSide& run : runs) {
      if (i >= run.results->size()) {
        cells.push_back("-");
        continue;
      }
      const outcome::Expectation& x = (*run.results)[i];
      cells.push_back(fmt::format("{} {}", x.passed ? "PASS" : "**FAIL**", markdown_escape(expectation_actual_text(x))));
    }
    out += row(cells);
  }
  return out + "\n";
}

// Every result, failures first (of either side), then the ones that held.
std::string expectations_section(const std::vector<JudgedSide>& sides, const Outcome* kernel) {
  std::size_t total = 0;
  bool all_held = true;
  for (const JudgedSide& side : sides) {
    total += side.results->size();
    all_held = all_held && outcome::all_held(*side.results);
  }
  if (total == 0) return "";
  std::string out = "### Expectations\n\n";
  if (all_held) {
    out += sides.size() == 1 ? fmt::format("All {} expectation{} held.\n\n", total, total == 1 ? "" : "s")
                             : "All expectations held on both sides.\n\n";
  }
  if (several_runs_a_side(sides)) return out + expectations_per_run(sides);
  const bool two = kernel != nullptr;
  out += two ? row({"side", "result", "expectation", "got", "line"}) : row({"result", "expectation", "got", "line"});
  out += rule(two ? 5 : 4, two ? 4 : 3);
  for (const bool failed : {true, false}) {
    for (const JudgedSide& side : sides) {
      for (const outcome::Expectation& e : *side.results) {
        if (e.passed == failed) continue;
        std::vector<std::string> cells;
        if (two) cells.push_back(markdown_escape(side.side));
        cells.push_back(e.passed ? "PASS" : "**FAIL**");
        cells.push_back(markdown_escape(expectation_text(e)));
        cells.push_back(markdown_escape(expectation_actual_text(e)));
        cells.push_back(e.line > 0 ? std::to_string(e.line) : "-");
        out += row(cells);
      }
    }
  }
  out += "\n";
  return out;
}

std::string disagreements_section(const compare::Comparison& comparison) {
  std::string out = "### Disagreements\n\n";
  const auto& all = comparison.disagreements;
  for (std::size_t i = 0; i < all.size() && i < kMarkdownDisagreements; ++i) {
    out += fmt::format("1. {}\n", markdown_escape(all[i]));
  }
  if (all.size() > kMarkdownDisagreements) {
    out += fmt::format("\n...and {} more.\n", all.size() - kMarkdownDisagreements);
  }
  out += "\n";
  return out;
}

// The connections the table shows, in scenario order: the notable ones
// first, then the rest, up to kMarkdownConnectionRows; `omitted` counts the others.
std::vector<std::string> shown_connections(const Outcome& model, const Outcome* kernel, std::size_t& omitted) {
  std::vector<std::string> names = connection_names(model, kernel);
  std::vector<std::string> shown;
  for (const auto& n : names) {
    const ConnectionRecord* m = find(&model, n);
    const ConnectionRecord* k = find(kernel, n);
    if ((m && notable(*m)) || (k && notable(*k))) shown.push_back(n);
  }
  for (const auto& n : names) {
    if (std::find(shown.begin(), shown.end(), n) == shown.end()) shown.push_back(n);
  }
  omitted = shown.size() > kMarkdownConnectionRows ? shown.size() - kMarkdownConnectionRows : 0;
  shown.resize(std::min(shown.size(), kMarkdownConnectionRows));
  // Back into scenario order.
  std::vector<std::string> ordered;
  for (const auto& n : names) {
    if (std::find(shown.begin(), shown.end(), n) != shown.end()) ordered.push_back(n);
  }
  return ordered;
}

std::string connections_section(const Outcome& model, const Outcome* kernel, const compare::Comparison* comparison) {
  std::map<std::pair<std::string, compare::Field>, bool> field_agree;
  if (comparison != nullptr) {
    for (const auto& f : comparison->fields) field_agree[{f.connection, f.field}] = f.agree;
  }
  auto mark = [&](const std::string& name, compare::Field field) {
    auto it = field_agree.find({name, field});
    return it != field_agree.end() && !it->second ? " ✗" : "";
  };
  std::size_t omitted = 0;
  const std::vector<std::string> ordered = shown_connections(model, kernel, omitted);

  std::string out = "### Connections\n\n";
  if (kernel != nullptr) {
    out += row({"connection", "outcome (model)", "outcome (kernel)", "accepted (model)", "accepted (kernel)",
                "delivered (model)", "delivered (kernel)", "stall (model)", "stall (kernel)"});
    out += rule(9, 3);
    for (const auto& n : ordered) {
      const ConnectionRecord* m = find(&model, n);
      const ConnectionRecord* k = find(kernel, n);
      // (compare judges no stall field: the stall columns carry no mark)
      out += row({markdown_escape(n), markdown_escape(outcome_text(m)) + mark(n, compare::Field::outcome),
                  markdown_escape(outcome_text(k)), m ? time_or_dash(m->accepted) : "-",
                  (k ? time_or_dash(k->accepted) : "-") + mark(n, compare::Field::accepted),
                  m ? time_or_dash(m->data_delivered) : "-",
                  (k ? time_or_dash(k->data_delivered) : "-") + mark(n, compare::Field::data_delivered),
                  stall_or_dash(m), stall_or_dash(k)});
    }
  } else {
    out += row({"connection", "port", "outcome", "connected", "accepted", "delivered", "stall",
                "retransmits (SYN / SYN-ACK / data)"});
    out += rule(8, 3);
    for (const auto& n : ordered) {
      const ConnectionRecord* m = find(&model, n);
      out += row({markdown_escape(n), std::to_string(m->client_port), markdown_escape(outcome_text(m)),
                  time_or_dash(m->connect_done), time_or_dash(m->accepted), time_or_dash(m->data_delivered),
                  stall_or_dash(m),
                  fmt::format("{} / {} / {}", m->syn_retransmits, m->synack_retransmits, m->data_retransmits)});
    }
  }
  if (omitted > 0) out += fmt::format("\n{} more connection{} without a stall not shown.\n", omitted, omitted == 1 ? "" : "s");
  out += "\n";
  return out;
}

std::string counters_section(const Outcome& model, const Outcome* kernel, const compare::Comparison* comparison) {
  std::string out = "### Counters\n\n";
  if (comparison != nullptr) {
    out += row({"counter", "model", "kernel", "agree"});
    out += rule(4, 1);
    for (const auto& r : comparison->counters) {
      out += row({markdown_escape(r.name), std::to_string(r.model), std::to_string(r.kernel), r.agree ? "✓" : "✗"});
    }
  } else if (kernel != nullptr) {
    std::set<std::string> counter_names;
    for (const auto& [n, v] : model.counters) counter_names.insert(n);
    for (const auto& [n, v] : kernel->counters) counter_names.insert(n);
    out += row({"counter", "model", "kernel"});
    out += rule(3, 1);
    for (const auto& n : counter_names) {
      auto m = model.counters.find(n);
      auto k = kernel->counters.find(n);
      out += row({markdown_escape(n), std::to_string(m == model.counters.end() ? 0 : m->second),
                  std::to_string(k == kernel->counters.end() ? 0 : k->second)});
    }
  } else {
    out += row({"counter", "value"});
    out += rule(2, 1);
    for (const auto& [n, v] : model.counters) out += row({markdown_escape(n), std::to_string(v)});
  }
  out += "\n";
  return out;
}

std::string worst_section(const ConnectionRecord& worst, const Outcome* kernel) {
  std::string out =
      fmt::format("### Worst stall: {} ({})\n\n", markdown_escape(worst.name), format_duration(*worst.stall()));
  if (const ConnectionRecord* k = find(kernel, worst.name)) {
    out += fmt::format("On the kernel: {}, stall {}.\n\n", markdown_escape(outcome_text(k)), stall_or_dash(k));
  }
  std::vector<std::string> lines;
  for (const outcome::ExplanationStep& s : worst.explanation) lines.push_back(step_text(s));
  const std::string fence = fence_for(lines);
  out += fence + "text\n";
  for (const auto& line : lines) out += line + "\n";
  out += fence + "\n";
  return out;
}

}  // namespace

std::string render_markdown(const Outcome& model, const Outcome* kernel, const compare::Comparison* comparison,
                            std::string_view statistics, const std::vector<JudgedSide>* runs) {
  const ConnectionRecord* worst = worst_stall(model);
  const std::vector<JudgedSide> judged = runs != nullptr && !runs->empty() ? *runs : judged_sides(model, kernel);
  // A failed expect: is the first thing said.
  const std::string banner = expectations_banner(judged);
  std::string out = statistics.empty() ? std::string() : banner + std::string(statistics);
  out += fmt::format("## synsim: {}\n\n", markdown_escape(model.info.scenario));
  if (statistics.empty()) out += banner;
  out += verdict_section(model, kernel, comparison, worst);
  if (comparison != nullptr && !comparison->agree()) out += disagreements_section(*comparison);
  out += expectations_section(judged, kernel);
  out += connections_section(model, kernel, comparison);
  out += counters_section(model, kernel, comparison);
  if (worst != nullptr) out += worst_section(*worst, kernel);
  return out;
}

}  // namespace synsim::report
