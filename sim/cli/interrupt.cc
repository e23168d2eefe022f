#include "sim/cli/interrupt.h"

#include <signal.h>

#include "sim/kernel/runner.h"

namespace synsim::cli {

namespace {

extern "C" void on_stop_signal(int) { kernel::request_stop(); }

}  // namespace

void stop_kernel_runs_on_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace synsim::cli
