// sort_samples(): the radix sort a summary's latency samples go through
// gives exactly std::sort's order, on every path (short, negative, one to
// six digits' worth of bits).
#include "sim/core/sort_samples.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/core/rng.h"

namespace synsim {
namespace {

std::vector<std::int64_t> draw(std::size_t n, std::uint64_t max, std::uint64_t seed) {
  Rng rng(seed, "sort_samples_test");
  std::vector<std::int64_t> v(n);
  for (std::int64_t& x : v) x = static_cast<std::int64_t>(rng.next_u64() % (max + 1));
  return v;
}

void expect_sorted_like_std(std::vector<std::int64_t> v) {
  std::vector<std::int64_t> expected = v;
  std::sort(expected.begin(), expected.end());
  sort_samples(v);
  EXPECT_EQ(v, expected);
}

TEST(SortSamples, MatchesStdSortForEveryWidthOfValue) {
  // 1 bit, one 11-bit digit exactly, two, three (waits under ~8.6 s), four,
  // and the whole non-negative range (six digits).
  for (const std::uint64_t max : {std::uint64_t{1}, std::uint64_t{2047}, std::uint64_t{2048},
                                  std::uint64_t{4'000'000}, std::uint64_t{8'000'000'000},
                                  std::uint64_t{1} << 40, std::uint64_t{INT64_MAX}}) {
    SCOPED_TRACE(max);
    expect_sorted_like_std(draw(50'000, max, max));
  }
}

TEST(SortSamples, KeepsDuplicatesAndZeros) {
  std::vector<std::int64_t> v(10'000, 0);
  for (std::size_t i = 0; i < v.size(); i += 3) v[i] = 190'000'000;
  expect_sorted_like_std(v);
}

TEST(SortSamples, ShortAndNegativeInputsAreSortedToo) {
  expect_sorted_like_std({});
  expect_sorted_like_std({5, -3, 2, 2, 0});
  std::vector<std::int64_t> v = draw(20'000, 1'000'000, 7);
  v[12'345] = -1;  // a negative value anywhere sends the whole vector to std::sort
  expect_sorted_like_std(v);
}

}  // namespace
}  // namespace synsim
