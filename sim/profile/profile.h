// Kernel profiles: which kernel's rules the model follows.
//
// The profile layer (sim/profile): the kernels synsim knows and the
// sysctls a scenario may set (sysctls.h). Below both the model (sim/tcp)
// and the scenario layer, which validates a scenario's `kernel:` and
// `sysctl:` against it, so the kernel runner, which reads scenarios, does
// not depend on the model.
//
// `linux-6.18` is the modern column of kernel-handshake.md (read in 6.12,
// measured on 6.18.44 at HZ=250); `linux-2.5.66` is the column of the 2003
// report (read in 2.6.12-rc2 and 2.4.20, bracketing 2.5.66, see §0 there).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sim/core/time.h"

namespace synsim::profile {

enum class Era {
  modern,  // per-request timers, SYN queue limit = backlog, TLP, challenge ACKs
  old,     // per-listener SYN-ACK sweep, SYN queue from tcp_max_syn_backlog, no TLP
};

struct Profile {
  std::string_view name;       // "linux-6.18"
  Era era;
  std::int64_t default_hz;     // CONFIG_HZ
  Duration timeout_init;       // TCP_TIMEOUT_INIT: first SYN / SYN-ACK timeout
  Duration timeout_fallback;   // TCP_TIMEOUT_FALLBACK: data RTO without an RTT sample
  Duration delack_max;         // TCP_DELACK_MAX: deferred final ACK goes out after this
  std::uint16_t loopback_mss;  // advertised MSS on lo
  std::uint32_t init_cwnd;     // TCP_INIT_CWND
  std::uint16_t syn_window;    // window field of SYN / SYN-ACK
  std::uint16_t window;        // window field after the handshake (scaled)
  int wscale;                  // window scale option
  // Per-hop loopback delivery time: xmit to the receiver's processing
  // (on 6.18 here 1.5 us warm without capture, profile.cc; kernel-handshake.md §8
  // measured 8-20 us cold).
  Duration loopback_hop;
};

std::span<const Profile> profiles();
// nullptr for an unknown name.
const Profile* find_profile(std::string_view name);
const Profile& default_profile();
// The profile `synsim compare` holds the kernel runner's host to: the
// modern one, since the machine the runner uses boots a current kernel.
const Profile& host_profile();

}  // namespace synsim::profile
