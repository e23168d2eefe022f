// The sysctls the model reads, under their exact kernel names.
//
// Defaults are those of a fresh network namespace on the profile's kernel
// (kernel-measured-rules.md "Defaults of a fresh network namespace"), or the
// compiled-in globals of the 2.5/2.6 era (kernel-handshake.md §10). Ranges
// are the ones the kernel's proc handlers accept (net/ipv4/sysctl_net_ipv4.c),
// so a scenario the kernel would refuse is refused here too.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace synsim::profile {

struct Sysctls {
  std::int64_t somaxconn = 4096;               // net.core.somaxconn
  std::int64_t netdev_max_backlog = 1000;      // net.core.netdev_max_backlog
  std::int64_t tcp_syncookies = 1;             // 0 off, 1 on overflow, 2 always
  std::int64_t tcp_max_syn_backlog = 2048;
  std::int64_t tcp_abort_on_overflow = 0;
  std::int64_t tcp_synack_retries = 5;         // TCP_SYNACK_RETRIES
  std::int64_t tcp_syn_retries = 6;            // TCP_SYN_RETRIES
  std::int64_t tcp_syn_linear_timeouts = 4;    // v6.5+
  std::int64_t tcp_retries2 = 15;              // TCP_RETR2
  std::int64_t tcp_rto_min_us = 200000;        // TCP_RTO_MIN
  std::int64_t tcp_rto_max_ms = 120000;        // TCP_RTO_MAX
  std::int64_t tcp_early_retrans = 3;          // 3: tail loss probe on
  std::int64_t tcp_timestamps = 1;
  std::int64_t tcp_sack = 1;
  std::int64_t tcp_dsack = 1;
  std::int64_t tcp_invalid_ratelimit = 500;    // ms
  std::int64_t tcp_challenge_ack_limit = 2147483647;
  std::int64_t tcp_no_metrics_save = 0;        // 1: tcp_update_metrics() saves nothing
  std::int64_t ip_local_port_range_min = 32768;  // net.ipv4.ip_local_port_range (first)
  std::int64_t ip_local_port_range_max = 60999;  // net.ipv4.ip_local_port_range (second)
};

// One row per settable sysctl.
struct SysctlInfo {
  std::string_view name;            // "net.ipv4.tcp_synack_retries"
  std::int64_t min;
  std::int64_t max;
  std::int64_t Sysctls::*field;
  std::string_view help;
};

std::span<const SysctlInfo> sysctl_table();
// nullptr when the name is not a sysctl the model knows.
const SysctlInfo* find_sysctl(std::string_view name);

// A profile's defaults: default_sysctls(const Profile&), profile.h.

}  // namespace synsim::profile
