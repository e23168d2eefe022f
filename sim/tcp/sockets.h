// The kernel objects of one connection: the client socket, the listener's
// request sock (SYN_RECV), and the server child socket.
//
// Read first: include/net/request_sock.h, include/net/inet_connection_sock.h,
// include/linux/tcp.h; kernel-handshake.md §1. Field names follow the
// kernel's where one exists.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/core/ring_queue.h"
#include "sim/core/time.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::tcp {

enum class ClientState { closed, syn_sent, established, fin_wait, done };

// What ended a client socket; `none` while it lives.
enum class SockError { none, econnreset, etimedout, econnrefused, eaddrnotavail };

// Which timer the single retransmit timer (icsk_retransmit_timer) is armed as.
// Linux: icsk->icsk_pending, include/net/inet_connection_sock.h
enum class XmitTimer : std::uint8_t { none, retrans, loss_probe };

// Linux: the RTT estimator's state in struct tcp_sock (srtt, mdev, mdev_max,
// rttvar, rtt_seq), in jiffies on linux-2.5.66 (2.x's tcp_rtt_estimator()
// works in jiffies) and in microseconds on linux-6.18 (srtt_us, mdev_us, ...).
struct RttEstimator {
  std::int64_t srtt = 0;      // 8 x the smoothed RTT; 0: no sample yet
  std::int64_t mdev = 0;      // 4 x the mean deviation
  std::int64_t mdev_max = 0;  // largest mdev in the last RTT
  std::int64_t rttvar = 0;    // the RTO's variance term
  std::uint32_t rtt_seq = 0;  // snd_nxt when rttvar was last decayed
};

// A segment sent and not acknowledged yet: when it was first sent, for the
// RTT sample its ACK gives (Karn: none once it has been retransmitted).
struct SentSegment {
  std::uint32_t end_seq = 0;
  Time sent{};
  bool retransmitted = false;
};

// What tcp_update_metrics() leaves for later connections on the same path:
// the route cache entry's RTAX_RTT and RTAX_RTTVAR (2.x) or the tcp_metrics
// entry's TCP_METRIC_RTT and TCP_METRIC_RTTVAR (6.x), in the estimator's
// units (srtt's and mdev's scaling).
struct RttMemoryEntry {
  std::int64_t rtt = 0;     // 0: nothing remembered
  std::int64_t rttvar = 0;
};

struct ClientSock {
  ClientState state = ClientState::closed;
  SockError error = SockError::none;
  std::uint16_t port = 0;
  bool defer_final_ack = false;  // TCP_DEFER_ACCEPT on the connecting socket

  std::uint32_t iss = 0;      // our ISN
  std::uint32_t snd_una = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t write_seq = 0;  // end of the data the application wrote
  std::uint32_t irs = 0;      // the server's ISN
  std::uint32_t rcv_nxt = 0;
  std::uint32_t copied_seq = 0;  // what the application has read up to (tcp_recvmsg)
  std::uint32_t ts_off = 0;   // per-connection timestamp offset (tcp_ns_to_ts + ts_off)
  std::uint32_t ts_recent = 0;

  // icsk_retransmit_timer and its state (tcp_timer.c)
  XmitTimer pending = XmitTimer::none;
  EventId xmit_timer;
  std::uint64_t rto = 0;          // icsk_rto, jiffies
  std::uint32_t retransmits = 0;  // icsk_retransmits
  std::uint32_t total_rto = 0;    // tp->total_rto
  std::uint32_t backoff = 0;      // icsk_backoff
  bool tlp_sent = false;          // tlp_high_seq != 0: one probe per episode
  bool in_loss = false;           // icsk_ca_state == TCP_CA_Loss
  Time syn_stamp{};               // first SYN (retrans_stamp in SYN_SENT)
  Time retrans_stamp{};           // first RTO retransmission of data
  bool retrans_stamp_set = false;
  RttEstimator rtt;               // srtt == 0: no RTT sample yet
  // icsk_backoff as tcp_update_metrics() sees it: RTOs since the last valid
  // RTT sample (tcp_ack_update_rtt() clears icsk_backoff; the model's
  // `backoff` is cleared when everything is acked).
  std::uint32_t rtt_backoff = 0;
  std::vector<SentSegment> unacked;  // data and FIN not acked yet, oldest first
  bool metrics_saved = false;        // tcp_update_metrics() ran for this socket
  bool syn_retransmitted = false;

  // Delayed final ACK (TCP_DEFER_ACCEPT on connect, tcp_rcv_synsent_state_process)
  EventId delack_timer;
  bool ack_pending = false;

  // Challenge-ACK / out-of-window rate limit (tcp_oow_rate_limited)
  bool oow_ack_sent = false;
  std::uint64_t last_oow_ack_jiffies = 0;

  bool fin_sent = false;
  bool fin_first = false;  // we sent our FIN before the peer's arrived (TIME_WAIT side)
  bool fin_received = false;
  std::uint32_t bytes_received = 0;

  // Per-connection statistics for the outcome record.
  std::uint32_t syn_retransmits = 0;
  std::uint32_t data_retransmits = 0;
  std::uint32_t rto_retransmits = 0;
};

