// How busy the machine was with work other than the kernel run itself.
//
// A kernel run's figures are this workload's only when nothing else competes
// for the CPUs: on this 2-vCPU machine a compiler on one vCPU halved the
// loopback closed loop's rate (space seed 20261218: 6,000 connections took
// 213 ms against 94-100 ms quiet) and turned agreeing points into misses. So
// every kernel run measures the CPU time that other processes took while it
// ran, and says so beside its figures; a statistical verdict names the runs
// measured on a busy machine.
//
// Measured from /proc: the machine's busy time (/proc/stat "cpu" line: user,
// nice, system; irq and softirq are left out, since the run's own loopback
// traffic is charged there) less this process's (/proc/self/stat utime and
// stime: every thread of the runner, loaders, server and capture) less the
// kernel threads' (ksoftirqd doing the run's own softirq work when deferred,
// kworkers tearing down its earlier namespaces, the VM's memory daemons).
// Whatever remains was done by other processes. Clock ticks of 1/USER_HZ s: exact enough over a run of a second or
// more. Pure functions below, tested on text without root.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/core/time.h"

namespace synsim::kernel {

struct HostCpuSnapshot {
  std::int64_t machine_busy_ticks = 0;  // /proc/stat: user + nice + system, all CPUs
  std::int64_t self_ticks = 0;          // /proc/self/stat: utime + stime
  std::int64_t kernel_thread_ticks = 0;  // every kernel thread (PF_KTHREAD): utime + stime
  std::int64_t taken_ns = 0;            // CLOCK_MONOTONIC
};

// The "cpu" line of /proc/stat: user + nice + system ticks; nullopt when the
// line is missing or short.
std::optional<std::int64_t> parse_proc_stat(std::string_view text);

// utime + stime of a /proc/PID/stat line (fields 14 and 15, counted after the
// command name's closing parenthesis, which may itself hold spaces or
// parentheses); nullopt when malformed.
std::optional<std::int64_t> parse_task_ticks(std::string_view stat_line);

// Whether a /proc/PID/stat line is a kernel thread's (PF_KTHREAD in its
// flags, field 9); false when malformed.
bool is_kernel_thread(std::string_view stat_line);

// Reads /proc. Fields that cannot be read stay 0 (the run goes on; its busy
// figure is then an over-estimate, never an under-estimate, except for an
// unreadable /proc/stat, which makes it unknown: see other_cpu()).
HostCpuSnapshot read_host_cpu();

// CPU time other processes used between two snapshots (>= 0), or nullopt
// when /proc/stat could not be read. `ticks_per_second`: USER_HZ.
std::optional<Duration> other_cpu(const HostCpuSnapshot& before, const HostCpuSnapshot& after,
                                  std::int64_t ticks_per_second);

}  // namespace synsim::kernel
