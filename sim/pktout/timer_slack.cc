#include "sim/pktout/timer_slack.h"

#include <algorithm>

#include "sim/tcp/jiffies.h"

namespace synsim::pktout {

namespace {

// TCP_RTO_MAX, include/net/tcp.h.
constexpr Duration kRtoMax = sec(120);

// The coarsest granule a listener timer meets: level 3 of the wheel (512
// jiffies); every phase of it is tried.
constexpr std::uint64_t kPhases = 4096;

}  // namespace

Duration wheel_lateness(const profile::Profile& prof, std::int64_t hz, Duration timeout) {
  const tcp::JiffyClock clock(hz, prof.rules.timer_wheel == profile::TimerWheel::granular
                                      ? tcp::TimerWheel::hierarchical
                                      : tcp::TimerWheel::classic);
  const std::uint64_t j = clock.to_jiffies(timeout);
  Duration worst{};
  // The same question the model's timers ask (JiffyClock::fire_time), from
  // every phase of the kernel's jiffies at the moment it is armed.
  for (std::uint64_t k = 0; k < kPhases; ++k) {
    const Time now = clock.tick_time(k);
    worst = std::max(worst, clock.fire_time(now, j) - now - clock.to_duration(j));
  }
  return worst + clock.jiffy();
}

Duration synack_retransmit_slack(const profile::Profile& prof, std::int64_t hz, std::uint32_t number) {
  Duration slack{};
  for (std::uint32_t k = 1; k <= number && k < 32; ++k) {
    const Duration timeout = std::min(prof.timeout_init * (std::int64_t{1} << (k - 1)), kRtoMax);
    slack += wheel_lateness(prof, hz, timeout);
  }
  return slack;
}

}  // namespace synsim::pktout
