// The kernel side played on a second real kernel (`--vm PROFILE` of
// `synsim kernel` and `synsim compare`): Debian's kernel of PROFILE under
// qemu (sim/vm), whose outcomes come back as the outcome.json of a host
// run and are then rendered, judged and compared exactly as one.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "sim/cli/session.h"
#include "sim/scenario/scenario.h"

namespace synsim::cli {

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
