// SIGINT / SIGTERM during a real-time kernel run: stop it promptly and keep
// what was measured (written through temporary files and renames, so never
// half-written), marked partial; the command then exits 130.
#pragma once

namespace synsim::cli {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Installs handlers that ask the kernel runner to stop (kernel::request_stop).
void stop_kernel_runs_on_signals();

}  // namespace synsim::cli
