// Kernel profiles: which kernel's rules the model follows.
//
// The profile layer (sim/profile): the kernels synsim knows (this file and
// rules.h: each rule that differs between them is one switch) and the
// sysctls a scenario may set (sysctls.h). Below both the model (sim/tcp)
// and the scenario layer, which validates a scenario's `kernel:` and
// `sysctl:` against it, so the kernel runner, which reads scenarios, does
// not depend on the model.
//
// `linux-6.18` is the modern column of kernel-handshake.md (read in 6.12,
// measured on 6.18.44 at HZ=250); `linux-2.5.66` is the column of the 2003
// report (read in 2.6.12-rc2 and 2.4.20, bracketing 2.5.66, see §0 there).
// The others were read in single-version trees (profile.cc says which); a
// distribution's kernel is an alias: an upstream profile plus the backports
// it is known to carry.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sim/core/time.h"
#include "sim/profile/rules.h"
#include "sim/profile/sysctls.h"

namespace synsim::profile {

// A default sysctl value of a profile, with what was read to know it.
struct Default {
  std::int64_t value = 0;
  std::string_view read;
};

// The defaults of a fresh network namespace on the profile's kernel (or the
// compiled-in globals of kernels without per-netns sysctls) that differ
// between profiles; the rest are Sysctls' member initialisers.
struct Defaults {
  Default somaxconn;
  Default tcp_max_syn_backlog;
  Default tcp_syn_retries;
  Default tcp_synack_retries;
  Default tcp_syncookies;
  Default tcp_syn_linear_timeouts;
  Default tcp_early_retrans;
  Default tcp_challenge_ack_limit;
  Default netdev_max_backlog;
  Default ip_local_port_range_max;
};

struct Profile {
  std::string_view name;       // "linux-6.18"
  // For a distribution alias, the upstream profile it takes ("linux-3.10"
  // for rhel-7); empty for an upstream profile.
  std::string_view upstream;
  // What the profile stands for: the version range (stable sublevels where
  // a rule changed inside a series) and, for an alias, its backports.
  std::string_view models;
  Rules rules;
  Defaults defaults;
  // Rules of this kernel the model does not implement (informational; the
  // model runs the profile's switches without them). Empty: none known.
  std::span<const std::string_view> not_modelled;
  std::int64_t default_hz;     // CONFIG_HZ
  std::string_view hz_read;    // where the HZ comes from
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

// The upstream profile whose rules a running kernel of this release
// (`uname -r`, "6.18.44-fc-v1272") follows: the newest upstream profile not
// newer than its major.minor (6.14 -> linux-6.12: no rule the model holds
// changed in between as far as the profiles were read); nullptr for a
// release it cannot read or older than every profile. `exact`: the
// major.minor is the profile's own.
const Profile* profile_for_release(std::string_view release, bool* exact = nullptr);

// The sysctls of a fresh network namespace on the profile's kernel.
Sysctls default_sysctls(const Profile& p);

// One row per default that differs between profiles (Defaults' fields),
// under its sysctl name, for listings and diffs.
struct DefaultInfo {
  std::string_view sysctl;  // "net.core.somaxconn"
  Default Defaults::*field;
};
std::span<const DefaultInfo> default_table();

}  // namespace synsim::profile
