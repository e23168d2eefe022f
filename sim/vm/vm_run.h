// A scenario played on a second real kernel: Debian's kernel of a profile
// booted under qemu (image.h, qemu.h) with the runner in its initramfs
// (guest.h). The guest runs `synsim kernel --out` RUNS times, the outcomes
// come back as outcome.json texts, the same files a host run writes, so
// `synsim kernel --vm` and `synsim compare --vm` render and compare them
// as they do a host run.
//
// Real time in the guest is the host's (qemu's virtual clock follows the
// host's monotonic clock), but every instruction is emulated: the
// applications, softirqs and timers run ~10-50x slower than on the host,
// so what happens within a few milliseconds may be late; the timers of
// seconds (RTOs, SYN-ACK retransmissions) are not.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/vm/guest.h"
#include "sim/vm/image.h"

namespace synsim::vm {

struct VmRequest {
  VmImage image;
  std::string synsim_binary;  // the runner the guest plays (this program)
  std::string scenario_text;  // the scenario file as written (the guest applies kernel_args' --set)
  GuestPlan plan;             // modules are filled from the image
  Duration scenario_duration{0};
  // The guest's vCPUs (one host thread each under TCG). 2, as this
  // machine's: with 1, the loader, server and capture threads take turns
  // on one emulated CPU, start later, and a client reading its response
  // answers the server's FIN with its own FIN only, no ACK before it (the
  // 2003 stall on 1 vCPU, twice); with 2 they agree with the model.
  int cpus = 2;
  std::function<bool()> should_stop;  // BootSpec::should_stop
};

struct GuestRun {
  int exit_code = -1;                      // of `synsim kernel` in the guest
  std::string stderr_text;                 // what it said
  std::optional<std::string> outcome_json;  // its outcome.json, when it wrote one
  std::optional<Duration> wall;            // guest uptime at its end minus at its start (10 ms steps)
};

struct VmRun {
  std::string error;        // the VM did not run or did not report ("" when it did)
  bool environment = false;  // error is this machine's (no qemu, no image): exit 4
  bool stopped = false;      // stopped on request (SIGINT/SIGTERM)
  std::string release;      // the guest's uname -r
  std::string clocksource;  // the guest kernel's clocksource (tsc, hpet, ...)
  std::optional<Duration> boot;  // guest uptime when /init started
  Duration qemu_wall{0};    // qemu's whole life, from start to power-off
  std::vector<GuestRun> runs;
  std::string console_tail;  // the end of the guest's console, for a diagnosis
};

// Boots, plays, powers off. Work files (the initramfs, the serial ports'
// files) live in a temporary directory removed before returning.
VmRun run_in_vm(const VmRequest& request);

// How long the run may take before qemu is killed: a generous boot, and
// each run's duration several times over (emulation) plus a margin.
Duration vm_time_limit(Duration scenario_duration, int runs);

}  // namespace synsim::vm
