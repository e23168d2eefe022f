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

// Where the RTT of a finished connection is remembered, and how a new
// connection on the same path uses it. On loopback every connection, client
// and server child alike, goes from 127.0.0.1 to 127.0.0.1, so there is one
// entry: what one connection leaves there, every later one starts from.
enum class RttMemory {
  // 2.4.20 and 2.6.11 (read; 2.5.66 assumed, between them): the route cache
  // entry (struct rtable, keyed by daddr, saddr, tos, oif; no ports) carries
  // dst->rtt / RTAX_RTT and rttvar. tcp_update_metrics() (net/ipv4/tcp_input.c),
  // on TIME_WAIT or LAST_ACK -> CLOSE, stores the socket's srtt when larger,
  // an EWMA otherwise, and max(|delta| / 2, mdev) as rttvar; tcp_init_metrics()
  // raises a new socket's srtt and mdev to them, so its RTO is
  // dst->rtt / 8 + max(dst->rttvar, TCP_RTO_MIN). The output route of
  // 127.0.0.1 is DST_HOST (ip_route_output_slow), so loopback is not skipped.
  route_cache,
  // 6.x net/ipv4/tcp_metrics.c: the same update, into the tcp_metrics entry
  // of (saddr, daddr) in the netns; tcp_init_metrics() seeds only the first
  // RTO from it (crtt + max(2 crtt, rto_min)), not srtt or mdev. Loopback is
  // not skipped (6.18.44: `ip tcp_metrics show` lists 127.0.0.1).
  tcp_metrics,
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
  RttMemory rtt_memory;
};

std::span<const Profile> profiles();
// nullptr for an unknown name.
const Profile* find_profile(std::string_view name);
const Profile& default_profile();
// The profile `synsim compare` holds the kernel runner's host to: the
// modern one, since the machine the runner uses boots a current kernel.
const Profile& host_profile();

}  // namespace synsim::profile
