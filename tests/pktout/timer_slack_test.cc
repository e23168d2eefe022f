// The slack a written script gives a retransmitted SYN-ACK: how far the
// kernel's timer wheel may fire it from where the model's did.
#include <gtest/gtest.h>

#include "sim/pktout/timer_slack.h"

namespace synsim::pktout {
namespace {

const profile::Profile& linux_6_18() { return *profile::find_profile("linux-6.18"); }

TEST(TimerSlack, WheelLevelGranuleAndAJiffyAtHz250) {
  // Each is late by up to its level's granule (calc_index() rounds up, so
  // that no timer fires early), plus a jiffy for where in its tick it was
  // armed: level 0 (under 64 jiffies) by 1 jiffy; a 1 s timer (250
  // jiffies) sits on level 1 (8 jiffies, 32 ms); a 4 s one on level 2 (64,
  // 256 ms).
  EXPECT_EQ(wheel_lateness(linux_6_18(), 250, ms(200)), ms(4) + ms(4));
  EXPECT_EQ(wheel_lateness(linux_6_18(), 250, sec(1)), ms(32) + ms(4));
  EXPECT_EQ(wheel_lateness(linux_6_18(), 250, sec(4)), ms(256) + ms(4));
}

TEST(TimerSlack, RetransmissionsAddTheirTimersSlack) {
  EXPECT_EQ(synack_retransmit_slack(linux_6_18(), 250, 1), ms(36));
  EXPECT_EQ(synack_retransmit_slack(linux_6_18(), 250, 2), ms(72));  // 1 s, then 2 s (500 jiffies: level 1)
  EXPECT_EQ(synack_retransmit_slack(linux_6_18(), 250, 3), ms(72) + ms(260));
}

}  // namespace
}  // namespace synsim::pktout
