#include "sim/profile/profile.h"

#include <array>

// The profiles. Beside each value: what was read, where. 6.18 is
// kernel-handshake.md's modern column (6.12.117 read, 6.18.44 measured);
// 2.5.66 its old column (2.6.12-rc2 and 2.4.20 read).
namespace synsim::profile {

namespace {

constexpr std::int64_t kIntMax = 2147483647;

// linux-6.18: the modern column, as the model had it before profiles were
// switches (every value here is what the model did for Era::modern).
constexpr Rules kRules618 = {
    .synack_timer = {SynackTimer::per_request, "6.12.117 reqsk_timer_handler()"},
    .syn_queue_full_test = {SynQueueFullTest::qlen_gt_backlog,
                            "6.12.117 inet_csk_reqsk_queue_is_full(): qlen > sk_max_ack_backlog; measured on 6.18.44"},
    .syn_drop_on_full_accept_queue = {SynDropOnFullAcceptQueue::always, "6.12.117 tcp_conn_request()"},
    .challenge_ack = {ChallengeAck::per_netns, "6.12.117 tcp_send_challenge_ack(); limit INT_MAX"},
    .oow_rate_limit = {OowRateLimit::per_socket, "6.12.117 __tcp_oow_rate_limited()"},
    .tlp = {Tlp::rto_min, "6.12.117 tcp_schedule_loss_probe(); measured on 6.18.44 (E1)"},
    .timer_wheel = {TimerWheel::granular, "6.12.117 kernel/time/timer.c calc_wheel_index()"},
    .rtt_clock = {RttClock::usec, "6.12.117 tcp_rtt_estimator()"},
    .rtt_memory = {RttMemory::seeds_first_rto, "6.x net/ipv4/tcp_metrics.c tcp_init_metrics(); 6.18.44 ip tcp_metrics"},
    .ts_clock = {TsClock::random_offset, "6.x tcp_ns_to_ts() + ts_off (model: drawn per connection, see not_modelled)"},
    .write_timeout = {WriteTimeout::modelled_time, "6.12.117 tcp_model_timeout()"},
    .timeouts_counter = {TimeoutsCounter::every_rto, "6.12.117 tcp_retransmit_timer(); 6.18.44 E2/E3 counters"},
    .syn_retrans_counters = {SynRetransCounters::retrans_segs_and_syn_retrans, "6.12.117 tcp_rtx_synack()"},
    .syn_linear_timeouts = {SynLinearTimeouts::sysctl, "6.12.117 tcp_retransmit_timer()"},
    .defer_accept_retrans = {DeferAcceptRetrans::secs_to_retrans, "6.12.117 do_tcp_setsockopt()"},
    .syncookie_recent_overflow = {SyncookieRecentOverflow::syncookie_valid, "6.12.117 tcp_synq_no_recent_overflow()"},
};

constexpr Defaults kDefaults618 = {
    .somaxconn = {4096, "SOMAXCONN, include/linux/socket.h (6.12.117); 6.18.44 fresh netns"},
    .tcp_max_syn_backlog = {2048, "max(128, ehash_entries / 128), tcp_set_hashinfo(); 2048 on the reference machine"},
    .tcp_syn_retries = {6, "TCP_SYN_RETRIES, include/net/tcp.h"},
    .tcp_synack_retries = {5, "TCP_SYNACK_RETRIES, include/net/tcp.h"},
    .tcp_syncookies = {1, "tcp_sk_init()"},
    .tcp_syn_linear_timeouts = {4, "tcp_sk_init()"},
    .tcp_early_retrans = {3, "tcp_sk_init()"},
    .tcp_challenge_ack_limit = {kIntMax, "tcp_sk_init(): INT_MAX (79e3602caa6f)"},
    .netdev_max_backlog = {1000, "net/core/dev.c"},
    .ip_local_port_range_max = {60999, "inet_init_net()"},
};

constexpr std::array<std::string_view, 2> kNotModelledModern = {
    "secure_tcp_ts_off() keys the TSval offset on (saddr, daddr) only, so every loopback connection shares one; "
    "the model draws one per connection",
    "RACK loss detection (default from 4.18): loopback's single-segment requests never reach it",
};

constexpr Profile kLinux618 = {
    .name = "linux-6.18",
    .upstream = "",
    .models = "6.18 (read in 6.12.117, measured on 6.18.44)",
    .rules = kRules618,
    .defaults = kDefaults618,
    .not_modelled = kNotModelledModern,
    .default_hz = 250,  // the reference machine's CONFIG_HZ
    .hz_read = "the reference machine's CONFIG_HZ (kernel-handshake.md §0)",
    .timeout_init = sec(1),          // TCP_TIMEOUT_INIT, RFC 6298 (2.1)
    .timeout_fallback = sec(3),      // TCP_TIMEOUT_FALLBACK
    .delack_max = ms(200),           // TCP_DELACK_MAX
    .loopback_mss = 65495,           // 65535 - 40, the IPv4 advmss cap
    .init_cwnd = 10,                 // TCP_INIT_CWND
    .syn_window = 65495,
    .window = 512,                   // 65536 >> wscale 7
    .wscale = 7,
    // One packet's processing on loopback (loopback_xmit -> netif_rx ->
    // do_softirq before the syscall returns), the same as a queued one's
    // (model::Costs::softirq_packet): with it the model's closed loop runs
    // as fast as the kernel's plain epoll loader without packet capture
    // (scenarios/load/c64-b128: the 19,000th connect() at 347-371 ms over
    // seeds 1-2, the kernel's 350-368 ms over 3 runs, 2026-12-05; with
    // 3 us, 568-593 ms). A warm handshake under tcpdump is 3 us a hop
    // (reports/loopback-stall-2003/kernel/timeline.txt): capture slows it
    // (reports/load/capture.md).
    .loopback_hop = Duration{1500},
};

constexpr std::array<std::string_view, 3> kNotModelled2566 = {
    "2.5.66 itself was not read: 2.6.12-rc2 and 2.4.20 bracket it (kernel-handshake.md §0)",
    "CONFIG_HZ of 2.5 i386 (1000) is not verified",
    "netdev_max_backlog 300 is common knowledge, not read",
};

constexpr Profile kLinux2566 = {
    .name = "linux-2.5.66",
    .upstream = "",
    .models = "2.5.66 (2.6.12-rc2 and 2.4.20 read, bracketing it)",
    .rules =
        {
            .synack_timer = {SynackTimer::listener_sweep, "2.6.12 tcp_synack_timer()"},
            .syn_queue_full_test = {SynQueueFullTest::table_from_max_syn_backlog, "2.6.12 tcp_listen_start(), tcp_synq_is_full()"},
            .syn_drop_on_full_accept_queue = {SynDropOnFullAcceptQueue::young_requests_gt_1, "2.6.12 = 2.4.20 tcp_v4_conn_request()"},
            .challenge_ack = {ChallengeAck::none_dupack_dsack, "2.6.12 tcp_rcv_established() slow path, tcp_data_queue()"},
            .oow_rate_limit = {OowRateLimit::none, "2.6.12: no rate limit"},
            .tlp = {Tlp::none, "2.6.12: no TLP"},
            .timer_wheel = {TimerWheel::cascading, "2.6.12 kernel/timer.c (exact expiry assumed, kernel-handshake.md §14)"},
            .rtt_clock = {RttClock::jiffies, "2.6.12 tcp_rtt_estimator()"},
            .rtt_memory = {RttMemory::seeds_estimator, "2.4.20, 2.6.11 tcp_init_metrics() on dst->rtt"},
            .ts_clock = {TsClock::shared_jiffies, "2.6.12 tcp_time_stamp"},
            .write_timeout = {WriteTimeout::retransmit_count, "2.6.12 tcp_write_timeout()"},
            .timeouts_counter = {TimeoutsCounter::first_of_episode, "2.6.12 tcp_retransmit_timer()"},
            .syn_retrans_counters = {SynRetransCounters::none, "2.6.12 tcp_v4_send_synack()"},
            .syn_linear_timeouts = {SynLinearTimeouts::absent, "2.6.12: no such sysctl"},
            .defer_accept_retrans = {DeferAcceptRetrans::shift_from_timeout_init, "2.6.12 do_tcp_setsockopt()"},
            .syncookie_recent_overflow = {SyncookieRecentOverflow::three_seconds,
                                          "2.6.12 cookie_v4_check(): last_synq_overflow + TCP_TIMEOUT_INIT"},
        },
    // Compiled-in globals of the 2.5/2.6 era (kernel-handshake.md §2, §3.2, §10).
    .defaults =
        {
            .somaxconn = {128, "SOMAXCONN (2.4/2.6 net/socket.c)"},
            .tcp_max_syn_backlog = {1024, "tcp_init() on a large-RAM machine (2.6.12)"},
            .tcp_syn_retries = {5, "TCP_SYN_RETRIES (2.6.12)"},
            .tcp_synack_retries = {5, "TCP_SYNACK_RETRIES (2.6.12)"},
            .tcp_syncookies = {0, "SYNC_INIT 0 'let the user enable it' (2.6.12)"},
            .tcp_syn_linear_timeouts = {0, "did not exist"},
            .tcp_early_retrans = {0, "no TLP"},
            .tcp_challenge_ack_limit = {kIntMax, "did not exist (the model's unused default)"},
            .netdev_max_backlog = {300, "2.4/2.6 common knowledge [not verified]"},
            // tcp_init(), net/ipv4/tcp.c (2.4.20 to 2.6.12): the compiled-in
            // 1024-4999 becomes 32768-61000 when the bind hash's order > 4 (a
            // large-RAM machine), the same branch that sets tcp_max_syn_backlog
            // 1024 above. The 2003 report's machine was such a one: its client
            // ports, 48056 and 49186, lie outside 1024-4999.
            .ip_local_port_range_max = {61000, "tcp_init() on a large-RAM machine (2.4.20 to 2.6.12)"},
        },
    .not_modelled = kNotModelled2566,
    .default_hz = 1000,              // 2.5 i386 default [not verified]
    .hz_read = "2.5 i386 default [not verified]",
    .timeout_init = sec(3),          // TCP_TIMEOUT_INIT (RFC 1122 era)
    .timeout_fallback = sec(3),      // tcp_init_metrics reset: TCP_TIMEOUT_INIT
    .delack_max = ms(200),           // TCP_DELACK_MAX
    .loopback_mss = 16396,           // MTU 16436 - 40
    .init_cwnd = 2,                  // tcp_init_cwnd(): mss > 1460
    .syn_window = 32767,             // as in the 2003 capture
    .window = 15,                    // as in the 2003 capture (wscale 11)
    .wscale = 11,
    // Not the capture's gaps: the 36-123 us between one connection's
    // packets in the 2003 tcpdump were measured under load, with other
    // connections' packets in between (queueing, not cost). The report's
    // own figures bound the cost: 30,000 transactions/s of ~11 packets
    // each (the good connection's lines 1-11; lo's 526,602 packets over
    // ~48,000 connections) is 33 us per transaction for everything on the
    // machine; less the applications' ~10 us of socket calls
    // (model::measured_costs) that leaves ~23 us for 11 packets, ~2 us
    // each. On loopback a hop is that processing (loopback_xmit ->
    // netif_rx -> do_softirq before the syscall returns).
    .loopback_hop = us(2),
};

constexpr Profile kProfilesTable[] = {
    kLinux618,
    kLinux2566,
};

constexpr std::array kDefaultTable = {
    DefaultInfo{"net.core.somaxconn", &Defaults::somaxconn},
    DefaultInfo{"net.ipv4.tcp_max_syn_backlog", &Defaults::tcp_max_syn_backlog},
    DefaultInfo{"net.ipv4.tcp_syn_retries", &Defaults::tcp_syn_retries},
    DefaultInfo{"net.ipv4.tcp_synack_retries", &Defaults::tcp_synack_retries},
    DefaultInfo{"net.ipv4.tcp_syncookies", &Defaults::tcp_syncookies},
    DefaultInfo{"net.ipv4.tcp_syn_linear_timeouts", &Defaults::tcp_syn_linear_timeouts},
    DefaultInfo{"net.ipv4.tcp_early_retrans", &Defaults::tcp_early_retrans},
    DefaultInfo{"net.ipv4.tcp_challenge_ack_limit", &Defaults::tcp_challenge_ack_limit},
    DefaultInfo{"net.core.netdev_max_backlog", &Defaults::netdev_max_backlog},
    DefaultInfo{"net.ipv4.ip_local_port_range (high)", &Defaults::ip_local_port_range_max},
};

}  // namespace

std::span<const Profile> profiles() { return kProfilesTable; }

const Profile* find_profile(std::string_view name) {
  for (const Profile& p : kProfilesTable) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const Profile& default_profile() { return kProfilesTable[0]; }

const Profile& host_profile() { return kProfilesTable[0]; }

Sysctls default_sysctls(const Profile& p) {
  Sysctls s;  // member initialisers: a fresh netns on linux-6.18
  const Defaults& d = p.defaults;
  s.somaxconn = d.somaxconn.value;
  s.tcp_max_syn_backlog = d.tcp_max_syn_backlog.value;
  s.tcp_syn_retries = d.tcp_syn_retries.value;
  s.tcp_synack_retries = d.tcp_synack_retries.value;
  s.tcp_syncookies = d.tcp_syncookies.value;
  s.tcp_syn_linear_timeouts = d.tcp_syn_linear_timeouts.value;
  s.tcp_early_retrans = d.tcp_early_retrans.value;
  s.tcp_challenge_ack_limit = d.tcp_challenge_ack_limit.value;
  s.netdev_max_backlog = d.netdev_max_backlog.value;
  s.ip_local_port_range_max = d.ip_local_port_range_max.value;
  return s;
}

std::span<const DefaultInfo> default_table() { return kDefaultTable; }

}  // namespace synsim::profile
