#include "sim/outcome/outcome.h"

#include <algorithm>

#include "sim/core/sort_samples.h"

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

const char* to_string(Latency which) {
  switch (which) {
    case Latency::connect: return "connect";
    case Latency::first_byte: return "first_byte";
    case Latency::total: return "total";
  }
  return "?";
}

std::uint64_t ConnectionSummary::stall_count() const { return stalls.size(); }

std::optional<Duration> ConnectionSummary::stall_quantile(std::uint32_t permille) const {
  if (stalls.empty()) return std::nullopt;
  return Duration{nearest_rank(stalls, permille)};
}

std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, std::uint32_t permille) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank = (std::uint64_t{permille} * n + 999) / 1000;
  return sorted[std::clamp<std::uint64_t>(rank, 1, n) - 1];
}

std::uint64_t count_above(const std::vector<std::int64_t>& sorted, std::int64_t bound) {
  return static_cast<std::uint64_t>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), bound));
}

std::vector<std::int64_t> sorted_stalls(const Outcome& out) {
  if (out.summary) return out.summary->stalls;
  std::vector<std::int64_t> v;
  for (const ConnectionRecord& r : out.connections) {
    if (const auto s = r.stall()) v.push_back(to_ns(*s));
  }
  sort_samples(v);
  return v;
}

std::vector<std::int64_t> sorted_connect_latencies(const Outcome& out) {
  if (out.summary) return out.summary->latencies[Latency::connect].finished;
  std::vector<std::int64_t> v;
  for (const ConnectionRecord& r : out.connections) {
    if (r.connect_start && r.connect_done) v.push_back(to_ns(*r.connect_done - *r.connect_start));
  }
  sort_samples(v);
  return v;
}

}  // namespace synsim::outcome
