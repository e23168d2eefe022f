#include "sim/profile/sysctls.h"

#include <array>

#include "sim/profile/profile.h"

namespace synsim::profile {

namespace {

constexpr std::int64_t kIntMax = 2147483647;

constexpr std::array kTable = {
    SysctlInfo{"net.core.somaxconn", 0, kIntMax, &Sysctls::somaxconn,
               "listen() backlog clamp"},
    SysctlInfo{"net.core.netdev_max_backlog", 1, kIntMax, &Sysctls::netdev_max_backlog,
               "per-CPU loopback backlog; packets beyond it are dropped"},
    SysctlInfo{"net.ipv4.tcp_syncookies", 0, 2, &Sysctls::tcp_syncookies,
               "0 never, 1 when the SYN queue is full, 2 always"},
    SysctlInfo{"net.ipv4.tcp_max_syn_backlog", 1, kIntMax, &Sysctls::tcp_max_syn_backlog,
               "last-quarter rule (6.x); SYN queue size (2.5.66)"},
    SysctlInfo{"net.ipv4.tcp_abort_on_overflow", 0, 1, &Sysctls::tcp_abort_on_overflow,
               "1: reset a handshake whose ACK finds the accept queue full"},
    SysctlInfo{"net.ipv4.tcp_synack_retries", 0, 255, &Sysctls::tcp_synack_retries,
               "SYN-ACK retransmissions before a request expires"},
    SysctlInfo{"net.ipv4.tcp_syn_retries", 1, 127, &Sysctls::tcp_syn_retries,
               "SYN retransmissions before connect() fails"},
    SysctlInfo{"net.ipv4.tcp_syn_linear_timeouts", 0, 127, &Sysctls::tcp_syn_linear_timeouts,
               "first SYN timeouts that do not back off (6.5+)"},
    SysctlInfo{"net.ipv4.tcp_retries2", 0, 255, &Sysctls::tcp_retries2,
               "data retransmissions before ETIMEDOUT (time-modelled on 6.x)"},
    SysctlInfo{"net.ipv4.tcp_rto_min_us", 1, kIntMax, &Sysctls::tcp_rto_min_us,
               "minimum RTO in microseconds"},
    SysctlInfo{"net.ipv4.tcp_rto_max_ms", 1000, 120000, &Sysctls::tcp_rto_max_ms,
               "RTO cap in milliseconds"},
    SysctlInfo{"net.ipv4.tcp_early_retrans", 0, 4, &Sysctls::tcp_early_retrans,
               "3 or 4: tail loss probe enabled"},
    SysctlInfo{"net.ipv4.tcp_timestamps", 0, 2, &Sysctls::tcp_timestamps,
               "TCP timestamps (RTT samples on loopback)"},
    SysctlInfo{"net.ipv4.tcp_sack", 0, 1, &Sysctls::tcp_sack, "SACK (needed for TLP)"},
    SysctlInfo{"net.ipv4.tcp_dsack", 0, 1, &Sysctls::tcp_dsack, "D-SACK blocks in dup-ACKs"},
    SysctlInfo{"net.ipv4.tcp_invalid_ratelimit", 0, kIntMax, &Sysctls::tcp_invalid_ratelimit,
               "ms between challenge / out-of-window ACKs per socket"},
    SysctlInfo{"net.ipv4.tcp_challenge_ack_limit", 0, kIntMax, &Sysctls::tcp_challenge_ack_limit,
               "challenge ACKs per second per netns"},
    // proc_dou8vec_minmax without bounds (6.x); 2.6.11's proc_dointvec is wider.
    SysctlInfo{"net.ipv4.tcp_no_metrics_save", 0, 255, &Sysctls::tcp_no_metrics_save,
               "not 0: a closing connection leaves no RTT for later ones"},
};

}  // namespace

std::span<const SysctlInfo> sysctl_table() { return kTable; }

const SysctlInfo* find_sysctl(std::string_view name) {
  for (const SysctlInfo& s : kTable) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Sysctls default_sysctls(Era era) {
  Sysctls s;  // member initialisers: a fresh netns on linux-6.18
  switch (era) {
    case Era::modern:
      break;
    case Era::old:
      // Compiled-in globals of the 2.5/2.6 era (kernel-handshake.md §2, §3.2, §10).
      s.somaxconn = 128;             // SOMAXCONN
      s.tcp_syncookies = 0;          // SYNC_INIT 0 "let the user enable it"
      s.tcp_max_syn_backlog = 1024;  // tcp_init() on a large-RAM machine
      s.tcp_syn_retries = 5;         // TCP_SYN_RETRIES
      s.tcp_syn_linear_timeouts = 0; // did not exist
      s.tcp_early_retrans = 0;       // no TLP
      s.netdev_max_backlog = 300;
      // tcp_init(), net/ipv4/tcp.c (2.4.20 to 2.6.12): the compiled-in
      // 1024-4999 becomes 32768-61000 when the bind hash's order > 4 (a
      // large-RAM machine), the same branch that sets tcp_max_syn_backlog
      // 1024 above. The 2003 report's machine was such a one: its client
      // ports, 48056 and 49186, lie outside 1024-4999.
      s.ip_local_port_range_min = 32768;
      s.ip_local_port_range_max = 61000;
      break;
  }
  return s;
}

}  // namespace synsim::profile
