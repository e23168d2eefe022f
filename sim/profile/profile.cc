#include "sim/profile/profile.h"

#include <array>
#include <charconv>
#include <optional>
#include <utility>

// The profiles. Beside each value: what was read, where. Trees read
// (single-version source trees, December 2026):
//   3.10.99      harviswang/linux-3.10.99 (vanilla 3.10.y)
//   RHEL 7.9     tremb1e/linux-3.10.0-1160.el7
//   4.18.0       wulmx/linux-4.18 (vanilla)
//   RHEL 8.3     dongzhiyan-stack/linux-4.18.0-240.el8
//   5.4.214      GunWooJung/git-linux-5.4.214
//   5.15.100     zcjie1/linux-5.15.100
//   6.1.158      HDevices/linux-6.1.158
//   6.8.0        vivo50kff/linux-6.8
//   6.12.0       shilei-massclouds/linux-6.12; 6.12.19 wishday/linux-6.12.y
// 6.18 is kernel-handshake.md's modern column (6.12.117 read, 6.18.44
// measured); 2.5.66 its old column (2.6.12-rc2 and 2.4.20 read).
// Read in every tree above: inet_csk_reqsk_queue_is_full() (or 3.10's
// reqsk_queue_is_full()), the accept-queue test of tcp_conn_request() /
// tcp_v4_conn_request(), sk_acceptq_is_full(), SOMAXCONN, include/net/tcp.h's
// TCP_* constants, tcp_sk_init()'s defaults (tcp_init() on 3.10),
// tcp_synq_no_recent_overflow(), tcp_send_challenge_ack() and
// secure_tcp_ts_off(); tcp_schedule_loss_probe() in 3.10.99, RHEL 7.9,
// 4.18.0, 5.4.214, 5.15.100, 6.1.158, 6.8.0; the TCPTimeouts count in
// 3.10.99, RHEL 7.9, 4.18.0, RHEL 8.3, 5.4.214, 5.15.100, 6.1.158. A value a
// profile takes from a newer one keeps that one's note where the trees agree.
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

// The 4.x-6.x kernels the distributions ship: 6.18's rules, with each
// value that differs set and cited by the profile below.
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

// An upstream profile of the 4.18-6.12 line: linux-6.18 with its own rules
// and defaults. Deviation: HZ is Kconfig's default (HZ_250) for every
// upstream profile; a distribution alias gives its own.
constexpr Profile modern_profile(std::string_view name, std::string_view models, Rules rules, Defaults defaults) {
  Profile p = kLinux618;
  p.name = name;
  p.models = models;
  p.rules = rules;
  p.defaults = defaults;
  p.hz_read = "Kconfig default HZ_250 [distribution configs differ; see the aliases]";
  return p;
}

// linux-6.12: 6.12.0 to 6.12.9; from the January 2025 stable update
// (6.12.19 read) the SYN queue test is 6.18's.
constexpr Rules rules_6_12() {
  Rules r = kRules618;
  r.syn_queue_full_test = {SynQueueFullTest::qlen_ge_backlog,
                           "6.12.0 inet_csk_reqsk_queue_is_full(): >=; 6.12.19 has > (3479c7549fb1 backport)"};
  return r;
}
constexpr Profile kLinux612 = modern_profile(
    "linux-6.12", "6.12.0 to the last 6.12.y before the Jan 2025 backport of 3479c7549fb1 (6.12.19 has it: use linux-6.18's rules)",
    rules_6_12(), kDefaults618);

// linux-6.8: never had 3479c7549fb1 (6.8.y ended May 2024).
constexpr Rules rules_6_8() {
  Rules r = rules_6_12();
  r.syn_queue_full_test.read = "6.8.0 inet_csk_reqsk_queue_is_full(): >=";
  r.syn_linear_timeouts.read = "6.8.0 tcp_sk_init(): tcp_syn_linear_timeouts = 4";
  return r;
}
constexpr Profile kLinux68 = modern_profile("linux-6.8", "6.8.y (EOL before Jan 2025: keeps qlen >= backlog)", rules_6_8(),
                                            kDefaults618);

