#include "sim/core/sort_samples.h"

#include <algorithm>
#include <array>
#include <bit>

namespace synsim {

namespace {

constexpr int kDigitBits = 11;
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
constexpr std::uint64_t kDigitMask = kBuckets - 1;
// Below this a comparison sort is as fast and needs no second buffer.
constexpr std::size_t kRadixMin = 4096;

}  // namespace

void sort_samples(std::vector<std::int64_t>& v) {
  if (v.size() < kRadixMin) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::int64_t max = 0;
  for (const std::int64_t x : v) {
    if (x < 0) {
      std::sort(v.begin(), v.end());
      return;
    }
    max = std::max(max, x);
  }
  const int bits = std::bit_width(static_cast<std::uint64_t>(max));
  const int passes = (bits + kDigitBits - 1) / kDigitBits;
  std::vector<std::int64_t> other(v.size());
  std::vector<std::int64_t>* from = &v;
  std::vector<std::int64_t>* to = &other;
  for (int p = 0; p < passes; ++p) {
    const int shift = p * kDigitBits;
    std::array<std::size_t, kBuckets> start{};
    for (const std::int64_t x : *from) ++start[(static_cast<std::uint64_t>(x) >> shift) & kDigitMask];
    std::size_t sum = 0;
    for (std::size_t& s : start) {
      const std::size_t n = s;
      s = sum;
      sum += n;
    }
    for (const std::int64_t x : *from) (*to)[start[(static_cast<std::uint64_t>(x) >> shift) & kDigitMask]++] = x;
    std::swap(from, to);
  }
  if (from != &v) v.swap(*from);
}

}  // namespace synsim
