// What the guest runs: an initramfs holding the runner (this synsim, its
// shared libraries as ldd lists them, the scenario), a static busybox and
// an /init script that mounts /proc, /sys and /dev, loads the modules the
// runner needs, plays the scenario RUNS times with `synsim kernel --out`,
// and sends the results back over the second serial port (/dev/ttyS1) in
// frames (frames.h), then powers the machine off.
//
// Why the serial port: it needs no module in the guest (the 8250 UART is
// built into Debian's kernels; virtio-blk, virtio-console and 9p are
// modules with dependencies of their own), no file system on the host side
// (qemu writes the port's bytes to a file), and the results are small (an
// outcome.json of the 2003 stall is ~70 KB; the port carries ~30 KB/s
// under emulation here). In raw mode (stty raw) the tty passes bytes as
// they are. The first port stays the kernel's console, kept for the
// diagnosis when the guest fails.
#pragma once

#include <string>
#include <vector>

#include "sim/vm/image.h"

namespace synsim::vm {

struct GuestPlan {
  int runs = 1;
  // Arguments after `synsim kernel` (--set KEY=VALUE, --loader, ...), before
  // the scenario file.
  std::vector<std::string> kernel_args;
  // Module file names (NAME.ko), in load order.
  std::vector<std::string> modules;
};

// The /init script (busybox sh) for the plan.
std::string init_script(const GuestPlan& plan);

// `text` as one word of a POSIX shell command line.
std::string shell_quote(const std::string& text);

// The absolute paths of the shared objects `binary` loads (ldd), the
// dynamic loader included; empty when ldd fails.
std::vector<std::string> shared_libraries(const std::string& binary);

// Writes the initramfs to `path`: busybox, the modules, the kernel's
// config under /boot (the runner reads CONFIG_HZ there), `synsim_binary`
// without its debug sections where objcopy can strip them (89 MB -> 4 MB:
// loaded and unpacked under emulation), its libraries, /scenario.yaml and
// /init. Empty on success, else what went wrong.
std::string write_initramfs(const std::string& path, const VmImage& image, const std::string& synsim_binary,
                            const std::string& scenario_text, const GuestPlan& plan);

}  // namespace synsim::vm
