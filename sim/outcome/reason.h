// Why something happened, as data: the reason under a packet of a timeline
// (outcome::Annotation) and each step of a connection's explanation.
//
// A reason is a kind with its figures (queue depth and limit, the number of
// a retransmission, an rto) and the kernel function it mirrors; it is put
// into words in one place only, sim/report/reason_text.h, and no code
// decides anything from those words (style.md 12). What a reason means to
// the rest of synsim (an incident? a drop?) is decided here, by an
// exhaustive switch over its kind.
//
// The model's stack (sim/tcp) and the kernel runner (sim/kernel) produce
// them; the figures are what the code had at hand, so a reason costs no
// formatting until somebody reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.h"

namespace synsim::outcome {

enum class ConnectionOutcome;  // outcome.h
struct ConnectionRecord;       // outcome.h

// The segment a reason is about, as the listener names it.
enum class SegmentWord : std::uint8_t {
  data_segment,  // payload
  fin,           // a bare FIN
  final_ack,     // the handshake's third segment
  ack,           // any other ACK
};

// The application's socket call a kernel-side error came from.
enum class SocketCall : std::uint8_t { socket, connect, write, read };

// Figures are in the Reason fields a, b, c, d (uint32), n, m (int64: a
// duration or a time in ns, or a large count), `flag`, `segment`, `call`,
// `outcome`, `text` (a name, never words to search); each kind says which.
enum class ReasonKind : std::uint8_t {
  none,  // no reason given

  // --- the model's listener, linux-6.18 (sim/tcp/listener.cc) ---------------
  no_listener_rst,              // tcp_v4_send_reset: nothing listens on the port
  listen_rst_dropped,           // tcp_rcv_state_process LISTEN: an RST for no socket
  listen_ack_rst,               // tcp_rcv_state_process LISTEN -> tcp_v4_send_reset: `segment` for a gone request
  listen_segment_dropped,       // tcp_v4_do_rcv: neither SYN, ACK nor RST
  syn_dropped_synq_full,        // tcp_conn_request -> tcp_syn_flood_action: a = qlen, b = backlog
  syn_dropped_acceptq_full,     // tcp_conn_request, sk_acceptq_is_full: a = children, b = limit
  syn_dropped_synq_last_quarter,  // tcp_conn_request "drop open request": a = qlen, b = tcp_max_syn_backlog
  syncookie_synack,             // tcp_conn_request, cookie_v4_init_sequence: flag = tcp_syncookies=2, else
                                //   a = qlen > b = backlog
  synack_rtx_for_syn,           // tcp_check_req -> inet_rtx_syn_ack
  synack_rate_limited,          // tcp_oow_rate_limited: a retransmitted SYN for a pending request
  request_bad_ack_rst,          // tcp_check_req: an ACK that does not acknowledge the SYN-ACK
  request_oow_ack_rate_limited,  // tcp_oow_rate_limited: an out-of-window segment for a request
  request_oow_ack,              // tcp_check_req -> tcp_v4_reqsk_send_ack
  request_rst_challenge_ack,    // tcp_check_req, RFC 5961 3.2
  request_syn_rst,              // tcp_check_req embryonic_reset (both eras)
  request_removed,              // tcp_check_req embryonic_reset: the request sock goes
  request_no_ack_dropped,       // tcp_check_req: a segment without ACK
  defer_accept_ack_dropped,     // tcp_check_req, TCPDeferAcceptDrop
  abort_on_overflow_rst,        // tcp_check_req embryonic_reset with tcp_abort_on_overflow=1 (both eras)
  child_created,                // tcp_check_req -> inet_csk_complete_hashdance: `segment`, a/b = accept
                                //   queue/limit, flag = request was acked, c = SYN-ACK retransmissions
  acceptq_full_request_kept,    // tcp_v4_syn_recv_sock -> listen_overflow: `segment`, a/b = accept queue/limit
  acceptq_full_abort,           // same, with tcp_abort_on_overflow=1
  acceptq_full_cookie_dropped,  // cookie_v4_check -> tcp_get_cookie_sock -> tcp_v4_syn_recv_sock: same figures
  cookie_child_created,         // cookie_v4_check: `segment`, a/b = accept queue/limit
  synack_retransmit,            // reqsk_timer_handler: a = its number, flag = the request is acked
  request_expired,              // reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put: a = SYN-ACK rtx

