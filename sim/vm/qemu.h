// qemu-system-x86_64 started as a child process: the guest boots Debian's
// kernel under TCG (software emulation: no KVM needed, nor used when there
// is one, so every machine measures the same thing), with no network
// device, no disk and no display; two serial ports written to files (the
// console, and the guest's results: guest.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sim/core/time.h"

namespace synsim::vm {

// The qemu-system-x86_64 on PATH; nullopt when there is none.
std::optional<std::string> find_qemu();

struct BootSpec {
  std::string qemu;
  std::string kernel;
  std::string initramfs;
  std::string console_path;  // ttyS0: the kernel's console
  std::string results_path;  // ttyS1: the frames
  int memory_mib = 1024;
  int cpus = 2;
  Duration limit = sec(600);  // killed after this
  // Polled while qemu runs: true kills it (synsim was asked to stop: SIGINT/SIGTERM).
  std::function<bool()> should_stop;
};

struct Boot {
  std::string error;       // qemu could not be started, or exited with an error ("" when fine)
  bool timed_out = false;  // killed at BootSpec::limit
  bool stopped = false;    // killed because BootSpec::should_stop said so
  Duration wall{0};        // from the start of qemu to its exit
};

// Runs qemu to its end (the guest powers off) or to the limit.
Boot boot(const BootSpec& spec);

}  // namespace synsim::vm
