#include "sim/report/reason_text.h"

#include <fmt/format.h>

#include <cstdint>

namespace synsim::report {

namespace {

using outcome::Reason;
using outcome::ReasonKind;

const char* words(outcome::SegmentWord w) {
  switch (w) {
    case outcome::SegmentWord::data_segment: return "data segment";
    case outcome::SegmentWord::fin: return "FIN";
    case outcome::SegmentWord::final_ack: return "final ACK";
    case outcome::SegmentWord::ack: return "ACK";
  }
  return "segment";
}

const char* words(outcome::SocketCall c) {
  switch (c) {
    case outcome::SocketCall::socket: return "socket()";
    case outcome::SocketCall::connect: return "connect()";
    case outcome::SocketCall::write: return "write()";
    case outcome::SocketCall::read: return "read()";
  }
  return "?";
}

std::string duration_words(std::int64_t ns) { return format_duration(Duration{ns}); }
std::string time_words(std::int64_t ns) { return format_seconds(at_ns(ns)); }
// Ports in the range low-high, as ip_local_port_range counts them.
// Saturating: a saved outcome's figures are whatever the file says.
std::int64_t ports_in(std::int64_t low, std::int64_t high) {
  std::int64_t span = 0;
  if (high < low) return 0;
  if (__builtin_sub_overflow(high, low, &span) || span == INT64_MAX) return INT64_MAX;
  return span + 1;
}

// ", request was acked, after 2 SYN-ACK retransmissions" of a child created.
std::string child_history(const Reason& r) {
  return fmt::format("{}{}", r.flag ? ", request was acked" : "",
                     r.c ? fmt::format(", after {} SYN-ACK retransmissions", r.c) : "");
}

// A TcpState carried as a figure (include/net/tcp_states.h numbers): listed
// by netstat unless CLOSE; a number a saved outcome got wrong reads as "?".
bool listed(std::uint32_t state) { return state != static_cast<std::uint32_t>(outcome::TcpState::close); }
std::string state_words(std::uint32_t state) {
  if (!listed(state)) return "none";
  for (std::uint32_t s = 1; s <= static_cast<std::uint32_t>(outcome::TcpState::closing); ++s) {
    if (s == state) return outcome::netstat_name(static_cast<outcome::TcpState>(s));
  }
  return "?";
}

// What a capture implies is said with how sure it is (reason.h, capture_*).
std::string confidence(const Reason& r) { return fmt::format(" [inferred from the capture, confidence {}%]", r.d); }

const char* acked_suffix(const Reason& r) {
  return r.flag ? " (the request is acked: its ACK met a full accept queue)" : "";
}

std::string accept_queue_full(const Reason& r, const char* fate) {
  return fmt::format("accept queue full ({}/{}): {} dropped; {}", r.a, r.b, words(r.segment), fate);
}

}  // namespace

// One case a kind, in the order of reason.h: the words of every reason
// synsim gives, side by side.
std::string reason_text(const Reason& r) {
  switch (r.kind) {
    case ReasonKind::none: return {};
    case ReasonKind::no_listener_rst: return "no listener on the port: RST (tcp_v4_send_reset)";
    case ReasonKind::listen_rst_dropped: return "RST for no socket: dropped (tcp_rcv_state_process, LISTEN)";
    case ReasonKind::listen_ack_rst:
      return fmt::format("{} for a request that no longer exists: listener answers RST "
                         "(tcp_rcv_state_process LISTEN -> tcp_v4_send_reset)",
                         words(r.segment));
    case ReasonKind::listen_segment_dropped: return "segment without SYN/ACK/RST for the listener: dropped";
    case ReasonKind::syn_dropped_synq_full:
      return fmt::format("SYN queue full ({} requests > backlog {}), tcp_syncookies=0: SYN dropped "
                         "(tcp_conn_request -> tcp_syn_flood_action)",
                         r.a, r.b);
    case ReasonKind::syn_dropped_acceptq_full:
      return fmt::format("accept queue full ({}/{}): SYN dropped (tcp_conn_request, sk_acceptq_is_full); the client "
                         "will retransmit it",
                         r.a, r.b);
    case ReasonKind::syn_dropped_synq_last_quarter:
      return fmt::format("SYN queue in its last quarter ({} of tcp_max_syn_backlog {}), syncookies off: SYN dropped "
                         "(tcp_conn_request, \"drop open request\")",
                         r.a, r.b);
    case ReasonKind::syncookie_synack:
      return fmt::format("syncookie SYN-ACK ({}): no request sock kept, never retransmitted "
                         "(tcp_conn_request, cookie_v4_init_sequence)",
                         r.flag ? std::string("tcp_syncookies=2")
                                : fmt::format("SYN queue full, {} > backlog {}", r.a, r.b));
    case ReasonKind::synack_rtx_for_syn:
      return "SYN-ACK retransmitted in answer to a retransmitted SYN (tcp_check_req -> inet_rtx_syn_ack)";
    case ReasonKind::synack_rate_limited:
      return "retransmitted SYN for a pending request: SYN-ACK rate-limited (tcp_oow_rate_limited)";
    case ReasonKind::request_bad_ack_rst: return "ACK does not acknowledge our SYN-ACK: RST (tcp_check_req)";
    case ReasonKind::request_oow_ack_rate_limited:
      return "out-of-window segment for a request: ACK rate-limited (tcp_oow_rate_limited)";
    case ReasonKind::request_oow_ack:
      return "out-of-window segment for a request: bare ACK (tcp_check_req -> tcp_v4_reqsk_send_ack)";
    case ReasonKind::request_rst_challenge_ack:
      return "RST not at rcv_nxt for a request: challenge ACK, request kept (tcp_check_req, RFC 5961 3.2)";
    case ReasonKind::request_syn_rst: return "SYN inside a pending handshake: RST (tcp_check_req embryonic_reset)";
    case ReasonKind::request_removed: return "request sock removed (tcp_check_req embryonic_reset)";
    case ReasonKind::request_no_ack_dropped: return "segment without ACK for a request: dropped (tcp_check_req)";
    case ReasonKind::defer_accept_ack_dropped:
      return "bare ACK dropped while the listener defers accept (TCP_DEFER_ACCEPT): request marked acked "
             "(tcp_check_req, TCPDeferAcceptDrop)";
    case ReasonKind::abort_on_overflow_rst:
      return "tcp_abort_on_overflow=1: handshake reset (tcp_check_req embryonic_reset)";
    case ReasonKind::child_created:
      return fmt::format("{} creates the child: accept queue {}/{}{} (tcp_check_req -> inet_csk_complete_hashdance)",
                         words(r.segment), r.a, r.b, child_history(r));
    case ReasonKind::acceptq_full_request_kept:
      return accept_queue_full(r, "request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)");
    case ReasonKind::acceptq_full_abort:
      return accept_queue_full(r, "tcp_abort_on_overflow=1 (tcp_v4_syn_recv_sock -> listen_overflow)");
    case ReasonKind::acceptq_full_cookie_dropped:
      return accept_queue_full(r, "valid syncookie, but no server state is kept: the client must send again "
                                  "(cookie_v4_check -> tcp_get_cookie_sock -> tcp_v4_syn_recv_sock)");
    case ReasonKind::cookie_child_created:
      return fmt::format("valid syncookie: {} creates the child, accept queue {}/{} (cookie_v4_check)",
                         words(r.segment), r.a, r.b);
    case ReasonKind::synack_retransmit:
      return fmt::format("SYN-ACK retransmit #{} (reqsk_timer_handler){}", r.a, acked_suffix(r));
    case ReasonKind::request_expired:
      return fmt::format("request expired after {} SYN-ACK retransmissions: removed silently, no RST "
                         "(reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put)",
                         r.a);

    case ReasonKind::syn_dropped_synq_full_2_5:
      return fmt::format("SYN queue full ({} of {}, from tcp_max_syn_backlog): SYN dropped "
                         "(tcp_v4_conn_request, AttemptFails)",
                         r.a, r.b);
    case ReasonKind::syn_dropped_acceptq_full_2_5:
      return fmt::format("accept queue full ({}/{}) and {} young requests: SYN dropped "
                         "(tcp_v4_conn_request, AttemptFails)",
                         r.a, r.b, r.c);
    case ReasonKind::syn_dropped_synq_last_quarter_2_5:
      return fmt::format("SYN queue in its last quarter ({} of tcp_max_syn_backlog {}): SYN dropped "
                         "(tcp_v4_conn_request, \"drop open request\")",
                         r.a, r.b);
    case ReasonKind::syncookie_synack_2_5:
      return fmt::format("syncookie SYN-ACK (SYN queue full, {} of {}): no request kept "
                         "(tcp_v4_conn_request, cookie_v4_init_sequence)",
                         r.a, r.b);
    case ReasonKind::synack_while_acceptq_full_2_5:
      return fmt::format("SYN answered although the accept queue is full ({}/{}): at most one request is young "
                         "(tcp_v4_conn_request)",
                         r.a, r.b);
    case ReasonKind::synack_rtx_for_syn_2_5:
      return "SYN-ACK sent again for a retransmitted SYN (tcp_check_req -> rtx_syn_ack)";
    case ReasonKind::request_oow_ack_2_5: return "out-of-window segment for a request: ACK (tcp_check_req)";
    case ReasonKind::request_removed_2_5: return "request removed (tcp_check_req embryonic_reset)";
    case ReasonKind::defer_accept_ack_dropped_2_5:
      return "bare ACK dropped while the listener defers accept (TCP_DEFER_ACCEPT): request marked acked";
    case ReasonKind::child_created_2_5:
      return fmt::format("{} creates the child: accept queue {}/{}{} (tcp_check_req -> tcp_acceptq_queue)",
                         words(r.segment), r.a, r.b, child_history(r));
    case ReasonKind::synack_sweep_retransmit_2_5:
      return fmt::format("SYN-ACK retransmit #{} by the listener's sweep (tcp_synack_timer, bucket {}){}", r.a, r.b,
                         acked_suffix(r));
    case ReasonKind::request_dropped_2_5:
      return fmt::format("request dropped silently after {} SYN-ACK retransmissions (tcp_synack_timer)", r.a);
    case ReasonKind::cookie_child_created_2_5:
      return fmt::format("valid syncookie: the segment creates the child, accept queue {}/{} (cookie_v4_check)", r.a,
                         r.b);

    case ReasonKind::no_ephemeral_port:
      return fmt::format("no free ephemeral port in ip_local_port_range {}-{}: connect() fails with "
                         "EADDRNOTAVAIL (__inet_hash_connect)",
                         r.n, r.m);
    case ReasonKind::syn_retransmit: return fmt::format("SYN retransmit #{} (tcp_retransmit_timer, SYN_SENT)", r.a);
    case ReasonKind::closed_socket_segment: return "segment for a closed client socket: ignored";
    case ReasonKind::synack_bad_ack_dropped: return "SYN-ACK with a wrong ack in SYN_SENT: dropped";
    case ReasonKind::connect_refused: return "RST answering our SYN: connection refused (tcp_reset)";
    case ReasonKind::final_ack_deferred:
      return fmt::format("connect() returns; final ACK deferred up to {} (TCP_DEFER_ACCEPT on the "
                         "connecting socket, tcp_rcv_synsent_state_process)",
                         duration_words(r.n));
    case ReasonKind::deferred_ack_sent: return "deferred final ACK sent by the delayed-ACK timer (tcp_delack_timer)";
    case ReasonKind::deferred_ack_on_data: return "the deferred final ACK rides on the data";
    case ReasonKind::loss_probe: return "tail loss probe: the unacked request sent again (tcp_send_loss_probe)";
    case ReasonKind::syn_retries_exhausted:
      return fmt::format("connect() gives up after {} SYN retransmissions: ETIMEDOUT (tcp_write_timeout)", r.a);
    case ReasonKind::data_retries_exhausted:
      return fmt::format("data retransmissions exhausted (tcp_retries2={}): ETIMEDOUT (tcp_write_timeout)", r.n);
    case ReasonKind::rto_retransmit:
      return fmt::format("RTO #{}: the unacked request sent again, rto was {} (tcp_retransmit_timer)", r.a,
                         duration_words(r.n));
    case ReasonKind::challenge_ack_suppressed:
      return fmt::format("challenge ACK suppressed: one per {} ms (tcp_oow_rate_limited)", r.n);
    case ReasonKind::challenge_ack:
      return "the client is ESTABLISHED and answers the retransmitted SYN-ACK with a challenge ACK "
             "(tcp_validate_incoming -> tcp_send_challenge_ack)";
    case ReasonKind::connection_reset: return "RST at rcv_nxt: connection reset, ECONNRESET (tcp_reset)";
    case ReasonKind::dsack_duplicate_ack:
      return "the client is ESTABLISHED: the retransmitted SYN-ACK is an old segment, answered at once with a "
             "duplicate ACK carrying a D-SACK block (tcp_data_queue -> tcp_dsack_set)";
    case ReasonKind::linger_rst_close: return "close with SO_LINGER {1,0}: RST (tcp_send_active_reset)";

    case ReasonKind::child_reset: return "RST from the client: server socket closed (tcp_reset)";
    case ReasonKind::request_queued:
      return fmt::format("{} request bytes queued on the server socket{}", r.a, r.flag ? "" : " (not accepted yet)");
    case ReasonKind::link_dropped: return "dropped on the link (scenario link rule)";
    case ReasonKind::link_held: return fmt::format("held {} on the link (scenario link rule)", duration_words(r.n));
    case ReasonKind::backlog_full_dropped:
      return fmt::format("loopback backlog full ({} packets, net.core.netdev_max_backlog): dropped "
                         "(enqueue_to_backlog)",
                         r.n);

    case ReasonKind::request_stalled: {
      // A saved outcome's times are whatever the file says: saturate rather
      // than overflow.
      std::int64_t waited = 0;
      if (__builtin_sub_overflow(r.m, r.n, &waited)) waited = r.m > r.n ? INT64_MAX : INT64_MIN;
      return fmt::format("=> the request waited {} between its first transmission ({}) and "
                         "its delivery to the server application ({})",
                         duration_words(waited), time_words(r.n), time_words(r.m));
    }
    case ReasonKind::request_never_delivered:
      return fmt::format("=> the request sent at {} was never delivered ({})", time_words(r.n),
                         outcome::to_string(r.outcome));
    case ReasonKind::sockets_while_waiting:
      return fmt::format("=> netstat while it waited, longest from {} to {}: client Send-Q {}, {} ({} / {})",
                         time_words(r.n), time_words(r.m), r.a,
                         listed(r.d) ? fmt::format("server Recv-Q {}", r.b) : std::string("no server socket"),
                         state_words(r.c), state_words(r.d));

    case ReasonKind::kernel_port_range_set:
      return fmt::format("kernel: net.ipv4.ip_local_port_range set to {} {} ({} ports) in the namespace, as asked "
                         "(default {} {})",
                         r.a, r.b, ports_in(r.a, r.b), r.n, r.m);
    case ReasonKind::kernel_port_range_widened:
      return fmt::format("kernel: net.ipv4.ip_local_port_range widened in the namespace from {} {} ({} ports) to {} "
                         "{} ({} ports): the scenario may hold about {} ephemeral ports at once (connections the "
                         "client closes with FIN keep theirs in TIME_WAIT, reusable after ~1 s on loopback)",
                         r.n, r.m, ports_in(r.n, r.m), r.c, r.d, ports_in(r.c, r.d), r.a);
    case ReasonKind::kernel_sockets_unread:
      return fmt::format("kernel: the sockets could not be listed at the end of the run ({}); netstat shows the "
                         "listener alone",
                         r.text);
    case ReasonKind::kernel_syn_retransmitted: return fmt::format("kernel: SYN retransmitted (#{})", r.a);
    case ReasonKind::kernel_synack_retransmitted:
      return fmt::format("kernel: SYN-ACK retransmitted (#{}): the request is still in the SYN queue", r.a);
    case ReasonKind::kernel_challenge_ack:
      return r.flag ? "kernel: the client answers the retransmitted SYN-ACK with a duplicate ACK carrying a D-SACK "
                      "block (tcp_data_queue -> tcp_dsack_set)"
                    : "kernel: the client answers the retransmitted SYN-ACK with an ACK (challenge ACK)";
    case ReasonKind::kernel_request_retransmitted:
      if (r.n > 0) {
        return fmt::format("kernel: request retransmitted (#{}, {} after the previous transmission)", r.a,
                           duration_words(r.n));
      }
      return fmt::format("kernel: request retransmitted (#{})", r.a);
    case ReasonKind::kernel_server_rst: return "kernel: the server answered with RST";
    case ReasonKind::kernel_client_rst: return "kernel: the client sent RST";
    case ReasonKind::kernel_capture_lost:
      return fmt::format("kernel: the capture lost {} packets (buffer full); the timeline is incomplete", r.n);
    case ReasonKind::kernel_request_written: return "the client writes its request";
    case ReasonKind::kernel_socket_error: return fmt::format("kernel: {} on {}", r.text, words(r.call));
    case ReasonKind::kernel_server_read_error: return fmt::format("kernel: server read(): {}", r.text);
    case ReasonKind::wire_dropped: return "wire: dropped on the link (scenario link rule)";
    case ReasonKind::wire_held:
      return fmt::format("wire: held {} on the link (scenario link rule)", duration_words(r.n));

    case ReasonKind::capture_syn_dropped:
      return fmt::format("{} SYN{} unanswered: the listener dropped {} (accept queue full: tcp_conn_request; or SYN "
                         "queue full with tcp_syncookies=0: tcp_syn_flood_action); the capture cannot tell which{}",
                         r.a, r.a == 1 ? "" : "s", r.a == 1 ? "it" : "them", confidence(r));
    case ReasonKind::capture_syncookie:
      return fmt::format("syncookie SYN-ACK: the server kept no request (its SYN-ACK never retransmitted while {} "
                         "segment{} of the client went unanswered); each ACK carrying the cookie met a full accept "
                         "queue and left no state: the client must send again (cookie_v4_check -> "
                         "tcp_get_cookie_sock -> tcp_v4_syn_recv_sock){}",
                         r.a, r.a == 1 ? "" : "s", confidence(r));
    case ReasonKind::capture_final_ack_dropped:
      return fmt::format("the server retransmits its SYN-ACK to an established client: the final ACK{} never "
                         "created the child; accept queue full: {} segment{} dropped, request kept and marked acked "
                         "(tcp_v4_syn_recv_sock -> listen_overflow){}{}",
                         r.flag ? " and the data after it" : "", r.a, r.a == 1 ? "" : "s",
                         r.c ? "; or TCP_DEFER_ACCEPT on the listener (no data to tell them apart)" : "", confidence(r));
    case ReasonKind::capture_abort_on_overflow:
      return fmt::format("the server resets the handshake at the final ACK{}: tcp_abort_on_overflow=1 and the "
                         "accept queue full (tcp_check_req embryonic_reset){}",
                         r.flag ? " (RST without ACK at its ack_seq)" : "", confidence(r));
    case ReasonKind::capture_acceptq_ignored:
      return fmt::format("the final ACK{} went unanswered until a retransmission got in, and no SYN-ACK was "
                         "retransmitted meanwhile: a full accept queue dropped {} segment{} (ListenOverflows), each "
                         "either a syncookie's ACK (cookie_v4_check -> tcp_get_cookie_sock) or one for a request "
                         "whose SYN-ACK timer had not fired yet (tcp_v4_syn_recv_sock -> listen_overflow); the "
                         "capture cannot tell which{}",
                         r.flag ? " and the data after it" : "", r.a, r.a == 1 ? "" : "s", confidence(r));
    case ReasonKind::capture_request_expired:
      return fmt::format("the server gave up the request after {} SYN-ACK retransmissions "
                         "(net.ipv4.tcp_synack_retries={}): removed silently{} "
                         "(reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put){}",
                         r.a, r.a, r.flag ? ", the client's next segment answered with RST" : ", no SYN-ACK since",
                         confidence(r));

    case ReasonKind::saved: return r.text;
  }
  return {};
}

std::string annotation_text(const outcome::Annotation& a) {
  if (a.at) return fmt::format("at {}: {}", format_seconds(*a.at), reason_text(a.reason));
  return reason_text(a.reason);
}

std::string step_text(const outcome::ExplanationStep& s) {
  if (s.at) return format_seconds(*s.at) + " " + reason_text(s.reason);
  return reason_text(s.reason);
}

namespace {

bool contains_ignoring_case(std::string_view text, std::string_view word) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < word.size() && match; ++k) match = lower(text[i + k]) == lower(word[k]);
    if (match) return true;
  }
  return false;
}

}  // namespace

// Legacy fallback only: json.cc calls it for outcomes saved in JSON version
// 1, which hold words and no reasons; since version 2 a saved reason is read
// as the data it was written as. The words of the reasons above that carry
// each fact: "dropped" (is_drop), "challenge", "duplicate ACK", "D-SACK"
// (names_duplicate_ack), "=>" first (is_conclusion); older synsims' words
// read the same way.
outcome::Reason saved_reason(std::string words) {
  outcome::Reason r;
  r.kind = ReasonKind::saved;
  if (contains_ignoring_case(words, "dropped")) r.a |= outcome::kSavedDrop;
  for (const std::string_view w : {"challenge", "duplicate ack", "dup ack", "d-sack"}) {
    if (contains_ignoring_case(words, w)) r.a |= outcome::kSavedDuplicateAck;
  }
  if (words.starts_with("=>")) r.a |= outcome::kSavedConclusion;
  r.text = std::move(words);
  return r;
}

}  // namespace synsim::report
