// Jiffies and the kernel timer wheel, so model timers fire when Linux's do.
//
// Read first: kernel/time/timer.c, calc_wheel_index() and calc_index()
// (kernel-handshake.md §5.3). A timer armed `timeout` jiffies ahead goes to
// the wheel level whose range holds the delta, and fires at the first bucket
// boundary of that level *after* its expiry: late by 1 to 8^level jiffies.
// So at HZ=250 a 204 ms RTO fires 4 ms late, a 1 s SYN-ACK timer up to 32 ms
// late, and a 3.3 s RTO up to 256 ms late; timers of many sockets armed
// within one granule fire in the same tick (the lockstep bursts of
// kernel-measured-rules.md rule 5).
//
// Deviation: the wheel's base clock is taken to be `jiffies` when a timer is
// armed (the kernel uses base->clk, which can be one tick ahead inside a
// timer callback or behind on an idle NO_HZ CPU); and jiffies are 0 at the
// run's start, so the run starts on a tick aligned with every wheel level.
#pragma once

#include <cstdint>

#include "sim/core/time.h"

namespace synsim::tcp {

enum class TimerWheel {
  hierarchical,  // 4.8+: level rounding, timers never early (linux-6.18)
  classic,       // 2.x cascading wheel: fires at the first tick >= expires (linux-2.5.66)
};

class JiffyClock {
 public:
  JiffyClock(std::int64_t hz, TimerWheel wheel);

  std::int64_t hz() const { return hz_; }
  Duration jiffy() const { return jiffy_; }

  // `jiffies` at virtual time t.
  std::uint64_t jiffies(Time t) const { return static_cast<std::uint64_t>(to_ns(t) / to_ns(jiffy_)); }
  Time tick_time(std::uint64_t j) const { return at_ns(static_cast<std::int64_t>(j) * to_ns(jiffy_)); }

  // Linux: msecs_to_jiffies() / usecs_to_jiffies(), which round up.
  std::uint64_t to_jiffies(Duration d) const;
  Duration to_duration(std::uint64_t j) const { return Duration{static_cast<std::int64_t>(j) * to_ns(jiffy_)}; }

  // When a timer armed at `now` with `timeout` jiffies fires.
  // Linux: mod_timer() -> calc_wheel_index(), kernel/time/timer.c
  Time fire_time(Time now, std::uint64_t timeout) const;
  // Same, for an absolute expiry in jiffies.
  Time fire_time_at(Time now, std::uint64_t expires) const;

 private:
  std::int64_t hz_;
  Duration jiffy_;
  TimerWheel wheel_;
};

}  // namespace synsim::tcp
