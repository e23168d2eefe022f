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

}  // namespace synsim::outcome