// linux-6.1: no tcp_syn_linear_timeouts (v6.5); 6.1.158 has the > test.
constexpr Rules rules_6_1() {
  Rules r = kRules618;
  r.syn_queue_full_test = {SynQueueFullTest::qlen_gt_backlog,
                           "6.1.158 inet_csk_reqsk_queue_is_full(): > (3479c7549fb1 backport, Jan 2025)"};
  r.syn_linear_timeouts = {SynLinearTimeouts::absent, "6.1.158 tcp_sk_init(): no sysctl_tcp_syn_linear_timeouts"};
  r.challenge_ack.read = "6.1.158 tcp_send_challenge_ack(): per-netns count, INT_MAX skips it";
  return r;
}
constexpr Defaults defaults_6_1() {
  Defaults d = kDefaults618;
  d.tcp_syn_linear_timeouts = {0, "6.1.158: the sysctl does not exist"};
  d.tcp_challenge_ack_limit = {kIntMax, "6.1.158 tcp_sk_init(): INT_MAX"};
  return d;
}
constexpr Profile kLinux61 = modern_profile(
    "linux-6.1", "6.1.y from the Jan 2025 stable update (6.1.158 read); earlier 6.1.y test qlen >= backlog", rules_6_1(),
    defaults_6_1());

// linux-5.15: global randomized challenge ACK limit (79e3602caa6f is v6.0).
constexpr Rules rules_5_15() {
  Rules r = rules_6_1();
  r.syn_queue_full_test = {SynQueueFullTest::qlen_ge_backlog,
                           "5.15.100 inet_csk_reqsk_queue_is_full(): >= (before the Jan 2025 backport)"};
  r.syn_linear_timeouts.read = "5.15.100: no sysctl_tcp_syn_linear_timeouts";
  r.challenge_ack = {ChallengeAck::global_limit_randomized,
                     "5.15.100 tcp_send_challenge_ack(): static challenge_count, half + prandom_u32_max(limit)"};
  r.timeouts_counter.read = "5.15.100 tcp_retransmit_timer(): TCPTimeouts before the icsk_retransmits test";
  return r;
}
constexpr Defaults defaults_5_15() {
  Defaults d = defaults_6_1();
  d.tcp_challenge_ack_limit = {1000, "5.15.100 tcp_sk_init()"};
  d.tcp_max_syn_backlog.read = "5.15.100 tcp_sk_init(): max(128, cnt / 128)";
  d.tcp_syn_linear_timeouts = {0, "5.15.100: the sysctl does not exist"};
  return d;
}
constexpr Profile kLinux515 = modern_profile(
    "linux-5.15",
    "5.15.y before the Jan 2025 stable update (5.15.100 read); from it the SYN queue test is qlen > backlog",
    rules_5_15(), defaults_5_15());

// linux-5.4: as 5.15 (5.4.214 read).
constexpr Rules rules_5_4() {
  Rules r = rules_5_15();
  r.syn_queue_full_test.read = "5.4.214 inet_csk_reqsk_queue_is_full(): >=";
  r.challenge_ack.read = "5.4.214 tcp_send_challenge_ack(): global randomized";
  r.timeouts_counter.read = "5.4.214 tcp_retransmit_timer(): __NET_INC_STATS(TCPTIMEOUTS) on every RTO";
  r.syn_linear_timeouts.read = "5.4.214 tcp_sk_init(): no sysctl_tcp_syn_linear_timeouts";
  return r;
}
constexpr Defaults defaults_5_4() {
  Defaults d = defaults_5_15();
  d.somaxconn.read = "5.4.214 include/linux/socket.h: SOMAXCONN 4096 (19f92a030ca6)";
  d.tcp_max_syn_backlog.read = "5.4.214 tcp_sk_init(): max(128, cnt / 128)";
  d.tcp_challenge_ack_limit.read = "5.4.214 tcp_sk_init()";
  d.tcp_syn_linear_timeouts = {0, "5.4.214: the sysctl does not exist"};
  return d;
}
constexpr Profile kLinux54 = modern_profile("linux-5.4",
                                            "5.4.y up to 5.4.214 at least (read); 3479c7549fb1 reached even 4.19-based trees "
                                            "(CIP linux-4.4.y-st merging 4.19-st, Apr 2025), so the last 5.4.y likely test "
                                            "qlen > backlog [5.4.y itself not checked]",
                                            rules_5_4(), defaults_5_4());

