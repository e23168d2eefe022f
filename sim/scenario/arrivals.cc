#include "sim/scenario/arrivals.h"

#include <bit>
#include <string>

namespace synsim::scenario {

namespace {

using u128 = unsigned __int128;

// log2(x) for x >= 1 in Q32: the integer part from the highest set bit,
// then the fraction bit by bit by squaring the mantissa (Q62, in [1, 2)):
// each squaring doubles the logarithm, and a result >= 2 is a 1 bit.
std::uint64_t log2_q32(std::uint64_t x) {
  const int whole = 63 - std::countl_zero(x);
  u128 m = whole <= 62 ? u128{x} << (62 - whole) : u128{x} >> (whole - 62);
  std::uint64_t frac = 0;
  for (int i = 0; i < 32; ++i) {
    m = (m * m) >> 62;
    frac <<= 1;
    if (m >= (u128{2} << 62)) {
      m >>= 1;
      frac |= 1;
    }
  }
  return (static_cast<std::uint64_t>(whole) << 32) | frac;
}

constexpr std::uint64_t kLn2Q32 = 2977044472;  // ln 2 * 2^32, rounded

}  // namespace

std::uint64_t minus_log_q32(std::uint64_t x) {
  // -ln(x / 2^53) = (53 - log2 x) * ln 2
  const std::uint64_t log2_u = (std::uint64_t{53} << 32) - log2_q32(x);
  return static_cast<std::uint64_t>((u128{log2_u} * kLn2Q32 + (u128{1} << 31)) >> 32);
}

ArrivalGaps::ArrivalGaps(const ClientGroup& group, std::uint64_t seed, std::uint32_t group_index)
    : rate_per_s_(group.arrival.rate_per_s == 0 ? 1 : group.arrival.rate_per_s),
      poisson_(group.arrival.poisson),
      rng_(seed, "arrivals/" + std::to_string(group_index) + "/" + group.name) {}

Duration ArrivalGaps::next() {
  constexpr std::uint64_t kNsPerS = 1'000'000'000;
  if (!poisson_) return Duration{static_cast<std::int64_t>(kNsPerS / rate_per_s_)};
  // u = x / 2^53 in (0, 1]: 53 random bits, never 0 (ln 0 is infinite).
  const std::uint64_t x = (rng_.next_u64() >> 11) + 1;
  // gap = -ln(u) / rate seconds; -ln(u) <= 36.8, so the product fits easily.
  const u128 scaled = u128{minus_log_q32(x)} * kNsPerS / rate_per_s_;
  return Duration{static_cast<std::int64_t>((scaled + (u128{1} << 31)) >> 32)};
}

}  // namespace synsim::scenario
