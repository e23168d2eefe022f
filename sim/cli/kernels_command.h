// `synsim kernels` lists the kernel profiles the model knows (sim/profile):
// each with its aliases' upstream, HZ, TCP_TIMEOUT_INIT and the sysctl
// defaults that differ between profiles. `synsim kernels diff A B` prints
// every rule switch and default on which two profiles differ, each value
// with the change that brought it and what was read for it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct KernelsArgs {
  std::vector<std::string> words;  // empty, or {"diff", A, B}
};

// The listing (`synsim kernels`).
std::string kernels_listing();
// The differences between profiles `a` and `b`; nullopt when either is
// not a profile name.
std::optional<std::string> kernels_diff(const std::string& a, const std::string& b);

// Exit codes: 0, 2 (an unknown profile or a bad word).
int kernels_command(const KernelsArgs& args);

}  // namespace synsim::cli
