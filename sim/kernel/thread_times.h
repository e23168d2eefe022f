// What the applications' own threads cost on this machine: CPU time and
// time spent runnable but waiting for a CPU, per role, read from the
// scheduler's accounting of each thread at its end.
//
// Why: the model splits each connection's CPU work between the loader's
// and the server's threads (model::Costs), and only their sum is fitted to
// the kernel's pace (synsim calibrate). Whether a loader outruns its server
// and fills the accept queue depends on the split, and on how long each
// waits for a CPU on a 2-vCPU machine shared by three threads.
#pragma once

#include <optional>

#include "sim/outcome/outcome.h"

namespace synsim::kernel {

// The calling thread's /proc/thread-self/schedstat (CONFIG_SCHED_INFO):
// time on a CPU (sum_exec_runtime, ns; softirq work run inside its
// syscalls included, as this kernel has no CONFIG_IRQ_TIME_ACCOUNTING),
// time runnable on a runqueue waiting for the CPU (run_delay, ns), and how
// many times it was given a CPU (pcount). nullopt where the file is missing.
std::optional<outcome::ThreadTimes> read_thread_schedstat();

}  // namespace synsim::kernel
