// How long a sleeping thread on this machine takes to run after another
// thread wakes it, as a function of how long it slept: the measurement
// behind the model's wakeup latencies (sim/model/machine.cc).
//
// Why: on a virtual machine an idle vCPU halts, and waking a halted vCPU
// costs the hypervisor a round trip; a vCPU idle for a second is woken far
// more slowly than one idle for 50 us. A server idle through the client's
// 1 s SYN retransmission wait then misses the burst of final ACKs that
// follows it (reports/load/cpus.md).
//
// Method: a waiter thread sleeps in epoll_wait() on an eventfd; a waker
// thread, after the waiter has slept for the chosen idle time, notes
// CLOCK_MONOTONIC and writes the eventfd, then stays busy for `busy_after`
// (as a loader keeps running after its connect() queued a child); the
// waiter notes the clock as epoll_wait() returns. Both threads are left to
// the scheduler, as the kernel runner's are; the CPUs each ran on are kept.
//
// Bounded: at most `samples` wakeups per idle time, and the whole probe
// stops after `limit` of wall time.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/time.h"

namespace synsim::kernel {

struct WakeupProbeOptions {
  std::vector<Duration> idle{us(20), us(100), ms(1), ms(10), ms(100), ms(1000)};
  std::uint32_t samples = 50;         // per idle time (fewer for the long ones: see samples_for)
  Duration busy_after = us(500);      // the waker's work after each wakeup
  Duration limit = sec(60);
};

struct WakeupBin {
  Duration idle{};                    // asked for
  std::vector<Duration> latency;      // sorted ascending
  std::uint32_t same_cpu = 0;         // wakeups where the waiter ran on the waker's CPU
};

// Runs the probe on the calling machine (no namespace or privilege needed).
// Throws std::system_error when epoll, eventfd or threads fail.
std::vector<WakeupBin> probe_wakeup(const WakeupProbeOptions& opt);

// Samples for one idle time: `samples`, but never more than fit in a tenth
// of `limit` at that idle time.
std::uint32_t samples_for(const WakeupProbeOptions& opt, Duration idle);

}  // namespace synsim::kernel
