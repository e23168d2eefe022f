#include "sim/outcome/outcome.h"

#include <algorithm>

namespace synsim::outcome {

const char* to_string(ConnectionOutcome o) {
  switch (o) {
    case ConnectionOutcome::completed: return "completed";
    case ConnectionOutcome::reset: return "reset";
    case ConnectionOutcome::timed_out: return "timed_out";
    case ConnectionOutcome::refused: return "refused";
    case ConnectionOutcome::open_at_end: return "open_at_end";
  }
  return "?";
}

std::uint64_t ConnectionSummary::stall_count() const { return stalls.size(); }

std::optional<Duration> ConnectionSummary::stall_quantile(std::uint32_t permille) const {
  const std::uint64_t n = stall_count();
  if (n == 0) return std::nullopt;
  std::uint64_t rank = (std::uint64_t{permille} * n + 999) / 1000;
  if (rank == 0) rank = 1;
  return Duration{stalls[std::min<std::uint64_t>(rank, n) - 1]};
}

std::vector<std::int64_t> sorted_stalls(const Outcome& out) {
  if (out.summary) return out.summary->stalls;
  std::vector<std::int64_t> v;
  for (const ConnectionRecord& r : out.connections) {
    if (const auto s = r.stall()) v.push_back(to_ns(*s));
  }
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::int64_t> sorted_connect_latencies(const Outcome& out) {
  if (out.summary) return out.summary->connects;
  std::vector<std::int64_t> v;
  for (const ConnectionRecord& r : out.connections) {
    if (r.connect_start && r.connect_done) v.push_back(to_ns(*r.connect_done - *r.connect_start));
  }
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace synsim::outcome