  // --- the model's listener, linux-2.5.66 (sim/tcp/listener_2_5.cc) ---------
  syn_dropped_synq_full_2_5,    // tcp_v4_conn_request: a = qlen, b = SYN queue size
  syn_dropped_acceptq_full_2_5,  // tcp_v4_conn_request: a/b = accept queue/limit, c = young requests
  syn_dropped_synq_last_quarter_2_5,  // tcp_v4_conn_request "drop open request": a = qlen, b = tcp_max_syn_backlog
  syncookie_synack_2_5,         // tcp_v4_conn_request, cookie_v4_init_sequence: a = qlen, b = SYN queue size
  synack_while_acceptq_full_2_5,  // tcp_v4_conn_request: a/b = accept queue/limit
  synack_rtx_for_syn_2_5,       // tcp_check_req -> rtx_syn_ack
  request_oow_ack_2_5,          // tcp_check_req
  request_removed_2_5,          // tcp_check_req embryonic_reset
  defer_accept_ack_dropped_2_5,  // tcp_check_req
  child_created_2_5,            // tcp_check_req -> tcp_acceptq_queue: as child_created
  synack_sweep_retransmit_2_5,  // tcp_synack_timer: a = its number, b = hash bucket, flag = acked
  request_dropped_2_5,          // tcp_synack_timer: a = SYN-ACK retransmissions
  cookie_child_created_2_5,     // cookie_v4_check: a/b = accept queue/limit

  // --- the model's client (sim/tcp/client.cc) ---------------------------------
  no_ephemeral_port,            // __inet_hash_connect: n-m = ip_local_port_range
  syn_retransmit,               // tcp_retransmit_timer, SYN_SENT: a = its number
  closed_socket_segment,        // a segment for a closed client socket (not modelled further)
  synack_bad_ack_dropped,       // tcp_rcv_synsent_state_process: a SYN-ACK with a wrong ack
  connect_refused,              // tcp_reset: an RST answering our SYN
  final_ack_deferred,           // tcp_rcv_synsent_state_process, TCP_DEFER_ACCEPT: n = TCP_DELACK_MAX
  deferred_ack_sent,            // tcp_delack_timer
  deferred_ack_on_data,         // tcp_write_xmit: the deferred final ACK rides on the data
  loss_probe,                   // tcp_send_loss_probe
  syn_retries_exhausted,        // tcp_write_timeout: a = SYN retransmissions
  data_retries_exhausted,       // tcp_write_timeout: n = tcp_retries2
  rto_retransmit,               // tcp_retransmit_timer: a = its number, n = the rto that expired
  challenge_ack_suppressed,     // tcp_oow_rate_limited: n = tcp_invalid_ratelimit (ms)
  challenge_ack,                // tcp_validate_incoming -> tcp_send_challenge_ack
  connection_reset,             // tcp_reset: an RST at rcv_nxt
  dsack_duplicate_ack,          // tcp_data_queue -> tcp_dsack_set (2.5.66)
  linger_rst_close,             // tcp_send_active_reset: close with SO_LINGER {1,0}

  // --- the model's child socket and loopback (sim/tcp/child.cc, loopback.cc) -
  child_reset,                  // tcp_reset on the child
  request_queued,               // tcp_data_queue: a = request bytes, flag = the child is accepted
  link_dropped,                 // the scenario's link rule
  link_held,                    // the scenario's link rule: n = how long
  backlog_full_dropped,         // enqueue_to_backlog: n = packets on the backlog

  // --- an explanation's conclusion (model and kernel) -------------------------
  request_stalled,              // n = first transmission, m = delivery to the application (times, ns)
  request_never_delivered,      // n = first transmission (time, ns), `outcome`
  sockets_while_waiting,        // tcp_diag_get_info: what netstat showed longest while the request waited
                                //   (waiting_sockets()): a = client Send-Q, b = server Recv-Q, c / d = client /
                                //   server TcpState (include/net/tcp_states.h numbers; 7, CLOSE: no socket
                                //   listed), n-m = from-until (times, ns)

  // --- the kernel runner (sim/kernel) -----------------------------------------
  kernel_port_range_set,        // a-b = the range asked for, n-m = the namespace's default (as read: 0 -1 if unread)
  kernel_port_range_widened,    // n-m = the default (as read), c-d = the new range, a = ports the scenario may hold
  kernel_syn_retransmitted,     // a = its number
  kernel_synack_retransmitted,  // a = its number
  kernel_challenge_ack,         // the client's ACK answering a retransmitted SYN-ACK: flag = with a D-SACK block
  kernel_request_retransmitted,  // a = its number, n = time since the previous transmission (0: not known)
  kernel_server_rst,            // the server answered with RST
  kernel_client_rst,            // the client sent RST (not its scripted close)
  kernel_capture_lost,          // n = packets the capture lost
  kernel_sockets_unread,        // sock_diag could not be read at the run's end: `text` = why
  kernel_request_written,       // the client writes its request (an explanation's first step)
  kernel_socket_error,          // `call` failed: `text` = error name, a = errno (0: not a system error)
  kernel_server_read_error,     // the server's read() failed: same figures
  wire_dropped,                 // wire mode: the scenario's link rule
  wire_held,                    // wire mode: n = how long

