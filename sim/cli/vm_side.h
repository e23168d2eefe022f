// The kernel side played on a second real kernel (`--vm PROFILE` of
// `synsim kernel` and `synsim compare`): Debian's kernel of PROFILE under
// qemu (sim/vm), whose outcomes come back as the outcome.json of a host
// run and are then rendered, judged and compared exactly as one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/cli/session.h"
#include "sim/scenario/scenario.h"

namespace synsim::cli {

// compare --vm's noise when --noise-ms is not given. Under TCG the
// runner's applications start 10-40 ms late and its first events (a
// connect or write 10-20 ms in) come up to ~70 ms late (measured with E1,
// E4 and the 2003 stall, 1 and 2 vCPUs: reports/vm-linux-6.1.md); timers of
// hundreds of milliseconds and more keep their time. 25 ms, the host's
// noise, would judge the emulation, not the kernel's rules.
inline constexpr std::int64_t kVmNoiseMs = 75;

struct VmSide {
  std::string profile;                    // "linux-6.1"
  std::vector<std::string> kernel_args;   // passed to `synsim kernel` in the guest (--set, --no-capture, ...)
};

// `runs` runs of `sc` in one boot of the VM; an exit code when it cannot be
// had (4: no qemu or no image, said with the command that fixes it; the
// guest's own refusal: its exit code, its words on stderr). Says the VM's
// figures (boot, each run's guest time, qemu's whole time) on stderr.
std::variant<Runs, int> run_on_vm(const VmSide& vm, const scenario::Scenario& sc, std::size_t runs);

}  // namespace synsim::cli
