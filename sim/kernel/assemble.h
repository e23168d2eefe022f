// A kernel run's outcome from what the run measured: the loader's records,
// the capture's packets (and what each says about its connection), the
// counters before and after, the queue samples. Only what the kernel side
// knows is decided here; what an outcome means (completion, stalls, what is
// worth explaining) is the one judge's (sim/outcome/judge.h).
//
// Internal to sim/kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/apps.h"
#include "sim/kernel/capture.h"
#include "sim/kernel/counters.h"
#include "sim/kernel/queues.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/sock_diag.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// What a kernel run measured, before it is an outcome.
struct Raw {
  std::vector<CapturedPacket> packets;
  std::vector<RawQueueSample> queues;
  CounterSnapshot before;
  CounterSnapshot after;
  std::uint64_t capture_drops = 0;
  AppsResult apps;
  std::vector<outcome::Reason> notes;  // what the runner changed beyond the scenario's sysctls
  // The namespace's TCP sockets when the run ended (sock_diag.h); none read
  // in wire mode, or when sock_diag failed (a note says why).
  std::optional<std::vector<DiagSocket>> sockets;
  // The namespace's loopback speed before the run (loopback_probe.h).
  std::optional<Duration> loopback_cycle;
  std::optional<Duration> cross_cpu_cycle;
};

// The namespace's sockets into raw.sockets, or a note saying why not.
void read_sockets(Raw& raw);

// `release`, `hz`: the running kernel's (uname -r, CONFIG_HZ; 0 = unknown).
// Takes the records and packets out of `raw`.
outcome::Outcome assemble(const scenario::Scenario& sc, const KernelOptions& opt, const std::string& release,
                          std::int64_t hz, Raw& raw);

}  // namespace synsim::kernel