  // --- what a capture implies (sim/capture/story.h): `synsim explain` and the
  // kernel runner's own capture. d = confidence in percent: a capture shows
  // segments, not the listener's state, and one taken on one side of a
  // lossy link cannot tell a drop by the listener from a loss on the way.
  capture_syn_dropped,          // a = SYNs unanswered (the listener dropped them), d
  capture_syncookie,            // a = client segments ignored while the SYN-ACK was never retransmitted, d
  capture_final_ack_dropped,    // a = client segments ignored, flag = data among them, c = 1: TCP_DEFER_ACCEPT
                                //   not ruled out (no data), d
  capture_abort_on_overflow,    // flag = an RST without ACK at the final ACK's ack_seq, d
  capture_request_expired,      // a = SYN-ACK retransmissions, flag = a later client segment got an RST, d
  capture_acceptq_ignored,      // a = client segments ignored before a retransmission got in, no SYN-ACK
                                //   retransmitted meanwhile (a cookie's ACK or a kept request), flag = data, d

  // Words read back from an outcome saved by synsim before its JSON carried
  // typed reasons (format version 1): `text` holds them, and the few facts
  // the reports need were taken from them when the file was read
  // (report::saved_reason; Saved* bits in `a`). Stays last: from_string and
  // the tests walk the kinds from none to saved.
  saved,
};

// Facts of a saved reason (bits of Reason::a), see ReasonKind::saved.
enum SavedFact : std::uint32_t {
  kSavedDrop = 1,          // says something was dropped
  kSavedDuplicateAck = 2,  // names a challenge or duplicate ACK
  kSavedConclusion = 4,    // an explanation's conclusion
};

struct Reason {
  ReasonKind kind = ReasonKind::none;
  SegmentWord segment = SegmentWord::ack;
  SocketCall call = SocketCall::socket;
  bool flag = false;
  ConnectionOutcome outcome{};
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;
  std::uint32_t d = 0;
  std::int64_t n = 0;
  std::int64_t m = 0;
  std::string text = {};

  bool empty() const { return kind == ReasonKind::none; }
  bool operator==(const Reason&) const = default;
};

// The kernel function a reason mirrors ("tcp_check_req"), or where it comes
// from when no kernel function decides it ("scenario link rule", "synsim").
const char* kernel_function(ReasonKind k);
// The kind's name as in this header ("synack_retransmit").
const char* to_string(ReasonKind k);
// The names of the enums a reason holds, as spelled here ("final_ack",
// "connect"; outcome.h names ConnectionOutcome).
const char* to_string(SegmentWord w);
const char* to_string(SocketCall c);
// The value to_string names `name`, or nothing for a name it never gives: a
// saved outcome names kinds and enums, never their numbers, so a file stays
// readable when the enums grow (sim/report/json.h).
template <typename Enum>
std::optional<Enum> from_string(std::string_view name);
template <>
std::optional<ReasonKind> from_string<ReasonKind>(std::string_view name);
template <>
std::optional<SegmentWord> from_string<SegmentWord>(std::string_view name);
template <>
std::optional<SocketCall> from_string<SocketCall>(std::string_view name);
template <>
std::optional<ConnectionOutcome> from_string<ConnectionOutcome>(std::string_view name);
// The kind, its kernel function and its figures, for failure messages of a
// broken model (not a sentence: sim/report words reasons).
std::string debug_string(const Reason& r);

// Out of the ordinary for the connection: everything but the child created
// on the first try, its request queued and a scripted RST close. A
// connection with an incident is worth an explanation.
bool is_incident(const Reason& r);
// Something was dropped: a segment, or (2.5.66's sweep) a request. The
// timeline marks the packet a drop is noted under.
bool is_drop(const Reason& r);
// Names a challenge ACK or a duplicate ACK (its answer, or its suppression).
bool names_duplicate_ack(const Reason& r);
// The conclusion an explanation ends with (stalled, never delivered).
bool is_conclusion(const Reason& r);

// The conclusion of `r`'s explanation: how long its request waited between
// its first transmission and its delivery, or that it was never delivered;
// nothing when no request was sent. The model and the kernel runner both
// end their explanations with it.
std::optional<Reason> conclusion(const ConnectionRecord& r);

// The 2003 report's reading of a request that waited (it stalled beyond
// `threshold`, or was never delivered by `end`): what netstat showed longest
// meanwhile, the client's Send-Q and the server side's Recv-Q
// (outcome::longest_while_waiting, sockets.h). Nothing without socket series.
std::optional<Reason> waiting_sockets(const ConnectionRecord& r, Duration threshold, Time end);

}  // namespace synsim::outcome