// Linux: struct request_sock / inet_request_sock / tcp_request_sock
struct RequestSock {
  bool live = false;
  std::uint32_t rcv_isn = 0;   // client's ISN
  std::uint32_t rcv_nxt = 0;
  std::uint32_t snt_isn = 0;   // our ISN
  std::uint32_t ts_off = 0;
  std::uint32_t ts_recent = 0;
  std::uint8_t num_timeout = 0;  // timer firings
  std::uint8_t num_retrans = 0;  // SYN-ACKs retransmitted
  std::optional<Time> snt_synack;  // 6.x: when the first SYN-ACK went out (tcp_make_synack)
  bool acked = false;            // inet_rsk(req)->acked: final ACK seen, child not created
  Duration timeout{};            // req->timeout (TCP_TIMEOUT_INIT)
  EventId timer;                 // rsk_timer
  bool oow_ack_sent = false;
  std::uint64_t last_oow_ack_jiffies = 0;
  Time expires{};                // old era: next sweep expiry
};

enum class ChildState { none, established, closed };

// The server side socket after the handshake (tcp_create_openreq_child).
struct ChildSock {
  ChildState state = ChildState::none;
  bool accepted = false;
  std::uint32_t iss = 0;
  std::uint32_t snd_una = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t rcv_nxt = 0;
  std::uint32_t copied_seq = 0;  // what the application has read up to (tcp_recvmsg)
  std::uint32_t ts_off = 0;
  std::uint32_t ts_recent = 0;
  RttEstimator rtt;
  std::uint64_t rto = 0;             // icsk_rto, jiffies (the child never retransmits)
  std::vector<SentSegment> unacked;  // response and FIN not acked yet, oldest first
  bool metrics_saved = false;        // tcp_update_metrics() ran for this socket
  std::uint32_t bytes_received = 0;  // in order, not yet read or read
  bool fin_received = false;
  bool fin_sent = false;
  bool fin_first = false;  // we sent our FIN before the peer's arrived (TIME_WAIT side)
  bool from_cookie = false;
};

// A client or child socket made new (connect(), the child's creation),
// its send queue's storage kept: a connection slot's next user sends into
// it without allocating (resetting the socket outright cost three
// allocations a connection, ~2% of the report load).
template <class Sock>
void renew(Sock& s) {
  std::vector<SentSegment> unacked = std::move(s.unacked);
  unacked.clear();
  s = Sock{};
  s.unacked = std::move(unacked);
}

// One connection: everything the stack knows about one 4-tuple.
struct Conn {
  ClientSock client;
  RequestSock req;
  ChildSock child;
  bool syncookie = false;         // the server answered a SYN with a cookie
  Time cookie_issued{};           // when (cookie validity, tcp_cookie_time())
  std::uint32_t cookie_isn = 0;
  std::uint32_t synack_retransmits = 0;
  std::uint32_t in_flight = 0;  // segments of this connection on the loopback, not yet delivered
  outcome::SegmentClassifier classes;  // what its segments are, as they are sent (Stack::xmit)
};

// A retired connection's slot made new for its next user (Stack::reap()),
// both send queues' storage kept, as renew() keeps a socket's.
inline void renew(Conn& k) {
  std::vector<SentSegment> client_unacked = std::move(k.client.unacked);
  std::vector<SentSegment> child_unacked = std::move(k.child.unacked);
  k = Conn{};
  client_unacked.clear();
  child_unacked.clear();
  k.client.unacked = std::move(client_unacked);
  k.child.unacked = std::move(child_unacked);
}

// The listening socket. Linux: struct inet_connection_sock in LISTEN with
// icsk_accept_queue (struct request_sock_queue).
struct Listener {
  bool listening = false;
  std::uint16_t port = 0;
  std::int64_t max_ack_backlog = 0;  // sk_max_ack_backlog, after the somaxconn clamp
  std::int64_t ack_backlog = 0;      // sk_ack_backlog: children waiting for accept()
  RingQueue<std::uint32_t> accept_queue;  // connection indices, FIFO
  std::int64_t qlen = 0;             // request socks (the "SYN queue"), acked ones included
  std::int64_t young = 0;            // requests whose timer has not fired yet
  std::uint8_t defer_accept = 0;     // rskq_defer_accept, in retransmissions
  std::int64_t syncnt = 0;           // TCP_SYNCNT (0: use tcp_synack_retries)
  bool overflow_stamped = false;     // tcp_synq_overflow() ever stamped
  Time last_overflow{};              // rx_opt.ts_recent_stamp as used by tcp_synq_overflow

  // 2.5/2.6 era: struct tcp_listen_opt (include/net/tcp.h, 2.6.12)
  int max_qlen_log = 6;              // SYN queue holds 1 << max_qlen_log requests
  std::uint32_t hash_rnd = 0;        // per-listener random for tcp_v4_synq_hash()
  std::uint32_t clock_hand = 0;      // next syn_table bucket the sweep looks at
  std::vector<std::vector<std::uint32_t>> syn_table;  // TCP_SYNQ_HSIZE chains of connections, newest first
  EventId sweep_timer;               // the listener's keepalive timer, used as SYN-ACK timer
};

}  // namespace synsim::tcp
