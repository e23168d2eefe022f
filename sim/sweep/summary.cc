#include "sim/sweep/summary.h"

#include <algorithm>

namespace synsim::sweep {

std::int64_t quantile_sorted(const std::vector<std::int64_t>& values, int per_mille) {
  // Nearest rank: the ceil(p * n)-th smallest, 1-based, at least the first.
  const std::size_t n = values.size();
  std::size_t rank = (static_cast<std::size_t>(per_mille) * n + 999) / 1000;
  rank = std::clamp<std::size_t>(rank, 1, n);
  return values[rank - 1];
}

RunSummary summarize(const outcome::Outcome& out, const std::vector<expect::Result>& results,
                     Duration stall_threshold) {
  RunSummary s;
  std::vector<std::int64_t> stalls;
  std::vector<std::int64_t> connects;
  for (const outcome::ConnectionRecord& c : out.connections) {
    ++s.connections;
    switch (c.outcome) {
      case outcome::ConnectionOutcome::completed: ++s.completed; break;
      case outcome::ConnectionOutcome::reset: ++s.reset; break;
      case outcome::ConnectionOutcome::timed_out: ++s.timed_out; break;
      case outcome::ConnectionOutcome::refused: ++s.refused; break;
      case outcome::ConnectionOutcome::open_at_end: ++s.open_at_end; break;
    }
    if (const std::optional<Duration> stall = c.stall()) {
      stalls.push_back(to_ns(*stall));
      if (*stall > stall_threshold) ++s.stalled;
    }
    if (c.connect_start && c.connect_done) connects.push_back(to_ns(*c.connect_done - *c.connect_start));
  }
  std::sort(stalls.begin(), stalls.end());
  std::sort(connects.begin(), connects.end());
  if (!stalls.empty()) {
    s.stall_p50_ns = quantile_sorted(stalls, 500);
    s.stall_p90_ns = quantile_sorted(stalls, 900);
    s.stall_p99_ns = quantile_sorted(stalls, 990);
    s.stall_max_ns = stalls.back();
  }
  if (!connects.empty()) s.connect_p99_ns = quantile_sorted(connects, 990);
  s.counters = out.counters;
  if (!results.empty()) s.expectations_passed = expect::all_passed(results);
  return s;
}

}  // namespace synsim::sweep
