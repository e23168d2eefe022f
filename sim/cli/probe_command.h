// `synsim probe wakeup`: measures this machine's scheduling figures that the
// model's machine takes as input (sim/model/machine.cc), so that a user can
// see whether their machine behaves like the one the model was measured on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace synsim::cli {

struct ProbeArgs {
  std::string what = "wakeup";    // wakeup
  std::uint32_t samples = 50;     // per idle time
  double limit_s = 60;            // wall-time bound of the whole probe
  std::vector<double> idle_ms;    // idle times to probe (default: 0.02, 0.1, 1, 10, 100, 1000)
  double busy_us = 500;           // the waker's work after each wakeup
};

// Exit codes: 0, 2 (bad arguments), 4 (the machine refused: epoll/eventfd).
int probe_command(const ProbeArgs& args);

}  // namespace synsim::cli
