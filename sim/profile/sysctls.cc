#include "sim/profile/sysctls.h"

#include <array>


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

}  // namespace synsim::profile
