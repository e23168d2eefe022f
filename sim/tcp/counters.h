// Kernel MIB counters, under the names `nstat` prints.
//
// Each increment in the model sits beside the kernel statement it mirrors
// (kernel-handshake.md §9); the names are those of /proc/net/netstat
// (TcpExt...) and /proc/net/snmp (Tcp...), prefixed as nstat prefixes them.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace synsim::tcp {

enum class Mib : std::uint8_t {
  // /proc/net/snmp
  TcpActiveOpens,
  TcpPassiveOpens,
  TcpAttemptFails,
  TcpEstabResets,
  TcpInErrs,
  TcpOutRsts,
  TcpRetransSegs,
  // /proc/net/netstat
  TcpExtListenOverflows,
  TcpExtListenDrops,
  TcpExtTCPReqQFullDrop,
  TcpExtTCPReqQFullDoCookies,
  TcpExtSyncookiesSent,
  TcpExtSyncookiesRecv,
  TcpExtSyncookiesFailed,
  TcpExtEmbryonicRsts,
  TcpExtTCPDeferAcceptDrop,
  TcpExtTCPTimeouts,
  TcpExtTCPLossProbes,
  TcpExtTCPSynRetrans,
  TcpExtTCPChallengeACK,
  TcpExtTCPSYNChallenge,
  TcpExtTCPACKSkippedChallenge,
  TcpExtTCPACKSkippedSynRecv,
  TcpExtTCPAbortOnTimeout,
  TcpExtDelayedACKLost,
  TcpExtTCPDSACKOldSent,
  // Not an nstat counter: column 2 of /proc/net/softnet_stat, summed over CPUs.
  SoftnetDropped,
  kCount,
};

std::string_view mib_name(Mib m);

class Counters {
 public:
  void inc(Mib m, std::int64_t by = 1) { v_[static_cast<std::size_t>(m)] += by; }
  std::int64_t get(Mib m) const { return v_[static_cast<std::size_t>(m)]; }

 private:
  std::array<std::int64_t, static_cast<std::size_t>(Mib::kCount)> v_{};
};

}  // namespace synsim::tcp
