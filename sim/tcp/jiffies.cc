#include "sim/tcp/jiffies.h"

namespace synsim::tcp {

namespace {

// LVL_CLK_SHIFT = 3, LVL_SIZE = 64: level n starts at 63 << 3(n-1) jiffies
// and has a granule of 8^n jiffies. LVL_DEPTH is 9 for HZ > 100.
constexpr int kLevelShift = 3;
constexpr int kLevelDepth = 9;

constexpr std::uint64_t level_start(int level) {
  return level == 0 ? 0 : std::uint64_t{63} << (kLevelShift * (level - 1));
}

}  // namespace

JiffyClock::JiffyClock(std::int64_t hz, TimerWheel wheel)
    : hz_(hz), jiffy_(Duration{1000000000 / hz}), wheel_(wheel) {}

std::uint64_t JiffyClock::to_jiffies(Duration d) const {
  const std::int64_t n = to_ns(d);
  if (n <= 0) return 0;
  const std::int64_t j = to_ns(jiffy_);
  return static_cast<std::uint64_t>((n + j - 1) / j);
}

Time JiffyClock::fire_time(Time now, std::uint64_t timeout) const {
  return fire_time_at(now, jiffies(now) + timeout);
}

Time JiffyClock::fire_time_at(Time now, std::uint64_t expires) const {
  const std::uint64_t clk = jiffies(now);
  switch (wheel_) {
    case TimerWheel::classic:
      // Old cascading wheel: runs at the first tick with jiffies >= expires
      // (a timer already due runs at the next tick).
      return tick_time(expires > clk ? expires : clk + 1);
    case TimerWheel::hierarchical: {
      const std::uint64_t delta = expires > clk ? expires - clk : 0;
      int level = 0;
      while (level + 1 < kLevelDepth && delta >= level_start(level + 1)) ++level;
      // Linux: calc_index(): expires = (expires >> LVL_SHIFT(lvl)) + 1;
      //        bucket_expiry = expires << LVL_SHIFT(lvl)
      const int shift = kLevelShift * level;
      const std::uint64_t bucket = ((expires >> shift) + 1) << shift;
      return tick_time(bucket);
    }
  }
  return tick_time(expires);
}

}  // namespace synsim::tcp
