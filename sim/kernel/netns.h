// The runner's private world: a network namespace of its own with `lo` up
// and the scenario's sysctls, so nothing of the host is touched.
//
// Read first: namespaces(7), unshare(2), network_namespaces(7) ("/proc/sys/net
// is per namespace"), user_namespaces(7). unshare(CLONE_NEWNET) moves only
// the calling thread: everything that must live in the namespace (sockets,
// the capture, threads) is created by that thread or by threads it starts
// afterwards, and /proc/thread-self/net/... (not /proc/net, which follows the
// thread-group leader) is read for its counters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// "net.ipv4.tcp_synack_retries" -> "/proc/sys/net/ipv4/tcp_synack_retries".
// Only names made of [A-Za-z0-9_.-] are accepted (nullopt otherwise), so no
// name can walk out of /proc/sys.
std::optional<std::string> sysctl_path(const std::string& name);

// Reads an integer sysctl of the calling thread's namespace; nullopt when the
// file does not exist there (host-global sysctls are absent from a private
// namespace) or does not hold an integer.
std::optional<std::int64_t> read_sysctl(const std::string& name);

// The scenario's sysctls, later entries winning, with the host's current
// values (read before leaving the host namespace, for the global ones).
struct SysctlPlan {
  std::vector<std::pair<std::string, std::int64_t>> wanted;  // name, value; one per name
  std::map<std::string, std::optional<std::int64_t>> host;   // name -> host value
};
SysctlPlan plan_sysctls(const std::vector<scenario::SysctlSetting>& sysctls);

// When the calling user is not root: unshare(CLONE_NEWUSER) and map the
// user to root inside, so the later network namespace can be configured.
// Must run while the process has a single thread. No-op for root. Throws
// EnvironmentError.
void enter_user_namespace_if_needed();

// unshare(CLONE_NEWNET) for the calling thread. Throws EnvironmentError with
// the reason and what would make it work.
void enter_private_network_namespace();

// A descriptor for the calling thread's network namespace
// (/proc/thread-self/ns/net), and setns() back into one: wire mode keeps two
// namespaces and creates each socket in the right one (a socket stays in the
// namespace it was created in).
int open_current_network_namespace();
void enter_network_namespace(int fd);

// ioctl(SIOCSIFFLAGS) IFF_UP on `lo` of the calling thread's namespace.
void bring_loopback_up();

// Interface index of `name` in the calling thread's namespace (throws).
int interface_index(const std::string& name);

// Writes the plan into the calling thread's (private) namespace and reads
// every value back. A sysctl absent from the namespace is global to the
// machine: accepted only if the host already has the wanted value, otherwise
// Unsupported (the runner never changes the host).
void apply_sysctls(const SysctlPlan& plan);

}  // namespace synsim::kernel
