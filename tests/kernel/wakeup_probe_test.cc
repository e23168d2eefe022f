// synsim probe wakeup (sim/kernel/wakeup_probe.h): the probe behind the
// model's wakeup figures. Real threads on the real scheduler: the tests
// check what the probe reports, never how fast this machine is.
#include "sim/kernel/wakeup_probe.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace synsim::kernel {
namespace {

TEST(WakeupProbe, MeasuresEachIdleTimeWithSortedPositiveLatencies) {
  WakeupProbeOptions o;
  o.idle = {us(20), us(200)};
  o.samples = 5;
  o.busy_after = us(10);
  o.limit = sec(10);
  const std::vector<WakeupBin> bins = probe_wakeup(o);
  ASSERT_EQ(bins.size(), 2u);
  for (const WakeupBin& b : bins) {
    EXPECT_EQ(b.latency.size(), 5u) << "a wakeup lost for idle " << b.idle.count();
    EXPECT_TRUE(std::is_sorted(b.latency.begin(), b.latency.end()));
    for (const Duration d : b.latency) EXPECT_GT(d, Duration{0});
    EXPECT_LE(b.same_cpu, b.latency.size());
  }
  EXPECT_EQ(bins[0].idle, us(20));
  EXPECT_EQ(bins[1].idle, us(200));
}

TEST(WakeupProbe, LongIdleTimesGetFewerSamplesWithinTheLimit) {
  WakeupProbeOptions o;
  o.samples = 50;
  o.limit = sec(60);
  EXPECT_EQ(samples_for(o, us(20)), 50u);
  EXPECT_EQ(samples_for(o, sec(1)), 5u);  // 6 s of the 60 s for 1 s + 0.5 ms each
  o.limit = sec(1);
  EXPECT_EQ(samples_for(o, sec(1)), 1u);  // never none
}

}  // namespace
}  // namespace synsim::kernel
