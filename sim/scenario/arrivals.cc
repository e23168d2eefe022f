#include "sim/scenario/arrivals.h"

#include <cmath>
#include <string>

namespace synsim::scenario {

double minus_log(double u) {
  // u = m * 2^e with m in [0.5, 1): ln u = e ln 2 + ln m, and
  // ln m = 2 atanh(z), z = (m - 1) / (m + 1) in [-1/3, 0): the series
  // z + z^3/3 + z^5/5 + ... converges to double precision in 30 terms.
  int e = 0;
  const double m = std::frexp(u, &e);  // exact: frexp only splits the bits
  const double z = (m - 1.0) / (m + 1.0);
  const double z2 = z * z;
  double term = z;
  double sum = 0.0;
  for (int k = 1; k <= 59; k += 2) {
    sum += term / k;
    term *= z2;
  }
  constexpr double kLn2 = 0.6931471805599453094;
  return -(static_cast<double>(e) * kLn2 + 2.0 * sum);
}

ArrivalGaps::ArrivalGaps(const ClientGroup& group, std::uint64_t seed, std::uint32_t group_index)
    : rate_per_s_(group.arrival.rate_per_s == 0 ? 1 : group.arrival.rate_per_s),
      poisson_(group.arrival.poisson),
      rng_(seed, "arrivals/" + std::to_string(group_index) + "/" + group.name) {}

Duration ArrivalGaps::next() {
  constexpr double kNsPerS = 1e9;
  if (!poisson_) return Duration{static_cast<std::int64_t>(1'000'000'000ull / rate_per_s_)};
  // u in (0, 1]: 53 random bits, never 0 (ln 0 is infinite).
  const double u = static_cast<double>((rng_.next_u64() >> 11) + 1) * 0x1.0p-53;
  const double gap_ns = minus_log(u) * kNsPerS / static_cast<double>(rate_per_s_);
  // Bounded: u >= 2^-53 gives at most ~36.7 mean gaps.
  return Duration{static_cast<std::int64_t>(gap_ns + 0.5)};
}

}  // namespace synsim::scenario
