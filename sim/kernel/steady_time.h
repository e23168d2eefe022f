// The applications' real clock: CLOCK_MONOTONIC through std::chrono, the
// clock of t0 and of every timer in the kernel runner. Internal to
// sim/kernel (the model never reads a real clock).
#pragma once

#include <chrono>

namespace synsim::kernel {

using SteadyTime = std::chrono::steady_clock::time_point;

}  // namespace synsim::kernel
