// `synsim kernel FILE`: the scenario on this machine's real kernel (private
// network namespace, real sockets, packet capture, kernel counters), with the
// same renderings as `synsim run` and its expect: judged as `synsim run`
// judges it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct KernelArgs {
  std::string file;
  std::vector<std::string> sets;  // --set KEY=VALUE
  std::string format = "text";    // text | tcpdump | summary | json
  std::optional<std::string> out_dir;
  bool host_loopback = false;  // --host-loopback: no namespace (sysctls must already match)
  bool no_capture = false;     // --no-capture: records and counters only
  std::string port_range;      // --port-range LOW-HIGH ("" = automatic)
  std::string loader = "auto"; // --loader auto|asio|epoll (kernel::LoaderKind; auto: kernel::chosen_loader)
  std::string teardown_limit;  // --teardown-limit DURATION ("": kernel::KernelOptions' default)
  std::string vm;              // --vm PROFILE: play it on Debian's kernel of PROFILE under qemu (vm_side.h)
};

// Exit codes from exit_codes.h: 0, 1 (an expect: hypothesis failed on the
// kernel's run), 2 (bad input, unsupported scenario), 4 (the machine cannot
// run it: no namespaces, limits), kExitInterrupted (partial results; before 1).
int kernel_command(const KernelArgs& args);

// The text for `synsim kernel --help`: what it needs and what it changes.
const char* kernel_command_description();

}  // namespace synsim::cli
