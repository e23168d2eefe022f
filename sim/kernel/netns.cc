#include "sim/kernel/netns.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/kernel/fd.h"
#include "sim/kernel/runner.h"

namespace synsim::kernel {

namespace {

std::string errno_text(int e) { return std::strerror(e); }

bool write_file(const std::string& path, const std::string& text, int* err) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return false;
  }
  Fd guard(fd);
  const ssize_t n = ::write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) {
    *err = n < 0 ? errno : EIO;
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> sysctl_path(const std::string& name) {
  if (name.empty() || name.front() == '.' || name.back() == '.') return std::nullopt;
  std::string path = "/proc/sys/";
  char prev = 0;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return std::nullopt;
    if (c == '.' && prev == '.') return std::nullopt;
    path += c == '.' ? '/' : c;
    prev = c;
  }
  return path;
}

std::optional<std::int64_t> read_sysctl(const std::string& name) {
  const std::optional<std::string> path = sysctl_path(name);
  if (!path) return std::nullopt;
  std::ifstream in(*path);
  if (!in) return std::nullopt;
  std::int64_t v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}

SysctlPlan plan_sysctls(const std::vector<scenario::SysctlSetting>& sysctls) {
  SysctlPlan plan;
  for (const scenario::SysctlSetting& s : sysctls) {
    bool replaced = false;
    for (auto& [name, value] : plan.wanted) {
      if (name == s.name) {
        value = s.value;
        replaced = true;
      }
    }
    if (!replaced) plan.wanted.emplace_back(s.name, s.value);
  }
  for (const auto& [name, value] : plan.wanted) plan.host[name] = read_sysctl(name);
  return plan;
}

void enter_user_namespace_if_needed() {
  if (::geteuid() == 0) return;
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) {
    const int e = errno;
    throw EnvironmentError(fmt::format(
        "cannot create a user namespace (unshare(CLONE_NEWUSER): {}); the kernel runner needs root, or "
        "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / "
        "user.max_user_namespaces > 0, and no AppArmor/seccomp restriction), and must start before any other "
        "thread",
        errno_text(e)));
  }
  int err = 0;
  if (!write_file("/proc/self/setgroups", "deny", &err) ||
      !write_file("/proc/self/uid_map", fmt::format("0 {} 1", uid), &err) ||
      !write_file("/proc/self/gid_map", fmt::format("0 {} 1", gid), &err)) {
    throw EnvironmentError(fmt::format("cannot map the user into its user namespace: {}", errno_text(err)));
  }
}

void enter_private_network_namespace() {
  if (::unshare(CLONE_NEWNET) != 0) {
    const int e = errno;
    throw EnvironmentError(fmt::format(
        "cannot create a private network namespace (unshare(CLONE_NEWNET): {}); the kernel runner needs root "
        "(CAP_SYS_ADMIN) or unprivileged user namespaces, and a kernel with CONFIG_NET_NS; in a container, "
        "run it with --privileged or allow unshare in the seccomp profile",
        errno_text(e)));
  }
}

int open_current_network_namespace() {
  const int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw EnvironmentError(fmt::format("open(/proc/thread-self/ns/net): {}", errno_text(errno)));
  return fd;
}

void enter_network_namespace(int fd) {
  if (::setns(fd, CLONE_NEWNET) != 0) {
    throw EnvironmentError(fmt::format("setns(CLONE_NEWNET): {}", errno_text(errno)));
  }
}

void bring_loopback_up() {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) throw EnvironmentError(fmt::format("socket(AF_INET, SOCK_DGRAM): {}", errno_text(errno)));
  Fd guard(s);
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
    throw EnvironmentError(fmt::format("ioctl(SIOCGIFFLAGS, lo): {}", errno_text(errno)));
  }
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
    throw EnvironmentError(fmt::format("cannot bring lo up in the private namespace (ioctl(SIOCSIFFLAGS): {})",
                                       errno_text(errno)));
  }
}

int interface_index(const std::string& name) {
  const unsigned idx = ::if_nametoindex(name.c_str());
  if (idx == 0) throw EnvironmentError(fmt::format("no interface '{}': {}", name, errno_text(errno)));
  return static_cast<int>(idx);
}

void apply_sysctls(const SysctlPlan& plan) {
  for (const auto& [name, value] : plan.wanted) {
    const std::optional<std::string> path = sysctl_path(name);
    if (!path) throw Unsupported(fmt::format("'{}' is not a sysctl name", name));
    if (::access(path->c_str(), F_OK) != 0) {
      // Not per network namespace: only the machine-wide value exists.
      const auto host = plan.host.find(name);
      const std::optional<std::int64_t> have = host == plan.host.end() ? std::nullopt : host->second;
      if (have && *have == value) continue;
      throw Unsupported(fmt::format(
          "sysctl {} is global to the machine, not per network namespace, and the kernel runner never changes "
          "the host: the scenario wants {}, the host has {} (set it on the host yourself, or drop it from the "
          "scenario)",
          name, value, have ? fmt::format("{}", *have) : std::string("no such sysctl")));
    }
    int err = 0;
    if (!write_file(*path, fmt::format("{}\n", value), &err)) {
      throw EnvironmentError(fmt::format("cannot set sysctl {} = {} in the private namespace: {}", name, value,
                                         errno_text(err)));
    }
    const std::optional<std::int64_t> got = read_sysctl(name);
    if (!got || *got != value) {
      throw EnvironmentError(fmt::format("sysctl {} reads back as {} after writing {}", name,
                                         got ? fmt::format("{}", *got) : std::string("nothing"), value));
    }
  }
}

}  // namespace synsim::kernel