// linux-4.18: somaxconn 128, tcp_max_syn_backlog /256, TCPTimeouts once
// per episode.
constexpr Rules rules_4_18() {
  Rules r = rules_5_4();
  r.syn_queue_full_test.read = "4.18.0 inet_csk_reqsk_queue_is_full(): >=";
  r.syn_drop_on_full_accept_queue.read = "4.18.0 tcp_conn_request(): sk_acceptq_is_full() alone";
  r.challenge_ack.read = "4.18.0 tcp_send_challenge_ack(): global randomized";
  r.tlp.read = "4.18.0 tcp_schedule_loss_probe(): usecs_to_jiffies(srtt_us >> 2) + TCP_RTO_MIN";
  r.rtt_memory.read = "4.18.0 tcp_init_metrics(): crtt seeds the RTO only";
  r.timeouts_counter = {TimeoutsCounter::first_of_episode,
                        "4.18.0 tcp_retransmit_timer(): TCPTimeouts inside if (icsk_retransmits == 0)"};
  r.syn_retrans_counters.read = "4.18.0 tcp_rtx_synack(): RETRANSSEGS and TCPSYNRETRANS";
  r.syn_linear_timeouts.read = "4.18.0 tcp_sk_init(): no sysctl_tcp_syn_linear_timeouts";
  return r;
}
constexpr Defaults defaults_4_18() {
  Defaults d = defaults_5_4();
  d.somaxconn = {128, "4.18.0 include/linux/socket.h: SOMAXCONN 128"};
  d.tcp_max_syn_backlog = {1024, "4.18.0 tcp_sk_init(): max(128, cnt / 256); 1024 on the reference machine's ehash"};
  d.tcp_challenge_ack_limit = {1000, "4.18.0 tcp_sk_init()"};
  d.tcp_syn_linear_timeouts = {0, "4.18.0: the sysctl does not exist"};
  return d;
}
constexpr Profile kLinux418 = modern_profile("linux-4.18", "4.18.0 (vanilla read)", rules_4_18(), defaults_4_18());

// linux-3.10: the passive open of 2.6 with 3.10's constants. The model runs
// it with listener_2_5.cc (see not_modelled).
constexpr Rules rules_3_10() {
  Rules r = rules_4_18();
  r.synack_timer = {SynackTimer::listener_sweep, "3.10.99 inet_csk_reqsk_queue_prune() from tcp_synack_timer()"};
  r.syn_queue_full_test = {SynQueueFullTest::table_from_backlog,
                           "3.10.99 reqsk_queue_is_full(): qlen >> max_qlen_log; reqsk_queue_alloc() sizes from backlog"};
  r.syn_drop_on_full_accept_queue = {SynDropOnFullAcceptQueue::young_requests_gt_1,
                                     "3.10.99 tcp_v4_conn_request(): && inet_csk_reqsk_queue_young(sk) > 1"};
  r.challenge_ack = {ChallengeAck::global_limit, "3.10.99 tcp_send_challenge_ack(): static count, limit 100, no random"};
  r.oow_rate_limit = {OowRateLimit::none, "3.10.99 tcp_send_challenge_ack(): no per-socket check"};
  r.tlp = {Tlp::delack_floor, "3.10.99 tcp_schedule_loss_probe(): max(rtt << 1, 1.5 rtt + TCP_DELACK_MAX, 10 ms)"};
  r.timer_wheel = {TimerWheel::cascading, "3.10 precedes 500462a9de65 (v4.8)"};
  r.rtt_clock = {RttClock::jiffies, "3.10.99 struct tcp_sock: u32 srtt in jiffies << 3"};
  r.rtt_memory = {RttMemory::seeds_estimator, "3.10.99 tcp_init_metrics(): val > tp->srtt -> tp->srtt = val"};
  r.ts_clock = {TsClock::shared_jiffies, "3.10.99 tcp_time_stamp ((__u32)(jiffies)), no ts_off"};
  r.write_timeout.read = "3.10.99 retransmits_timed_out()";
  r.timeouts_counter.read = "3.10.99 tcp_retransmit_timer(): inside if (icsk_retransmits == 0)";
  r.syn_retrans_counters = {SynRetransCounters::retrans_segs, "3.10.99 tcp_v4_rtx_synack(): TCP_MIB_RETRANSSEGS only"};
  r.defer_accept_retrans.read = "3.10.99 secs_to_retrans(val, TCP_TIMEOUT_INIT / HZ, TCP_RTO_MAX / HZ)";
  r.syncookie_recent_overflow = {SyncookieRecentOverflow::three_seconds,
                                 "3.10.99 tcp_synq_no_recent_overflow(): last_overflow + TCP_TIMEOUT_FALLBACK"};
  r.syn_linear_timeouts.read = "3.10.99: no tcp_syn_linear_timeouts";
  return r;
}
constexpr Defaults defaults_3_10() {
  Defaults d = defaults_4_18();
  d.somaxconn.read = "3.10.99 SOMAXCONN 128";
  d.tcp_max_syn_backlog = {1024, "3.10.99 tcp_init(): max(128, cnt / 256), global; 1024 on the reference machine's ehash"};
  d.tcp_syncookies = {1, "3.10.99 tcp_minisocks.c: sysctl_tcp_syncookies = 1"};
  d.tcp_challenge_ack_limit = {100, "3.10.99 tcp_input.c: sysctl_tcp_challenge_ack_limit = 100"};
  d.ip_local_port_range_max = {61000, "3.10.99 inet_connection_sock.c: { 32768, 61000 }"};
  d.tcp_syn_linear_timeouts = {0, "3.10.99: the sysctl does not exist"};
  d.tcp_early_retrans = {3, "3.10.99 tcp_input.c: sysctl_tcp_early_retrans = 3"};
  return d;
}
constexpr std::array<std::string_view, 6> kNotModelled310 = {
    "3.10's request handling is modelled by 2.6.12's (listener_2_5.cc) with 3.10's constants and the switches above; "
    "its tcp_check_req() and sweep differ in detail (syn_ack_recalc(), TCPDeferAcceptDrop)",
    "a SYN dropped by tcp_v4_conn_request() counts ListenOverflows / ListenDrops on 3.10; the model counts AttemptFails "
    "(2.6.12)",
    "tcp_init_metrics() resets to TCP_TIMEOUT_FALLBACK (3 s) without an RTT; the model resets 2.x's way",
    "connect() walks the port range from a hashed offset without 4.x's even/odd split",
    "the model holds a port 1 s after a FIN close (tcp_tw_reuse=2 on loopback, 4.x+) [3.10's TIME_WAIT reuse not checked]",
    "request socks in the listener's hash under its lock (until 079096f103fa, v4.4): a timing matter the model has no "
    "lock for",
};
constexpr Profile make_3_10() {
  Profile p = modern_profile("linux-3.10", "3.10.y up to about 3.10.99 (vanilla 3.10.99 read; later 3.10.y not checked)",
                             rules_3_10(), defaults_3_10());
  p.not_modelled = kNotModelled310;
  return p;
}
constexpr Profile kLinux310 = make_3_10();

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

