#include "sim/profile/rules.h"

namespace synsim::profile {

namespace {

template <auto Member>
std::size_t value_of(const Rules& r) {
  return static_cast<std::size_t>((r.*Member).value);
}
template <auto Member>
std::string_view read_of(const Rules& r) {
  return (r.*Member).read;
}

// Each alternative in its enum's order. An origin names the commit and the
// first mainline version; "[id not checked]" marks a commit id taken from
// kernel-versions.md or memory that was not seen in a tree here, and
// "(read: ...)" a change whose commit was not identified, bracketed by the
// trees read.
constexpr std::array kSynackTimer = {
    RuleValue{"listener_sweep", "inet_csk_reqsk_queue_prune() / tcp_synack_timer(): one 200 ms sweep per listener (2.x to 4.0)"},
    RuleValue{"per_request", "reqsk_timer_handler(), a timer per request sock: fa76ce7328b2, v4.1 [id not checked]"},
};
constexpr std::array kSynQueueFullTest = {
    RuleValue{"table_from_max_syn_backlog", "tcp_synq_is_full(): table from tcp_max_syn_backlog, tcp_listen_start() (2.4.20, 2.6.12)"},
    RuleValue{"table_from_backlog", "reqsk_queue_alloc(): table from the listen backlog, 2.6.20 (read: 3.10.99)"},
    RuleValue{"qlen_ge_backlog", "ef547f2ac16b 'tcp: remove max_qlen_log', v4.4"},
    RuleValue{"qlen_gt_backlog", "3479c7549fb1 'tcp/dccp: allow a connection when sk_max_ack_backlog is zero', v6.13; stable 5.15.y, 6.1.y, 6.6.y, 6.12.y in Jan 2025 (6.1.158, 6.12.19 read), 4.19-based CIP trees by Apr 2025"},
};
constexpr std::array kSynDrop = {
    RuleValue{"young_requests_gt_1", "tcp_v4_conn_request(): sk_acceptq_is_full() && inet_csk_reqsk_queue_young() > 1 (2.4.20 to 4.9)"},
    RuleValue{"always", "5ea8ea2cb7f1 'tcp/dccp: drop SYN packets if accept queue is full', v4.10"},
};
constexpr std::array kChallengeAck = {
    RuleValue{"none_dupack_dsack", "tcp_data_queue(): an old segment gets a dup-ACK with D-SACK (2.4.20, 2.6.12)"},
    RuleValue{"global_limit", "tcp_send_challenge_ack(), RFC 5961, host-wide tcp_challenge_ack_limit = 100: v3.6 [commit not checked]"},
    RuleValue{"global_limit_randomized", "75ff39ccc1bd (CVE-2016-5696): limit 1000, randomized, v4.7 [id not checked]"},
    RuleValue{"per_netns", "79e3602caa6f 'tcp: make global challenge ack rate limitation per net-ns and default disabled', v6.0"},
};
constexpr std::array kOow = {
    RuleValue{"none", "no per-socket limit (read: 3.10.99 tcp_send_challenge_ack())"},
    RuleValue{"per_socket", "tcp_oow_rate_limited(), tcp_invalid_ratelimit: v4.0 [commit not checked]"},
};
constexpr std::array kTlp = {
    RuleValue{"none", "no tail loss probe (2.x)"},
    RuleValue{"delack_floor", "tcp_schedule_loss_probe(): 6ba8a3b19e76 'tcp: Tail loss probe (TLP)', v3.10"},
    RuleValue{"rto_min", "tcp_schedule_loss_probe(): 2 srtt + TCP_RTO_MIN (read: 4.18.0; 3.10.99 has delack_floor) [commit not identified]"},
};
constexpr std::array kTimerWheel = {
    RuleValue{"cascading", "the cascading wheel: a timer fires at the first tick >= its expiry (to 4.7)"},
    RuleValue{"granular", "500462a9de65 'timers: Switch to a non-cascading wheel', v4.8"},
};
constexpr std::array kRttClock = {
    RuleValue{"jiffies", "tcp_rtt_estimator() in jiffies (2.x to 3.14)"},
    RuleValue{"usec", "740b0f1841f6 'tcp: switch rtt estimations to usec resolution', v3.15 [id not checked]"},
};
constexpr std::array kRttMemory = {
    RuleValue{"seeds_estimator", "tcp_init_metrics() raises srtt and mdev to the cached RTT (2.4.20, 2.6.11 route cache; 3.10.99 tcp_metrics)"},
    RuleValue{"seeds_first_rto", "tcp_init_metrics(): 'keep the RTT estimator variables intact', the cached RTT seeds the first RTO (read: 4.18.0, RHEL 7.9) [commit not identified]"},
};
constexpr std::array kTsClock = {
    RuleValue{"shared_jiffies", "tcp_time_stamp = jiffies, one clock for every socket (2.x, 3.10.99)"},
    RuleValue{"random_offset", "a millisecond clock plus ts_off (secure_tcp_ts_off()), v4.10 onwards [commit not checked]"},
};
constexpr std::array kWriteTimeout = {
    RuleValue{"retransmit_count", "tcp_write_timeout(): retransmits >= tcp_retries2 (2.6.12)"},
    RuleValue{"modelled_time", "retransmits_timed_out(): the time tcp_retries2 backed-off RTOs take, v2.6.32 [commit not checked]"},
};
constexpr std::array kTimeouts = {
    RuleValue{"first_of_episode", "tcp_retransmit_timer(): TCPTimeouts only when icsk_retransmits == 0 (2.6.12 to 4.x; read: 4.18.0)"},
    RuleValue{"every_rto", "tcp_retransmit_timer(): TCPTimeouts on every RTO (read: 5.4.214) [commit not identified]"},
};
constexpr std::array kSynRetrans = {
    RuleValue{"none", "tcp_v4_send_synack() counts nothing (2.6.12)"},
    RuleValue{"retrans_segs", "tcp_v4_rtx_synack(): RetransSegs (read: 3.10.99; no TCPSynRetrans there)"},
    RuleValue{"retrans_segs_and_syn_retrans", "tcp_rtx_synack() / tcp_retransmit_skb(): RetransSegs and TCPSynRetrans (read: 4.18.0) [commit not identified]"},
};
constexpr std::array kSynLinear = {
    RuleValue{"absent", "no tcp_syn_linear_timeouts: the SYN RTO backs off at every timeout"},
    RuleValue{"sysctl", "ccce324dabfe 'tcp: make the first N SYN RTO backoffs linear', v6.5"},
};
constexpr std::array kDeferAccept = {
    RuleValue{"shift_from_timeout_init", "do_tcp_setsockopt(TCP_DEFER_ACCEPT): first n with secs <= TCP_TIMEOUT_INIT << n, plus one (2.6.12)"},
    RuleValue{"secs_to_retrans", "secs_to_retrans(secs, TCP_TIMEOUT_INIT/HZ, TCP_RTO_MAX/HZ), v2.6.32 [commit not checked] (read: 3.10.99)"},
};
constexpr std::array kSyncookieWindow = {
    RuleValue{"three_seconds", "tcp_synq_no_recent_overflow(): 3 s (TCP_TIMEOUT_INIT in 2.6.12, TCP_TIMEOUT_FALLBACK in 3.10.99)"},
    RuleValue{"syncookie_valid", "264ea103a747: TCP_SYNCOOKIE_VALID, 120 s, v4.2"},
};

constexpr std::array kRules = {
    RuleInfo{"synack_timer", "reqsk_timer_handler() / inet_csk_reqsk_queue_prune(), net/ipv4/inet_connection_sock.c",
             kSynackTimer, value_of<&Rules::synack_timer>, read_of<&Rules::synack_timer>},
    RuleInfo{"syn_queue_full_test", "inet_csk_reqsk_queue_is_full(), include/net/inet_connection_sock.h",
             kSynQueueFullTest, value_of<&Rules::syn_queue_full_test>, read_of<&Rules::syn_queue_full_test>},
    RuleInfo{"syn_drop_on_full_accept_queue", "tcp_conn_request(), net/ipv4/tcp_input.c (tcp_v4_conn_request() before 4.3)",
             kSynDrop, value_of<&Rules::syn_drop_on_full_accept_queue>, read_of<&Rules::syn_drop_on_full_accept_queue>},
    RuleInfo{"challenge_ack", "tcp_send_challenge_ack() from tcp_validate_incoming(), net/ipv4/tcp_input.c",
             kChallengeAck, value_of<&Rules::challenge_ack>, read_of<&Rules::challenge_ack>},
    RuleInfo{"oow_rate_limit", "__tcp_oow_rate_limited(), net/ipv4/tcp_input.c", kOow,
             value_of<&Rules::oow_rate_limit>, read_of<&Rules::oow_rate_limit>},
    RuleInfo{"tlp", "tcp_schedule_loss_probe(), net/ipv4/tcp_output.c", kTlp, value_of<&Rules::tlp>,
             read_of<&Rules::tlp>},
    RuleInfo{"timer_wheel", "calc_wheel_index(), kernel/time/timer.c", kTimerWheel, value_of<&Rules::timer_wheel>,
             read_of<&Rules::timer_wheel>},
    RuleInfo{"rtt_clock", "tcp_rtt_estimator(), net/ipv4/tcp_input.c", kRttClock, value_of<&Rules::rtt_clock>,
             read_of<&Rules::rtt_clock>},
    RuleInfo{"rtt_memory", "tcp_init_metrics(), net/ipv4/tcp_metrics.c (tcp_input.c before 3.6)", kRttMemory,
             value_of<&Rules::rtt_memory>, read_of<&Rules::rtt_memory>},
    RuleInfo{"ts_clock", "tcp_time_stamp / tcp_ns_to_ts() + ts_off, include/net/tcp.h", kTsClock,
             value_of<&Rules::ts_clock>, read_of<&Rules::ts_clock>},
    RuleInfo{"write_timeout", "tcp_write_timeout() / retransmits_timed_out(), net/ipv4/tcp_timer.c", kWriteTimeout,
             value_of<&Rules::write_timeout>, read_of<&Rules::write_timeout>},
    RuleInfo{"timeouts_counter", "tcp_retransmit_timer(), net/ipv4/tcp_timer.c", kTimeouts,
             value_of<&Rules::timeouts_counter>, read_of<&Rules::timeouts_counter>},
    RuleInfo{"syn_retrans_counters", "tcp_rtx_synack() / tcp_retransmit_skb(), net/ipv4/tcp_output.c", kSynRetrans,
             value_of<&Rules::syn_retrans_counters>, read_of<&Rules::syn_retrans_counters>},
    RuleInfo{"syn_linear_timeouts", "tcp_retransmit_timer(), net/ipv4/tcp_timer.c", kSynLinear,
             value_of<&Rules::syn_linear_timeouts>, read_of<&Rules::syn_linear_timeouts>},
    RuleInfo{"defer_accept_retrans", "do_tcp_setsockopt(TCP_DEFER_ACCEPT), net/ipv4/tcp.c", kDeferAccept,
             value_of<&Rules::defer_accept_retrans>, read_of<&Rules::defer_accept_retrans>},
    RuleInfo{"syncookie_recent_overflow", "tcp_synq_no_recent_overflow(), include/net/tcp.h", kSyncookieWindow,
             value_of<&Rules::syncookie_recent_overflow>, read_of<&Rules::syncookie_recent_overflow>},
};

}  // namespace

std::span<const RuleInfo> rule_table() { return kRules; }

}  // namespace synsim::profile
