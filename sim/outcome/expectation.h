// A scenario's `expect:` hypotheses as judged against one run.
//
// sim/expect judges them (expect::evaluate), once per run; the outcome
// carries the results (Outcome::expect) and every report renders them:
// sim/report/expect_text.h in words (summary, Markdown, HTML), the outcome
// JSON as data. No renderer judges a hypothesis again, so every output of a
// run says the same about it.
//
// A result is data: what the scenario states in its own terms (its key, the
// bound as written, the figure), what the run gave in the same unit,
// whether it held, and where the scenario states it. The words ("x#1
// data_delivered_at 6.900s ±300ms: got 6.311013") are made from these
// fields in one place (expect_text.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/outcome/reason.h"  // from_string; ConnectionOutcome (declared, outcome.h defines it)

namespace synsim::outcome {

// Which `expect:` key a result judges (scenarios/README.md, "expect").
enum class ExpectationKind : std::uint8_t {
  counter,             // expect.counters.NAME: the nstat counter's delta over the run (absent: 0)
  data_delivered_at,   // expect.connections.C.data_delivered_at: the request readable by the server application
  accepted_at,         // expect.connections.C.accepted_at: the server application's accept() returned it
  connection_outcome,  // expect.connections.C.outcome
  stalls,              // expect.stalls: how many requests stalled longer than longer_than
  stall_quantile,      // expect.stall_quantiles.pNN: that quantile of the stalls (nearest rank)
};

// The bound as the scenario writes it.
enum class ExpectationBound : std::uint8_t {
  exact,     // `N` (counter, stalls), `outcome: completed`
  at_least,  // `{at_least: N}`
  at_most,   // `{at_most: N}`
  within,    // a time `6.9s ±300ms`: |actual - expected| <= tolerance
};

// Why a result has no measured value (`actual` is empty).
enum class ExpectationMissing : std::uint8_t {
  nothing,                // measured: `actual` (or `actual_outcome`) holds it
  never,                  // the connection's event never happened
  no_such_connection,     // the outcome holds no record of the connection
  no_delivered_requests,  // a stall quantile of a run that delivered no request
};

struct Expectation {
  ExpectationKind kind = ExpectationKind::counter;
  // The scenario's key: the counter ("TcpExtListenOverflows"), the
  // connection ("x#1") or the quantile as written ("p99"); "" for stalls.
  std::string subject;
  ExpectationBound bound = ExpectationBound::exact;
  // What the scenario states. A count (counter, stalls) or nanoseconds: a
  // time since the run's start (data_delivered_at, accepted_at) or a
  // duration (stall_quantile). Not used by connection_outcome.
  std::int64_t expected = 0;
  std::int64_t tolerance_ns = 0;    // within: the `±` part
  std::int64_t longer_than_ns = 0;  // stalls: what counts as a stall
  ConnectionOutcome expected_outcome{};  // connection_outcome (completed unless set)

  // What the run gave, in `expected`'s unit (or as an outcome); none when
  // `missing` says why.
  std::optional<std::int64_t> actual;
  std::optional<ConnectionOutcome> actual_outcome;  // connection_outcome
  ExpectationMissing missing = ExpectationMissing::nothing;

  bool passed = false;

  // Where the scenario states it (the file as given; line 0: built in code).
  std::string file;
  int line = 0;
  int column = 0;

  bool operator==(const Expectation&) const = default;
};

// How many did not hold; whether all held (true for none).
std::size_t failed_count(const std::vector<Expectation>& results);
bool all_held(const std::vector<Expectation>& results);

// Names as in this header ("data_delivered_at", "at_least",
// "no_such_connection"), for the outcome JSON; from_string (reason.h) reads
// them back.
const char* to_string(ExpectationKind k);
const char* to_string(ExpectationBound b);
const char* to_string(ExpectationMissing m);
template <>
std::optional<ExpectationKind> from_string<ExpectationKind>(std::string_view name);
template <>
std::optional<ExpectationBound> from_string<ExpectationBound>(std::string_view name);
template <>
std::optional<ExpectationMissing> from_string<ExpectationMissing>(std::string_view name);

}  // namespace synsim::outcome
