// Ephemeral port allocation (__inet_hash_connect's walk): the bitset search
// gives the port the port-by-port walk gives, whatever is in use or held.
#include "sim/tcp/ports.h"

#include <gtest/gtest.h>

#include "sim/core/rng.h"

namespace synsim::tcp {
namespace {

struct Range {
  std::uint32_t lo;
  std::uint32_t hi;
  std::uint16_t reserved;
};

// Two allocators fed the same in-use / held pattern and the same releases;
// each take() must agree with the linear walk's.
void check_equivalent(const Range& r, std::uint64_t seed, int density_percent, int steps) {
  Rng rng(seed, "ports-test");
  const auto start = static_cast<std::uint16_t>(r.lo + rng.between(0, r.hi - r.lo));
  PortAllocator fast(r.lo, r.hi, r.reserved, start);
  PortAllocator slow(r.lo, r.hi, r.reserved, start);
  Time now = kTimeZero + ms(10);
  for (std::uint32_t p = r.lo; p <= r.hi; ++p) {
    const std::int64_t roll = rng.between(0, 99);
    if (roll >= density_percent) continue;
    // Mostly in use; some held until a time before or after now.
    const std::int64_t kind = rng.between(0, 9);
    const Time at = kind < 6 ? kTimeMax : kind < 8 ? now + ms(rng.between(1, 2000)) : now - ms(rng.between(0, 5));
    fast.set_free_at(static_cast<std::uint16_t>(p), now, at);
    slow.set_free_at(static_cast<std::uint16_t>(p), now, at);
  }
  std::vector<std::uint16_t> taken;
  for (int i = 0; i < steps; ++i) {
    now += us(rng.between(0, 50000));
    const std::optional<std::uint16_t> a = fast.take(now);
    const std::optional<std::uint16_t> b = slow.take_linear(now);
    ASSERT_EQ(a, b) << "seed " << seed << " step " << i << " range " << r.lo << "-" << r.hi;
    ASSERT_EQ(fast.next_port(), slow.next_port());
    if (a) taken.push_back(*a);
    // Release one of the taken ports now and then, at once or after 1 s.
    if (!taken.empty() && rng.between(0, 2) == 0) {
      const auto k = static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(taken.size()) - 1));
      const Time at = rng.between(0, 1) == 0 ? now : now + sec(1);
      fast.release(taken[k], now, at);
      slow.release(taken[k], now, at);
      taken.erase(taken.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
}

TEST(EphemeralPorts, BitsetWalkMatchesLinearWalkOnRandomPatterns) {
  const Range ranges[] = {
      {32768, 60999, 9100},   // the default range; listener outside it
      {32768, 60999, 40000},  // listener inside the range
      {32769, 60999, 40001},  // odd bottom, odd top
      {1024, 65535, 9100},
      {50000, 50200, 50100},  // small: wraps often, fills up
      {50001, 50002, 9100},
      {60000, 60000, 9100},   // one port
  };
  std::uint64_t seed = 1;
  for (const Range& r : ranges) {
    for (int density : {0, 30, 90, 99, 100}) {
      check_equivalent(r, seed++, density, 3000);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(EphemeralPorts, EvenPortsFirstThenOdd) {
  PortAllocator ports(32768, 32775, 9100, 32770);
  EXPECT_EQ(ports.take(kTimeZero), 32770);
  EXPECT_EQ(ports.take(kTimeZero), 32772);
  EXPECT_EQ(ports.take(kTimeZero), 32774);
  EXPECT_EQ(ports.take(kTimeZero), 32768);  // wraps to the bottom
  EXPECT_EQ(ports.take(kTimeZero), 32771);  // evens exhausted: odd ones, from the offset on
}

TEST(EphemeralPorts, HeldPortIsFreeAgainAtItsTime) {
  PortAllocator ports(32768, 32769, 9100, 32768);
  EXPECT_EQ(ports.take(kTimeZero), 32768);
  EXPECT_EQ(ports.take(kTimeZero), 32769);
  EXPECT_EQ(ports.take(kTimeZero), std::nullopt);  // EADDRNOTAVAIL
  ports.release(32768, kTimeZero, kTimeZero + sec(1));
  EXPECT_EQ(ports.take(kTimeZero + ms(999)), std::nullopt);
  EXPECT_EQ(ports.take(kTimeZero + sec(1)), 32768);
}

}  // namespace
}  // namespace synsim::tcp
