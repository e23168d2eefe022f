#include "sim/scenario/arrivals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace synsim::scenario {
namespace {

ClientGroup rate_group(std::uint64_t rate, bool poisson) {
  ClientGroup g;
  g.name = "load";
  g.arrival.kind = ArrivalSpec::Kind::rate;
  g.arrival.rate_per_s = rate;
  g.arrival.poisson = poisson;
  return g;
}

TEST(MinusLog, MatchesLibmToWithinFixedPointPrecision) {
  const std::uint64_t one = std::uint64_t{1} << 53;
  for (std::uint64_t x : {one, one - 1, one / 4 * 3, one / 2, one / 3, one / 10, one / 1000, std::uint64_t{12345},
                          std::uint64_t{1}}) {
    const double u = static_cast<double>(x) / static_cast<double>(one);
    const double got = static_cast<double>(minus_log_q32(x)) / 4294967296.0;
    EXPECT_NEAR(got, -std::log(u), 1e-8) << x;
  }
}

TEST(ArrivalGaps, EvenRateIsExactlyOneOverRate) {
  ArrivalGaps gaps(rate_group(30000, false), 1, 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gaps.next(), Duration{33333});
}

TEST(ArrivalGaps, PoissonHasTheRatesMeanAndAnExponentialSpread) {
  ArrivalGaps gaps(rate_group(1000, true), 7, 0);
  const int n = 200000;
  double sum = 0;
  double sum_sq = 0;
  int below_mean = 0;
  for (int i = 0; i < n; ++i) {
    const double g = static_cast<double>(gaps.next().count()) / 1e6;  // ms, mean 1
    sum += g;
    sum_sq += g * g;
    if (g < 1.0) ++below_mean;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 1.0, 0.01);
  EXPECT_NEAR(sum_sq / n - mean * mean, 1.0, 0.03);                 // exponential: variance = mean^2
  EXPECT_NEAR(static_cast<double>(below_mean) / n, 1.0 - std::exp(-1.0), 0.005);  // P(X < mean)
}

TEST(ArrivalGaps, SameSeedSameGapsOtherSeedOtherGroupDifferent) {
  ArrivalGaps a(rate_group(1000, true), 3, 0);
  ArrivalGaps b(rate_group(1000, true), 3, 0);
  ArrivalGaps other_seed(rate_group(1000, true), 4, 0);
  ArrivalGaps other_group(rate_group(1000, true), 3, 1);
  bool seed_differs = false;
  bool group_differs = false;
  for (int i = 0; i < 10; ++i) {
    const Duration g = a.next();
    EXPECT_EQ(g, b.next());
    seed_differs |= g != other_seed.next();
    group_differs |= g != other_group.next();
  }
  EXPECT_TRUE(seed_differs);
  EXPECT_TRUE(group_differs);
}

}  // namespace
}  // namespace synsim::scenario