// A distribution's kernel: the upstream profile it is based on, renamed,
// with the backports it is known to carry.
constexpr Profile alias(const Profile& base, std::string_view name, std::string_view models, std::int64_t hz,
                        std::string_view hz_read) {
  Profile p = base;
  p.name = name;
  p.upstream = base.name;
  p.models = models;
  p.default_hz = hz;
  p.hz_read = hz_read;
  return p;
}

// rhel-7: 3.10.0-1160.el7 (RHEL 7.9), read: 3.10 plus the CVE-2016-5696
// limit, the per-socket limit, TCPSynRetrans, the usec RTT estimator and
// 4.x's tcp_init_metrics().
constexpr std::array<std::string_view, 4> kNotModelledRhel7 = {
    kNotModelled310[0], kNotModelled310[1], kNotModelled310[5],
    "the TSval clock of RHEL 7.9 was not read; 3.10's shared jiffies clock is assumed",
};
constexpr Profile make_rhel_7() {
  Profile p = alias(kLinux310, "rhel-7", "RHEL / CentOS 7.9, kernel 3.10.0-1160.el7 (read): linux-3.10 plus backports", 1000,
                    "RHEL 7 x86_64 CONFIG_HZ_1000 [distribution config, not read]");
  Rules& r = p.rules;
  r.challenge_ack = {ChallengeAck::global_limit_randomized,
                     "RHEL 7.9 tcp_send_challenge_ack(): half + prandom_u32_max(limit) (75ff39ccc1bd backport)"};
  r.oow_rate_limit = {OowRateLimit::per_socket, "RHEL 7.9 tcp_send_challenge_ack(): __tcp_oow_rate_limited() first"};
  r.rtt_clock = {RttClock::usec, "RHEL 7.9 struct tcp_sock: u32 srtt_us"};
  r.rtt_memory = {RttMemory::seeds_first_rto, "RHEL 7.9 tcp_init_metrics(): 'keep the RTT estimator variables intact'"};
  r.tlp.read = "RHEL 7.9 tcp_schedule_loss_probe(): usecs_to_jiffies(srtt_us >> 3), 1.5 rtt + TCP_DELACK_MAX";
  r.syn_retrans_counters = {SynRetransCounters::retrans_segs_and_syn_retrans, "RHEL 7.9 tcp_output.c: LINUX_MIB_TCPSYNRETRANS"};
  r.timeouts_counter.read = "RHEL 7.9 tcp_retransmit_timer(): inside if (icsk_retransmits == 0)";
  r.syncookie_recent_overflow.read = "RHEL 7.9 tcp_synq_no_recent_overflow(): TCP_TIMEOUT_FALLBACK";
  p.defaults.tcp_challenge_ack_limit = {1000, "RHEL 7.9 tcp_input.c: sysctl_tcp_challenge_ack_limit = 1000"};
  p.not_modelled = kNotModelledRhel7;
  return p;
}

