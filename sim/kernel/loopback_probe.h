// How fast this machine's kernel runs one loopback connection right now.
//
// Why: the same closed loop on the same 2-vCPU VM ran at different speeds on
// different days with nothing else running (scenarios/load/c64-b128, the
// loader's connections 500-4,500: 69-77 ms on 2026-12-05, 97-107 ms on
// 2026-12-06; reports/load/pace.md), and the other-process measure
// (host_cpu.h) sees none of it: the hypervisor's other guests do not show in
// /proc. A load run's figures depend on that speed, so every namespace run
// first times a fixed loop on the namespace's loopback, before its own
// counters are read, and the outcome carries it (outcome::HostLoad).
//
// The loop: one thread, blocking sockets: socket(), connect() to a listener
// on 127.0.0.1 (the handshake runs in softirq inside connect()), accept(),
// close() the client with SO_LINGER 0 (an RST, so no TIME_WAIT is left) and
// then the child. The figure is the median of batches, per cycle.
#pragma once

#include <optional>

#include "sim/core/time.h"

namespace synsim::kernel {

// The time one cycle takes on this namespace's loopback (median over
// `batches` batches of `cycles` cycles), or nullopt when a socket call
// failed. Runs in the caller's network namespace.
std::optional<Duration> probe_loopback_cycle(int batches = 5, int cycles = 200);

// The same cycle split across two CPUs, as a loader and a server run it: a
// client thread pinned to CPU 0 connects, writes one byte and waits for one
// byte back; a server thread pinned to CPU 1 accepts, reads, replies and
// closes. Each cycle wakes a thread on the other CPU at least twice, which
// one thread's cycle never does: on a VM a cross-CPU wakeup is an IPI
// through the hypervisor, the part of a load run's cost that can move when
// the host is busy. nullopt with fewer than 2 CPUs or when a call failed.
std::optional<Duration> probe_cross_cpu_cycle(int batches = 5, int cycles = 200);

}  // namespace synsim::kernel
