#include "sim/sweep/summary.h"

#include <algorithm>

#include "sim/outcome/latency.h"

namespace synsim::sweep {

RunSummary summarize(const outcome::Outcome& out, const std::vector<expect::Result>& results,
                     Duration stall_threshold) {
  RunSummary s;
  // Outcomes by kind: every connection's, from the summary when the run
  // kept records only for the interesting few.
  std::uint64_t outcomes[5] = {};
  if (out.summary) {
    std::copy(std::begin(out.summary->outcomes), std::end(out.summary->outcomes), outcomes);
    s.connections = out.summary->total;
  } else {
    for (const outcome::ConnectionRecord& c : out.connections) ++outcomes[static_cast<std::size_t>(c.outcome)];
    s.connections = out.connections.size();
  }
  using outcome::ConnectionOutcome;
  s.completed = outcomes[static_cast<std::size_t>(ConnectionOutcome::completed)];
  s.reset = outcomes[static_cast<std::size_t>(ConnectionOutcome::reset)];
  s.timed_out = outcomes[static_cast<std::size_t>(ConnectionOutcome::timed_out)];
  s.refused = outcomes[static_cast<std::size_t>(ConnectionOutcome::refused)];
  s.open_at_end = outcomes[static_cast<std::size_t>(ConnectionOutcome::open_at_end)];

  const std::vector<std::int64_t> stalls = outcome::sorted_stalls(out);
  const std::vector<std::int64_t> connects = outcome::sorted_connect_latencies(out);
  s.stalled = outcome::count_above(stalls, to_ns(stall_threshold));
  if (!stalls.empty()) {
    s.stall_p50_ns = outcome::nearest_rank(stalls, 500);
    s.stall_p90_ns = outcome::nearest_rank(stalls, 900);
    s.stall_p99_ns = outcome::nearest_rank(stalls, 990);
    s.stall_max_ns = stalls.back();
  }
  if (!connects.empty()) s.connect_p99_ns = outcome::nearest_rank(connects, 990);
  const outcome::UserLatencies u = outcome::user_latencies(out);
  s.total_over_1s = outcome::count_over(u[outcome::Latency::total], sec(1));
  s.connect_over_1s = outcome::count_over(u[outcome::Latency::connect], sec(1));
  if (u[outcome::Latency::total].started() > 0) {
    const outcome::LatencyQuantile p99 = outcome::latency_quantile(u[outcome::Latency::total], 990);
    if (p99.value) {
      s.total_p99_ns = to_ns(*p99.value);
    } else {
      s.total_p99_unfinished = true;
    }
  }
  s.counters = out.counters;
  if (!results.empty()) s.expectations_passed = outcome::all_held(results);
  return s;
}

}  // namespace synsim::sweep
