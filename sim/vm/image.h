// A second real kernel for the runner: Debian's own kernel image of a
// profile, unpacked by scripts/vm-image into a cache directory, with what
// the guest needs beside it (busybox as /init's shell, the modules the
// runner loads, the kernel's build configuration for its HZ).
//
// Layout of CACHE/PROFILE/ (scripts/vm-image writes it): vmlinuz, busybox,
// config, release (the kernel's `uname -r`), source (packages and
// versions), modules.order (one module file name a line, load order) and
// modules/NAME.ko.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

namespace synsim::vm {

struct VmImage {
  std::string profile;  // "linux-6.1"
  std::string dir;      // CACHE/PROFILE
  std::string kernel;   // the bzImage qemu boots
  std::string busybox;  // a static busybox
  std::string config;   // the kernel's .config (CONFIG_HZ)
  std::string release;  // "6.1.0-57-cloud-amd64"
  std::string source;   // "linux-image-6.1.0-57-cloud-amd64 6.1.192-3, busybox-static ..."
  std::vector<std::string> modules;  // paths, in load order
};

// The profiles scripts/vm-image has a Debian kernel package for.
std::span<const std::string_view> vm_profiles();

// The cache directory: $SYNSIM_VM_CACHE, else the build's default
// (<build dir>/vm, where scripts/vm-image writes by default).
std::string vm_cache_dir();

// The image of `profile` in the cache, or why there is none (with the
// command that prepares it). A release whose profile is not `profile`
// (profile::profile_for_release) is refused: the comparison would not be
// like for like.
std::variant<VmImage, std::string> find_vm_image(const std::string& profile);

}  // namespace synsim::vm
