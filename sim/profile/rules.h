// The passive-open rules that differ between the kernels synsim models: one
// switch per rule, each alternative with the change that introduced it.
//
// Read first: ../shared/reference/kernel-versions.md (leads; its second
// section corrects the first) and profile.cc, which says beside each
// profile's value what was read, in which tree. The model reads a switch
// where it applies the rule (`rules.syn_queue_full_test`), never a version.
// Only rules the model implements are switches; what a profile's kernel does
// that the model does not is listed in Profile::not_modelled.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace synsim::profile {

// A profile's value of one rule, with what was read to know it (tree,
// file, function), so a listing can cite it.
template <typename E>
struct Switch {
  E value;
  std::string_view read;
  constexpr operator E() const { return value; }  // NOLINT: a switch reads as its value
};

// Who retransmits SYN-ACKs, and with it which passive-open code the model
// runs: listener_2_5.cc (tcp_v4_conn_request / tcp_check_req / one sweep
// timer per listener, the request socks in the listener's own hash) or
// listener.cc (tcp_conn_request / tcp_check_req / reqsk_timer_handler).
enum class SynackTimer { listener_sweep, per_request };
// inet_csk_reqsk_queue_is_full(): when a SYN finds the SYN queue full.
enum class SynQueueFullTest {
  table_from_max_syn_backlog,  // qlen >> max_qlen_log, 2^max_qlen_log >= tcp_max_syn_backlog, >= 64
  table_from_backlog,          // qlen >> max_qlen_log, table roundup_pow_of_two(max(min(backlog, max_syn_backlog), 8) + 1)
  qlen_ge_backlog,             // qlen >= sk_max_ack_backlog
  qlen_gt_backlog,             // qlen > sk_max_ack_backlog
};
// A SYN that finds the accept queue full.
enum class SynDropOnFullAcceptQueue { young_requests_gt_1, always };
// What an established socket answers a SYN (a retransmitted SYN-ACK) with.
enum class ChallengeAck {
  none_dupack_dsack,        // no RFC 5961: an old segment, dup-ACK with a D-SACK block
  global_limit,             // challenge ACK, host-wide tcp_challenge_ack_limit per second
  global_limit_randomized,  // the same, the second's budget limit/2 + random(limit)
  per_netns,                // per-netns budget; INT_MAX (the default) means no limit
};
// tcp_oow_rate_limited(): one challenge / out-of-window ACK per socket per tcp_invalid_ratelimit.
enum class OowRateLimit { none, per_socket };
// Tail loss probe: the probe timeout with one packet out.
enum class Tlp {
  none,
  delack_floor,  // max(2 rtt, 1.5 rtt + TCP_DELACK_MAX, 10 ms); none without an RTT
  rto_min,       // 2 srtt + TCP_RTO_MIN; TCP_TIMEOUT_INIT without an RTT
};
// kernel/time/timer.c: when a timer armed for `expires` fires.
enum class TimerWheel { cascading, granular };
// The units of the RTT estimator (tcp_rtt_estimator()).
enum class RttClock { jiffies, usec };
// What a finished connection's RTT does to the next one's (metrics.cc).
enum class RttMemory {
  // tcp_init_metrics() raises the new socket's srtt and mdev to the cached
  // ones, then its RTO follows (2.x route cache; 3.x tcp_metrics).
  seeds_estimator,
  // The cached RTT seeds the first RTO only: crtt + max(2 crtt, rto_min).
  seeds_first_rto,
};
// The TSval clock.
enum class TsClock { shared_jiffies, random_offset };
// When a connection with data outstanding gives up (tcp_write_timeout()).
enum class WriteTimeout { retransmit_count, modelled_time };
// TcpExtTCPTimeouts on an RTO of an established socket.
enum class TimeoutsCounter { first_of_episode, every_rto };
// The counters a retransmitted SYN-ACK (and SYN) moves.
enum class SynRetransCounters {
  none,                         // SYN-ACK: nothing (the SYN: RetransSegs)
  retrans_segs,                 // SYN-ACK: RetransSegs
  retrans_segs_and_syn_retrans, // SYN and SYN-ACK: RetransSegs and TCPSynRetrans
};
// net.ipv4.tcp_syn_linear_timeouts: the first SYN timeouts do not back off.
enum class SynLinearTimeouts { absent, sysctl };
// TCP_DEFER_ACCEPT seconds -> retransmissions.
enum class DeferAcceptRetrans { shift_from_timeout_init, secs_to_retrans };
// tcp_synq_no_recent_overflow(): how long after a cookie an ACK for no
// request is checked as a cookie.
enum class SyncookieRecentOverflow { three_seconds, syncookie_valid };

struct Rules {
  Switch<SynackTimer> synack_timer;
  Switch<SynQueueFullTest> syn_queue_full_test;
  Switch<SynDropOnFullAcceptQueue> syn_drop_on_full_accept_queue;
  Switch<ChallengeAck> challenge_ack;
  Switch<OowRateLimit> oow_rate_limit;
  Switch<Tlp> tlp;
  Switch<TimerWheel> timer_wheel;
  Switch<RttClock> rtt_clock;
  Switch<RttMemory> rtt_memory;
  Switch<TsClock> ts_clock;
  Switch<WriteTimeout> write_timeout;
  Switch<TimeoutsCounter> timeouts_counter;
  Switch<SynRetransCounters> syn_retrans_counters;
  Switch<SynLinearTimeouts> syn_linear_timeouts;
  Switch<DeferAcceptRetrans> defer_accept_retrans;
  Switch<SyncookieRecentOverflow> syncookie_recent_overflow;
};

// One alternative of a rule: its name and the change that brought it
// (commit, first version), or where it was read for the oldest one.
struct RuleValue {
  std::string_view name;
  std::string_view origin;
};

// One rule, for listings and diffs: the kernel function it mirrors, its
// alternatives, and a profile's value and reading of it.
struct RuleInfo {
  std::string_view name;     // "syn_queue_full_test"
  std::string_view mirrors;  // "inet_csk_reqsk_queue_is_full(), include/net/inet_connection_sock.h"
  std::span<const RuleValue> values;
  std::size_t (*value_of)(const Rules&);
  std::string_view (*read_of)(const Rules&);
};

std::span<const RuleInfo> rule_table();

}  // namespace synsim::profile
