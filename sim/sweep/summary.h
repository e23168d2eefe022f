// What one sweep run is remembered by: outcome counts, stall quantiles,
// counters and whether the scenario's hypotheses held. Small enough that a
// million runs fit in a JSON-lines file.
//
// A connection's stall is ConnectionRecord::stall() (first transmission of
// the request to the application reading it); "stalled" counts stalls longer
// than the threshold (190 ms: above a machine's ~100 ms hiccups, as in
// model::RunOptions). Quantiles are nearest-rank over the connections that
// have a stall (the smallest stall s with at least p% of stalls <= s), in
// integer nanoseconds, absent when no connection delivered its request.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/core/time.h"
#include "sim/expect/evaluate.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/outcome.h"

namespace synsim::sweep {

struct RunSummary {
  std::uint64_t connections = 0;
  std::uint64_t completed = 0;
  std::uint64_t reset = 0;
  std::uint64_t timed_out = 0;
  std::uint64_t refused = 0;
  std::uint64_t open_at_end = 0;
  std::uint64_t stalled = 0;  // stall > threshold
  std::optional<std::int64_t> stall_p50_ns;
  std::optional<std::int64_t> stall_p90_ns;
  std::optional<std::int64_t> stall_p99_ns;
  std::optional<std::int64_t> stall_max_ns;
  std::optional<std::int64_t> connect_p99_ns;  // connect() call to its successful return
  // Latency as users see it (sim/outcome/latency.h): connections whose whole
  // exchange (connect() call to response) or whose connect() took over 1 s,
  // unfinished ones included; the exchange's p99, absent when no connection
  // started one or when the p99 falls among the unfinished (then
  // total_p99_unfinished).
  std::uint64_t total_over_1s = 0;
  std::uint64_t connect_over_1s = 0;
  std::optional<std::int64_t> total_p99_ns;
  bool total_p99_unfinished = false;
  outcome::Counters counters;                  // nstat names, non-zero deltas
  std::optional<bool> expectations_passed;     // nullopt: the scenario states no expect:

  bool operator==(const RunSummary&) const = default;
};

// `results` are expect::evaluate() of the scenario's hypotheses (empty: none).
RunSummary summarize(const outcome::Outcome& out, const std::vector<expect::Result>& results,
                     Duration stall_threshold = outcome::kStallThreshold);

}  // namespace synsim::sweep
