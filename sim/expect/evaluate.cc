#include "sim/expect/evaluate.h"

#include <fmt/format.h>

#include <algorithm>

namespace synsim::expect {

namespace {

using scenario::Bound;

bool holds(const Bound& b, std::int64_t v) {
  switch (b.kind) {
    case Bound::Kind::exact: return v == b.value;
    case Bound::Kind::at_least: return v >= b.value;
    case Bound::Kind::at_most: return v <= b.value;
  }
  return false;
}

std::string describe(const Bound& b) {
  switch (b.kind) {
    case Bound::Kind::exact: return fmt::format("= {}", b.value);
    case Bound::Kind::at_least: return fmt::format("at least {}", b.value);
    case Bound::Kind::at_most: return fmt::format("at most {}", b.value);
  }
  return "?";
}

const outcome::ConnectionRecord* find(const outcome::Outcome& out, const std::string& name) {
  for (const outcome::ConnectionRecord& r : out.connections) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Result time_result(const std::string& conn, const char* field, const scenario::TimeExpectation& e,
                   const std::optional<Time>& actual, const scenario::SourceLocation& where) {
  Result r;
  r.where = where;
  r.expectation = fmt::format("{} {} {} ±{}", conn, field, format_duration(e.value), format_duration(e.tolerance));
  if (!actual) {
    r.actual = "never";
    return r;
  }
  const Duration diff = actual->time_since_epoch() - e.value;
  r.actual = format_seconds(*actual);
  r.passed = (diff < Duration{0} ? -diff : diff) <= e.tolerance;
  return r;
}

}  // namespace

std::vector<Result> evaluate(const scenario::ExpectSpec& spec, const outcome::Outcome& out) {
  std::vector<Result> results;
  for (const scenario::CounterExpectation& c : spec.counters) {
    auto it = out.counters.find(c.counter);
    const std::int64_t v = it == out.counters.end() ? 0 : it->second;
    results.push_back({fmt::format("{} {}", c.counter, describe(c.bound)), std::to_string(v), holds(c.bound, v),
                       c.where});
  }
  for (const scenario::ConnectionExpectation& c : spec.connections) {
    const outcome::ConnectionRecord* rec = find(out, c.connection);
    if (rec == nullptr) {
      results.push_back({c.connection, "no such connection in the outcome", false, c.where});
      continue;
    }
    if (c.data_delivered_at) {
      results.push_back(time_result(c.connection, "data_delivered_at", *c.data_delivered_at, rec->data_delivered, c.where));
    }
    if (c.accepted_at) {
      results.push_back(time_result(c.connection, "accepted_at", *c.accepted_at, rec->accepted, c.where));
    }
    if (c.outcome) {
      const std::string actual = outcome::to_string(rec->outcome);
      results.push_back({fmt::format("{} outcome {}", c.connection, *c.outcome), actual, actual == *c.outcome, c.where});
    }
  }
  std::vector<std::int64_t> stalls;  // ns, ascending
  if (spec.stalls || !spec.stall_quantiles.empty()) stalls = outcome::sorted_stalls(out);
  if (spec.stalls) {
    const auto n = static_cast<std::int64_t>(outcome::count_above(stalls, to_ns(spec.stalls->longer_than)));
    results.push_back({fmt::format("connections stalled longer than {}: {}", format_duration(spec.stalls->longer_than),
                                   describe(spec.stalls->count)),
                       std::to_string(n), holds(spec.stalls->count, n), spec.stalls->where});
  }
  if (!spec.stall_quantiles.empty()) {
    for (const scenario::QuantileExpectation& q : spec.stall_quantiles) {
      Result r;
      r.where = q.where;
      r.expectation = fmt::format("stall {} {} {}", q.name, q.at_most ? "at most" : "at least", format_duration(q.value));
      if (stalls.empty()) {
        r.actual = "no delivered requests";
        results.push_back(r);
        continue;
      }
      const Duration v{outcome::nearest_rank(stalls, q.permille)};
      r.actual = format_duration(v);
      r.passed = q.at_most ? v <= q.value : v >= q.value;
      results.push_back(r);
    }
  }
  return results;
}

bool all_passed(const std::vector<Result>& results) {
  return std::all_of(results.begin(), results.end(), [](const Result& r) { return r.passed; });
}

std::string render(const std::vector<Result>& results) {
  std::string s;
  for (bool failed : {true, false}) {
    for (const Result& r : results) {
      if (r.passed == failed) continue;
      s += fmt::format("{:<5} {}: got {}", r.passed ? "ok" : "FAIL", r.expectation, r.actual);
      if (!r.passed && r.where.line > 0) s += fmt::format(" ({}:{}:{})", r.where.file, r.where.line, r.where.column);
      s += '\n';
    }
  }
  return s;
}

}  // namespace synsim::expect