// rhel-8: 4.18.0-240.el8 (RHEL 8.3), read: the same rules as 4.18.0
// (5ea8ea2cb7f1 is in 4.10, so in 4.18 already).
constexpr Profile make_rhel_8() {
  Profile p = alias(kLinux418, "rhel-8", "RHEL / Rocky / Alma 8.3, kernel 4.18.0-240.el8 (read): linux-4.18's rules", 1000,
                    "RHEL 8 x86_64 CONFIG_HZ_1000 [distribution config, not read]");
  Rules& r = p.rules;
  r.syn_queue_full_test.read = "RHEL 8.3 inet_csk_reqsk_queue_is_full(): >=";
  r.syn_drop_on_full_accept_queue.read = "RHEL 8.3 tcp_conn_request(): sk_acceptq_is_full() alone";
  r.timeouts_counter.read = "RHEL 8.3 tcp_retransmit_timer(): inside if (icsk_retransmits == 0)";
  r.tlp.read = "RHEL 8.3 tcp_schedule_loss_probe(): + TCP_RTO_MIN";
  p.defaults.somaxconn.read = "RHEL 8.3 SOMAXCONN 128";
  p.defaults.tcp_max_syn_backlog.read = "RHEL 8.3 tcp_sk_init(): max(128, cnt / 256)";
  return p;
}

constexpr Profile kProfilesTable[] = {
    kLinux618,
    kLinux2566,
    kLinux310,
    kLinux418,
    kLinux54,
    kLinux515,
    kLinux61,
    kLinux68,
    kLinux612,
    make_rhel_7(),
    make_rhel_8(),
    alias(kLinux54, "ubuntu-20.04", "Ubuntu 20.04, linux 5.4: linux-5.4's rules (Ubuntu's own patches not read)", 250,
          "Ubuntu generic CONFIG_HZ_250 [distribution config, not read]"),
    alias(kLinux515, "ubuntu-22.04", "Ubuntu 22.04, linux 5.15: linux-5.15's rules (Ubuntu's own patches not read)", 250,
          "Ubuntu generic CONFIG_HZ_250 [distribution config, not read]"),
    alias(kLinux61, "debian-12", "Debian 12, linux 6.1.y after Jan 2025 (6.1.158 read): linux-6.1", 250,
          "Debian amd64 CONFIG_HZ_250 [distribution config, not read]"),
    alias(kLinux68, "ubuntu-24.04", "Ubuntu 24.04, linux 6.8: linux-6.8's rules (Ubuntu's own patches not read)", 1000,
          "Ubuntu 24.04 generic CONFIG_HZ_1000 [distribution config, not read]"),
    alias(kLinux618, "debian-13",
          "Debian 13 / RHEL 10, linux 6.12.y after Jan 2025 (6.12.19 read: qlen > backlog): linux-6.18's rules", 250,
          "Debian amd64 CONFIG_HZ_250 [distribution config, not read]"),
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

namespace {

// "6.18.44-fc" -> {6, 18}; "linux-2.5.66" (after its prefix) -> {2, 5}.
std::optional<std::pair<int, int>> major_minor(std::string_view v) {
  int major = 0;
  int minor = 0;
  const char* p = v.data();
  const char* end = v.data() + v.size();
  auto [after_major, e1] = std::from_chars(p, end, major);
  if (e1 != std::errc{} || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, e2] = std::from_chars(after_major + 1, end, minor);
  if (e2 != std::errc{}) return std::nullopt;
  return std::pair{major, minor};
}

}  // namespace

const Profile* profile_for_release(std::string_view release, bool* exact) {
  const std::optional<std::pair<int, int>> want = major_minor(release);
  if (!want) return nullptr;
  const Profile* best = nullptr;
  std::pair<int, int> best_version{-1, -1};
  for (const Profile& p : kProfilesTable) {
    constexpr std::string_view kPrefix = "linux-";
    if (!p.upstream.empty() || p.name.substr(0, kPrefix.size()) != kPrefix) continue;  // aliases name distributions
    const std::optional<std::pair<int, int>> v = major_minor(p.name.substr(kPrefix.size()));
    if (!v || *v > *want || *v <= best_version) continue;
    best = &p;
    best_version = *v;
  }
  if (exact != nullptr) *exact = best != nullptr && best_version == *want;
  return best;
}

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
