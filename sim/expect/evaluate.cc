#include "sim/expect/evaluate.h"

#include <optional>

namespace synsim::expect {

namespace {

using outcome::ExpectationBound;
using outcome::ExpectationKind;
using outcome::ExpectationMissing;
using scenario::Bound;

ExpectationBound bound_of(const Bound& b) {
  switch (b.kind) {
    case Bound::Kind::exact: return ExpectationBound::exact;
    case Bound::Kind::at_least: return ExpectationBound::at_least;
    case Bound::Kind::at_most: return ExpectationBound::at_most;
  }
  return ExpectationBound::exact;
}

bool holds(const Bound& b, std::int64_t v) {
  switch (b.kind) {
    case Bound::Kind::exact: return v == b.value;
    case Bound::Kind::at_least: return v >= b.value;
    case Bound::Kind::at_most: return v <= b.value;
  }
  return false;
}

// A result of `kind` about `subject`, stated at `where`; not yet measured.
Result stated(ExpectationKind kind, std::string subject, const scenario::SourceLocation& where) {
  Result r;
  r.kind = kind;
  r.subject = std::move(subject);
  r.file = where.file;
  r.line = where.line;
  r.column = where.column;
  return r;
}

// A count against its bound (counters, stalls).
Result counted(Result r, const Bound& b, std::int64_t v) {
  r.bound = bound_of(b);
  r.expected = b.value;
  r.actual = v;
  r.passed = holds(b, v);
  return r;
}

const outcome::ConnectionRecord* find(const outcome::Outcome& out, const std::string& name) {
  for (const outcome::ConnectionRecord& r : out.connections) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

// A connection's time, `expected ±tolerance`.
Result timed(ExpectationKind kind, const scenario::ConnectionExpectation& c, const scenario::TimeExpectation& e,
             const outcome::ConnectionRecord* rec, std::optional<Time> outcome::ConnectionRecord::*field) {
  Result r = stated(kind, c.connection, c.where);
  r.bound = ExpectationBound::within;
  r.expected = to_ns(e.value);
  r.tolerance_ns = to_ns(e.tolerance);
  if (rec == nullptr) {
    r.missing = ExpectationMissing::no_such_connection;
    return r;
  }
  const std::optional<Time>& actual = rec->*field;
  if (!actual) {
    r.missing = ExpectationMissing::never;
    return r;
  }
  const Duration diff = actual->time_since_epoch() - e.value;
  r.actual = to_ns(*actual);
  r.passed = (diff < Duration{0} ? -diff : diff) <= e.tolerance;
  return r;
}

}  // namespace

std::vector<Result> evaluate(const scenario::ExpectSpec& spec, const outcome::Outcome& out) {
  std::vector<Result> results;
  for (const scenario::CounterExpectation& c : spec.counters) {
    auto it = out.counters.find(c.counter);
    const std::int64_t v = it == out.counters.end() ? 0 : it->second;
    results.push_back(counted(stated(ExpectationKind::counter, c.counter, c.where), c.bound, v));
  }
  for (const scenario::ConnectionExpectation& c : spec.connections) {
    const outcome::ConnectionRecord* rec = find(out, c.connection);
    if (c.data_delivered_at) {
      results.push_back(timed(ExpectationKind::data_delivered_at, c, *c.data_delivered_at, rec,
                              &outcome::ConnectionRecord::data_delivered));
    }
    if (c.accepted_at) {
      results.push_back(
          timed(ExpectationKind::accepted_at, c, *c.accepted_at, rec, &outcome::ConnectionRecord::accepted));
    }
    if (c.outcome) {
      Result r = stated(ExpectationKind::connection_outcome, c.connection, c.where);
      // The scenario reader takes only the names ConnectionOutcome has.
      r.expected_outcome = outcome::from_string<outcome::ConnectionOutcome>(*c.outcome).value_or(r.expected_outcome);
      if (rec == nullptr) {
        r.missing = ExpectationMissing::no_such_connection;
      } else {
        r.actual_outcome = rec->outcome;
        r.passed = rec->outcome == r.expected_outcome;
      }
      results.push_back(r);
    }
  }
  std::vector<std::int64_t> stalls;  // ns, ascending
  if (spec.stalls || !spec.stall_quantiles.empty()) stalls = outcome::sorted_stalls(out);
  if (spec.stalls) {
    const auto n = static_cast<std::int64_t>(outcome::count_above(stalls, to_ns(spec.stalls->longer_than)));
    Result r = counted(stated(ExpectationKind::stalls, "", spec.stalls->where), spec.stalls->count, n);
    r.longer_than_ns = to_ns(spec.stalls->longer_than);
    results.push_back(r);
  }
  for (const scenario::QuantileExpectation& q : spec.stall_quantiles) {
    Result r = stated(ExpectationKind::stall_quantile, q.name, q.where);
    r.bound = q.at_most ? ExpectationBound::at_most : ExpectationBound::at_least;
    r.expected = to_ns(q.value);
    if (stalls.empty()) {
      r.missing = ExpectationMissing::no_delivered_requests;
    } else {
      const Duration v{outcome::nearest_rank(stalls, q.permille)};
      r.actual = to_ns(v);
      r.passed = q.at_most ? v <= q.value : v >= q.value;
    }
    results.push_back(r);
  }
  return results;
}

void judge(const scenario::ExpectSpec& spec, outcome::Outcome& out) { out.expect = evaluate(spec, out); }

bool needs_connection_records(const scenario::ExpectSpec& spec) { return !spec.connections.empty(); }

}  // namespace synsim::expect
