// The timer wheel (kernel/time/timer.c calc_wheel_index), checked against
// the values measured on the reference machine (kernel-handshake.md §5.3,
// §11): HZ=250, so one jiffy is 4 ms.
#include "sim/tcp/jiffies.h"

#include <gtest/gtest.h>

namespace synsim::tcp {
namespace {

const JiffyClock hz250(250, TimerWheel::hierarchical);

std::uint64_t fire_jiffies(std::uint64_t now_j, std::uint64_t timeout) {
  return hz250.jiffies(hz250.fire_time(hz250.tick_time(now_j), timeout));
}

TEST(TimerWheel, LevelZeroFiresOneJiffyLate) {
  EXPECT_EQ(fire_jiffies(1000, 51), 1052u);  // RTO 204 ms -> 208 ms
  EXPECT_EQ(fire_jiffies(1000, 1), 1002u);
}

TEST(TimerWheel, LevelOneRoundsUpToEightJiffies) {
  // 250 jiffies (1 s) from 0: bucket ((250 >> 3) + 1) << 3 = 256 -> 1.024 s
  EXPECT_EQ(fire_jiffies(0, 250), 256u);
  EXPECT_EQ(fire_jiffies(1, 62), 64u);   // 62 < 63: level 0
  EXPECT_EQ(fire_jiffies(1, 63), 72u);   // 63: level 1, (64 >> 3) + 1 = 9 -> 72
}

TEST(TimerWheel, LevelTwoRoundsUpTo64Jiffies) {
  // RTO 816 jiffies (3.264 s) is level 2 and fired 832 jiffies later on M-lab.
  const std::uint64_t now = 2048;  // a level-2 boundary
  EXPECT_EQ(fire_jiffies(now, 816) - now, 832u);
}

TEST(TimerWheel, NeverFiresEarly) {
  for (std::uint64_t now = 0; now < 300; now += 7) {
    for (std::uint64_t t : {1u, 50u, 63u, 250u, 503u, 504u, 1000u, 4031u, 4032u, 30000u}) {
      const std::uint64_t f = fire_jiffies(now, t);
      EXPECT_GT(f, now + t - 1) << now << "+" << t;
      EXPECT_GE(f, now + t);
    }
  }
}

TEST(TimerWheel, ClassicWheelFiresAtExpiry) {
  const JiffyClock old(1000, TimerWheel::classic);
  EXPECT_EQ(old.jiffies(old.fire_time(old.tick_time(10), 201)), 211u);
}

TEST(Jiffies, ConversionsRoundUpLikeMsecsToJiffies) {
  EXPECT_EQ(hz250.to_jiffies(ms(200)), 50u);
  EXPECT_EQ(hz250.to_jiffies(us(200020)), 51u);  // rto_min + 20 us RTT
  EXPECT_EQ(hz250.to_jiffies(ms(1)), 1u);
  EXPECT_EQ(hz250.to_jiffies(Duration{0}), 0u);
}

}  // namespace
}  // namespace synsim::tcp
