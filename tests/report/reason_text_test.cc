// The words of every reason (reason_text.h), one case a reason: a change of
// wording shows here, and only here, besides the golden files. Everything
// else asserts the typed reason.
#include "sim/report/reason_text.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace synsim::report {
namespace {

using outcome::ConnectionOutcome;
using outcome::Reason;
using outcome::ReasonKind;
using outcome::SegmentWord;
using outcome::SocketCall;

struct Words {
  Reason reason;
  const char* words;
};

const std::vector<Words>& every_reason() {
  static const std::vector<Words> all = {
    {Reason{.kind = ReasonKind::no_listener_rst},
     "no listener on the port: RST (tcp_v4_send_reset)"},
    {Reason{.kind = ReasonKind::listen_rst_dropped},
     "RST for no socket: dropped (tcp_rcv_state_process, LISTEN)"},
    {Reason{.kind = ReasonKind::listen_ack_rst, .segment = SegmentWord::final_ack},
     "final ACK for a request that no longer exists: listener answers RST (tcp_rcv_state_process LISTEN -> tcp_v4_send_reset)"},
    {Reason{.kind = ReasonKind::listen_segment_dropped},
     "segment without SYN/ACK/RST for the listener: dropped"},
    {Reason{.kind = ReasonKind::syn_dropped_synq_full, .a = 9, .b = 8},
     "SYN queue full (9 requests > backlog 8), tcp_syncookies=0: SYN dropped (tcp_conn_request -> tcp_syn_flood_action)"},
    {Reason{.kind = ReasonKind::syn_dropped_acceptq_full, .a = 3, .b = 3},
     "accept queue full (3/3): SYN dropped (tcp_conn_request, sk_acceptq_is_full); the client will retransmit it"},
    {Reason{.kind = ReasonKind::syn_dropped_synq_last_quarter, .a = 97, .b = 128},
     "SYN queue in its last quarter (97 of tcp_max_syn_backlog 128), syncookies off: SYN dropped (tcp_conn_request, \"drop open request\")"},
    {Reason{.kind = ReasonKind::syncookie_synack, .a = 1, .b = 0},
     "syncookie SYN-ACK (SYN queue full, 1 > backlog 0): no request sock kept, never retransmitted (tcp_conn_request, cookie_v4_init_sequence)"},
    {Reason{.kind = ReasonKind::syncookie_synack, .flag = true},
     "syncookie SYN-ACK (tcp_syncookies=2): no request sock kept, never retransmitted (tcp_conn_request, cookie_v4_init_sequence)"},
    {Reason{.kind = ReasonKind::synack_rtx_for_syn},
     "SYN-ACK retransmitted in answer to a retransmitted SYN (tcp_check_req -> inet_rtx_syn_ack)"},
    {Reason{.kind = ReasonKind::synack_rate_limited},
     "retransmitted SYN for a pending request: SYN-ACK rate-limited (tcp_oow_rate_limited)"},
    {Reason{.kind = ReasonKind::request_bad_ack_rst},
     "ACK does not acknowledge our SYN-ACK: RST (tcp_check_req)"},
    {Reason{.kind = ReasonKind::request_oow_ack_rate_limited},
     "out-of-window segment for a request: ACK rate-limited (tcp_oow_rate_limited)"},
    {Reason{.kind = ReasonKind::request_oow_ack},
     "out-of-window segment for a request: bare ACK (tcp_check_req -> tcp_v4_reqsk_send_ack)"},
    {Reason{.kind = ReasonKind::request_rst_challenge_ack},
     "RST not at rcv_nxt for a request: challenge ACK, request kept (tcp_check_req, RFC 5961 3.2)"},
    {Reason{.kind = ReasonKind::request_syn_rst},
     "SYN inside a pending handshake: RST (tcp_check_req embryonic_reset)"},
    {Reason{.kind = ReasonKind::request_removed},
     "request sock removed (tcp_check_req embryonic_reset)"},
    {Reason{.kind = ReasonKind::request_no_ack_dropped},
     "segment without ACK for a request: dropped (tcp_check_req)"},
    {Reason{.kind = ReasonKind::defer_accept_ack_dropped},
     "bare ACK dropped while the listener defers accept (TCP_DEFER_ACCEPT): request marked acked (tcp_check_req, TCPDeferAcceptDrop)"},
    {Reason{.kind = ReasonKind::abort_on_overflow_rst},
     "tcp_abort_on_overflow=1: handshake reset (tcp_check_req embryonic_reset)"},
    {Reason{.kind = ReasonKind::child_created, .segment = SegmentWord::final_ack, .a = 1, .b = 2},
     "final ACK creates the child: accept queue 1/2 (tcp_check_req -> inet_csk_complete_hashdance)"},
    {Reason{.kind = ReasonKind::child_created, .segment = SegmentWord::data_segment, .flag = true, .a = 2, .b = 2, .c = 3},
     "data segment creates the child: accept queue 2/2, request was acked, after 3 SYN-ACK retransmissions (tcp_check_req -> inet_csk_complete_hashdance)"},
    {Reason{.kind = ReasonKind::acceptq_full_request_kept, .segment = SegmentWord::final_ack, .a = 2, .b = 2},
     "accept queue full (2/2): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)"},
    {Reason{.kind = ReasonKind::acceptq_full_abort, .segment = SegmentWord::data_segment, .a = 1, .b = 1},
     "accept queue full (1/1): data segment dropped; tcp_abort_on_overflow=1 (tcp_v4_syn_recv_sock -> listen_overflow)"},
    {Reason{.kind = ReasonKind::acceptq_full_cookie_dropped, .segment = SegmentWord::fin, .a = 1, .b = 1},
     "accept queue full (1/1): FIN dropped; valid syncookie, but no server state is kept: the client must send again (cookie_v4_check -> tcp_get_cookie_sock -> tcp_v4_syn_recv_sock)"},
    {Reason{.kind = ReasonKind::cookie_child_created, .segment = SegmentWord::ack, .a = 1, .b = 1},
     "valid syncookie: ACK creates the child, accept queue 1/1 (cookie_v4_check)"},
    {Reason{.kind = ReasonKind::synack_retransmit, .a = 2},
     "SYN-ACK retransmit #2 (reqsk_timer_handler)"},
    {Reason{.kind = ReasonKind::synack_retransmit, .flag = true, .a = 1},
     "SYN-ACK retransmit #1 (reqsk_timer_handler) (the request is acked: its ACK met a full accept queue)"},
    {Reason{.kind = ReasonKind::request_expired, .a = 5},
     "request expired after 5 SYN-ACK retransmissions: removed silently, no RST (reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put)"},
    {Reason{.kind = ReasonKind::syn_dropped_synq_full_2_5, .a = 1024, .b = 1024},
     "SYN queue full (1024 of 1024, from tcp_max_syn_backlog): SYN dropped (tcp_v4_conn_request, AttemptFails)"},
    {Reason{.kind = ReasonKind::syn_dropped_acceptq_full_2_5, .a = 2, .b = 2, .c = 2},
     "accept queue full (2/2) and 2 young requests: SYN dropped (tcp_v4_conn_request, AttemptFails)"},
    {Reason{.kind = ReasonKind::syn_dropped_synq_last_quarter_2_5, .a = 800, .b = 1024},
     "SYN queue in its last quarter (800 of tcp_max_syn_backlog 1024): SYN dropped (tcp_v4_conn_request, \"drop open request\")"},
    {Reason{.kind = ReasonKind::syncookie_synack_2_5, .a = 1024, .b = 1024},
     "syncookie SYN-ACK (SYN queue full, 1024 of 1024): no request kept (tcp_v4_conn_request, cookie_v4_init_sequence)"},
    {Reason{.kind = ReasonKind::synack_while_acceptq_full_2_5, .a = 2, .b = 2},
     "SYN answered although the accept queue is full (2/2): at most one request is young (tcp_v4_conn_request)"},
    {Reason{.kind = ReasonKind::synack_rtx_for_syn_2_5},
     "SYN-ACK sent again for a retransmitted SYN (tcp_check_req -> rtx_syn_ack)"},
    {Reason{.kind = ReasonKind::request_oow_ack_2_5},
     "out-of-window segment for a request: ACK (tcp_check_req)"},
    {Reason{.kind = ReasonKind::request_removed_2_5},
     "request removed (tcp_check_req embryonic_reset)"},
    {Reason{.kind = ReasonKind::defer_accept_ack_dropped_2_5},
     "bare ACK dropped while the listener defers accept (TCP_DEFER_ACCEPT): request marked acked"},
    {Reason{.kind = ReasonKind::child_created_2_5, .segment = SegmentWord::ack, .flag = true, .a = 1, .b = 1, .c = 1},
     "ACK creates the child: accept queue 1/1, request was acked, after 1 SYN-ACK retransmissions (tcp_check_req -> tcp_acceptq_queue)"},
    {Reason{.kind = ReasonKind::synack_sweep_retransmit_2_5, .flag = true, .a = 3, .b = 417},
     "SYN-ACK retransmit #3 by the listener's sweep (tcp_synack_timer, bucket 417) (the request is acked: its ACK met a full accept queue)"},
    {Reason{.kind = ReasonKind::request_dropped_2_5, .a = 5},
     "request dropped silently after 5 SYN-ACK retransmissions (tcp_synack_timer)"},
    {Reason{.kind = ReasonKind::cookie_child_created_2_5, .a = 2, .b = 2},
     "valid syncookie: the segment creates the child, accept queue 2/2 (cookie_v4_check)"},
    {Reason{.kind = ReasonKind::no_ephemeral_port, .n = 40000, .m = 40063},
     "no free ephemeral port in ip_local_port_range 40000-40063: connect() fails with EADDRNOTAVAIL (__inet_hash_connect)"},
    {Reason{.kind = ReasonKind::syn_retransmit, .a = 1},
     "SYN retransmit #1 (tcp_retransmit_timer, SYN_SENT)"},
    {Reason{.kind = ReasonKind::closed_socket_segment},
     "segment for a closed client socket: ignored"},
    {Reason{.kind = ReasonKind::synack_bad_ack_dropped},
     "SYN-ACK with a wrong ack in SYN_SENT: dropped"},
    {Reason{.kind = ReasonKind::connect_refused},
     "RST answering our SYN: connection refused (tcp_reset)"},
    {Reason{.kind = ReasonKind::final_ack_deferred, .n = to_ns(ms(200))},
     "connect() returns; final ACK deferred up to 200ms (TCP_DEFER_ACCEPT on the connecting socket, tcp_rcv_synsent_state_process)"},
    {Reason{.kind = ReasonKind::deferred_ack_sent},
     "deferred final ACK sent by the delayed-ACK timer (tcp_delack_timer)"},
    {Reason{.kind = ReasonKind::deferred_ack_on_data},
     "the deferred final ACK rides on the data"},
    {Reason{.kind = ReasonKind::loss_probe},
     "tail loss probe: the unacked request sent again (tcp_send_loss_probe)"},
    {Reason{.kind = ReasonKind::syn_retries_exhausted, .a = 6},
     "connect() gives up after 6 SYN retransmissions: ETIMEDOUT (tcp_write_timeout)"},
    {Reason{.kind = ReasonKind::data_retries_exhausted, .n = 15},
     "data retransmissions exhausted (tcp_retries2=15): ETIMEDOUT (tcp_write_timeout)"},
    {Reason{.kind = ReasonKind::rto_retransmit, .a = 2, .n = to_ns(ms(416))},
     "RTO #2: the unacked request sent again, rto was 416ms (tcp_retransmit_timer)"},
    {Reason{.kind = ReasonKind::challenge_ack_suppressed, .n = 500},
     "challenge ACK suppressed: one per 500 ms (tcp_oow_rate_limited)"},
    {Reason{.kind = ReasonKind::challenge_ack},
     "the client is ESTABLISHED and answers the retransmitted SYN-ACK with a challenge ACK (tcp_validate_incoming -> tcp_send_challenge_ack)"},
    {Reason{.kind = ReasonKind::connection_reset},
     "RST at rcv_nxt: connection reset, ECONNRESET (tcp_reset)"},
    {Reason{.kind = ReasonKind::dsack_duplicate_ack},
     "the client is ESTABLISHED: the retransmitted SYN-ACK is an old segment, answered at once with a duplicate ACK carrying a D-SACK block (tcp_data_queue -> tcp_dsack_set)"},
    {Reason{.kind = ReasonKind::linger_rst_close},
     "close with SO_LINGER {1,0}: RST (tcp_send_active_reset)"},
    {Reason{.kind = ReasonKind::child_reset},
     "RST from the client: server socket closed (tcp_reset)"},
    {Reason{.kind = ReasonKind::request_queued, .a = 5},
     "5 request bytes queued on the server socket (not accepted yet)"},
    {Reason{.kind = ReasonKind::request_queued, .flag = true, .a = 100},
     "100 request bytes queued on the server socket"},
    {Reason{.kind = ReasonKind::link_dropped},
     "dropped on the link (scenario link rule)"},
    {Reason{.kind = ReasonKind::link_held, .n = to_ns(ms(5))},
     "held 5ms on the link (scenario link rule)"},
    {Reason{.kind = ReasonKind::backlog_full_dropped, .n = 100},
     "loopback backlog full (100 packets, net.core.netdev_max_backlog): dropped (enqueue_to_backlog)"},
    {Reason{.kind = ReasonKind::request_stalled, .n = 20'553'000, .m = 520'507'000},
     "=> the request waited 499.954ms between its first transmission (0.020553) and its delivery to the server application (0.520507)"},
    {Reason{.kind = ReasonKind::request_never_delivered, .outcome = ConnectionOutcome::reset, .n = 20'553'000},
     "=> the request sent at 0.020553 was never delivered (reset)"},
    {Reason{.kind = ReasonKind::sockets_while_waiting, .a = 5, .b = 0, .c = 1, .d = 3, .n = 80'009'000,
            .m = 6'912'001'000},
     "=> netstat while it waited, longest from 0.080009 to 6.912001: client Send-Q 5, server Recv-Q 0 (ESTABLISHED / SYN_RECV)"},
    // A SYN cookie: no server socket (CLOSE); a state number no kernel has.
    {Reason{.kind = ReasonKind::sockets_while_waiting, .a = 5, .c = 1, .d = 7, .n = 1'000, .m = 2'000},
     "=> netstat while it waited, longest from 0.000001 to 0.000002: client Send-Q 5, no server socket (ESTABLISHED / none)"},
    {Reason{.kind = ReasonKind::sockets_while_waiting, .a = 5, .b = 1, .c = 12, .d = 0, .n = 1'000, .m = 2'000},
     "=> netstat while it waited, longest from 0.000001 to 0.000002: client Send-Q 5, server Recv-Q 1 (? / ?)"},
    {Reason{.kind = ReasonKind::kernel_port_range_set, .a = 40000, .b = 40063, .n = 32768, .m = 60999},
     "kernel: net.ipv4.ip_local_port_range set to 40000 40063 (64 ports) in the namespace, as asked (default 32768 60999)"},
    {Reason{.kind = ReasonKind::kernel_port_range_widened, .a = 40000, .c = 1024, .d = 65535, .n = 32768, .m = 60999},
     "kernel: net.ipv4.ip_local_port_range widened in the namespace from 32768 60999 (28232 ports) to 1024 65535 (64512 ports): the scenario may hold about 40000 ephemeral ports at once (connections the client closes with FIN keep theirs in TIME_WAIT, reusable after ~1 s on loopback)"},
    // The namespace's range unreadable: printed as PortRange holds it.
    {Reason{.kind = ReasonKind::kernel_port_range_widened, .a = 70000, .c = 1024, .d = 65535, .n = 0, .m = -1},
     "kernel: net.ipv4.ip_local_port_range widened in the namespace from 0 -1 (0 ports) to 1024 65535 (64512 ports): the scenario may hold about 70000 ephemeral ports at once (connections the client closes with FIN keep theirs in TIME_WAIT, reusable after ~1 s on loopback)"},
    {Reason{.kind = ReasonKind::kernel_sockets_unread, .text = "sock_diag: Protocol not supported"},
     "kernel: the sockets could not be listed at the end of the run (sock_diag: Protocol not supported); netstat shows the listener alone"},
    {Reason{.kind = ReasonKind::kernel_syn_retransmitted, .a = 1},
     "kernel: SYN retransmitted (#1)"},
    {Reason{.kind = ReasonKind::kernel_synack_retransmitted, .a = 2},
     "kernel: SYN-ACK retransmitted (#2): the request is still in the SYN queue"},
    {Reason{.kind = ReasonKind::kernel_challenge_ack},
     "kernel: the client answers the retransmitted SYN-ACK with an ACK (challenge ACK)"},
    {Reason{.kind = ReasonKind::kernel_challenge_ack, .flag = true},
     "kernel: the client answers the retransmitted SYN-ACK with a duplicate ACK carrying a D-SACK block (tcp_data_queue -> tcp_dsack_set)"},
    {Reason{.kind = ReasonKind::kernel_request_retransmitted, .a = 3},
     "kernel: request retransmitted (#3)"},
    {Reason{.kind = ReasonKind::kernel_request_retransmitted, .a = 2, .n = to_ns(ms(440))},
     "kernel: request retransmitted (#2, 440ms after the previous transmission)"},
    {Reason{.kind = ReasonKind::kernel_server_rst},
     "kernel: the server answered with RST"},
    {Reason{.kind = ReasonKind::kernel_client_rst},
     "kernel: the client sent RST"},
    {Reason{.kind = ReasonKind::kernel_capture_lost, .n = 12},
     "kernel: the capture lost 12 packets (buffer full); the timeline is incomplete"},
    {Reason{.kind = ReasonKind::kernel_request_written},
     "the client writes its request"},
    {Reason{.kind = ReasonKind::kernel_socket_error, .call = SocketCall::read, .a = 104, .text = "ECONNRESET"},
     "kernel: ECONNRESET on read()"},
    {Reason{.kind = ReasonKind::kernel_server_read_error, .a = 104, .text = "ECONNRESET"},
     "kernel: server read(): ECONNRESET"},
    {Reason{.kind = ReasonKind::wire_dropped},
     "wire: dropped on the link (scenario link rule)"},
    {Reason{.kind = ReasonKind::wire_held, .n = to_ns(ms(100))},
     "wire: held 100ms on the link (scenario link rule)"},
    {Reason{.kind = ReasonKind::capture_syn_dropped, .a = 2, .d = 90},
     "2 SYNs unanswered: the listener dropped them (accept queue full: tcp_conn_request; or SYN queue full with tcp_syncookies=0: tcp_syn_flood_action); the capture cannot tell which [inferred from the capture, confidence 90%]"},
    {Reason{.kind = ReasonKind::capture_syncookie, .a = 5, .d = 75},
     "syncookie SYN-ACK: the server kept no request (its SYN-ACK never retransmitted while 5 segments of the client went unanswered); each ACK carrying the cookie met a full accept queue and left no state: the client must send again (cookie_v4_check -> tcp_get_cookie_sock -> tcp_v4_syn_recv_sock) [inferred from the capture, confidence 75%]"},
    {Reason{.kind = ReasonKind::capture_final_ack_dropped, .flag = true, .a = 3, .d = 90},
     "the server retransmits its SYN-ACK to an established client: the final ACK and the data after it never created the child; accept queue full: 3 segments dropped, request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow) [inferred from the capture, confidence 90%]"},
    {Reason{.kind = ReasonKind::capture_final_ack_dropped, .a = 1, .c = 1, .d = 60},
     "the server retransmits its SYN-ACK to an established client: the final ACK never created the child; accept queue full: 1 segment dropped, request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow); or TCP_DEFER_ACCEPT on the listener (no data to tell them apart) [inferred from the capture, confidence 60%]"},
    {Reason{.kind = ReasonKind::capture_abort_on_overflow, .flag = true, .d = 85},
     "the server resets the handshake at the final ACK (RST without ACK at its ack_seq): tcp_abort_on_overflow=1 and the accept queue full (tcp_check_req embryonic_reset) [inferred from the capture, confidence 85%]"},
    {Reason{.kind = ReasonKind::capture_request_expired, .flag = true, .a = 2, .d = 85},
     "the server gave up the request after 2 SYN-ACK retransmissions (net.ipv4.tcp_synack_retries=2): removed silently, the client's next segment answered with RST (reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put) [inferred from the capture, confidence 85%]"},
    {Reason{.kind = ReasonKind::capture_acceptq_ignored, .flag = true, .a = 2, .d = 85},
     "the final ACK and the data after it went unanswered until a retransmission got in, and no SYN-ACK was retransmitted meanwhile: a full accept queue dropped 2 segments (ListenOverflows), each either a syncookie's ACK (cookie_v4_check -> tcp_get_cookie_sock) or one for a request whose SYN-ACK timer had not fired yet (tcp_v4_syn_recv_sock -> listen_overflow); the capture cannot tell which [inferred from the capture, confidence 85%]"},
    {Reason{.kind = ReasonKind::saved, .text = "whatever a saved outcome said"},
     "whatever a saved outcome said"},
    {Reason{.kind = ReasonKind::none},
     ""},
  };
  return all;
}

TEST(ReasonText, EachReasonHasItsWords) {
  for (const Words& w : every_reason()) {
    EXPECT_EQ(reason_text(w.reason), w.words) << outcome::to_string(w.reason.kind);
  }
}

TEST(ReasonText, EveryKindIsWorded) {
  std::set<ReasonKind> seen;
  for (const Words& w : every_reason()) seen.insert(w.reason.kind);
  for (auto k = static_cast<int>(ReasonKind::none); k <= static_cast<int>(ReasonKind::saved); ++k) {
    EXPECT_TRUE(seen.count(static_cast<ReasonKind>(k))) << outcome::to_string(static_cast<ReasonKind>(k));
  }
}

// Every kind says which kernel function it mirrors (or where it comes from).
TEST(ReasonText, EveryKindNamesItsKernelFunction) {
  for (const Words& w : every_reason()) EXPECT_STRNE(outcome::kernel_function(w.reason.kind), "?");
}

// What makes a connection worth explaining: any reason but its ordinary
// steps (child created on the first try, request queued, scripted RST close)
// and an explanation's own first and last lines.
TEST(ReasonMeaning, OnlyAConnectionsOrdinaryStepsAreNotIncidents) {
  const std::set<ReasonKind> ordinary = {ReasonKind::none,
                                         ReasonKind::request_queued,
                                         ReasonKind::child_created,
                                         ReasonKind::child_created_2_5,
                                         ReasonKind::linger_rst_close,
                                         ReasonKind::request_stalled,
                                         ReasonKind::request_never_delivered,
                                         ReasonKind::sockets_while_waiting,
                                         ReasonKind::kernel_request_written};
  for (const Words& w : every_reason()) {
    EXPECT_EQ(outcome::is_incident(w.reason), !ordinary.count(w.reason.kind)) << outcome::to_string(w.reason.kind);
  }
}

TEST(ReasonText, AnnotationAfterItsPacketSaysWhen) {
  outcome::Annotation a{3, Reason{.kind = ReasonKind::request_expired, .a = 2}, "x#0", at_ns(7'168'000'000)};
  EXPECT_EQ(annotation_text(a),
            "at 7.168000: request expired after 2 SYN-ACK retransmissions: removed silently, no RST "
            "(reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put)");
  a.at.reset();
  EXPECT_EQ(annotation_text(a).substr(0, 15), "request expired");
}

TEST(ReasonText, ExplanationStepStartsWithItsTime) {
  const outcome::ExplanationStep step{at_ns(20'556'000), Reason{.kind = ReasonKind::abort_on_overflow_rst}};
  EXPECT_EQ(step_text(step), "0.020556 tcp_abort_on_overflow=1: handshake reset (tcp_check_req embryonic_reset)");
  const outcome::ExplanationStep end{std::nullopt, Reason{.kind = ReasonKind::request_never_delivered,
                                                          .outcome = ConnectionOutcome::timed_out,
                                                          .n = 1'000'000}};
  EXPECT_EQ(step_text(end), "=> the request sent at 0.001000 was never delivered (timed_out)");
}

// A saved outcome's words keep the facts the timeline draws from them.
TEST(ReasonText, SavedWordsKeepTheirFacts) {
  const Reason drop = saved_reason("wire: dropped on the link (scenario link rule)");
  EXPECT_EQ(drop.kind, ReasonKind::saved);
  EXPECT_TRUE(outcome::is_drop(drop));
  EXPECT_FALSE(outcome::names_duplicate_ack(drop));
  EXPECT_TRUE(outcome::names_duplicate_ack(
      saved_reason("kernel: the client answers the retransmitted SYN-ACK with an ACK (challenge ACK)")));
  EXPECT_TRUE(outcome::is_conclusion(saved_reason("=> the request sent at 0.001000 was never delivered (reset)")));
  EXPECT_FALSE(outcome::is_drop(saved_reason("kernel: request retransmitted (#1)")));
  // For every reason, its words read back carry the same facts as the reason.
  for (const Words& w : every_reason()) {
    const Reason back = saved_reason(reason_text(w.reason));
    EXPECT_EQ(outcome::is_drop(back), outcome::is_drop(w.reason)) << w.words;
    EXPECT_EQ(outcome::names_duplicate_ack(back), outcome::names_duplicate_ack(w.reason)) << w.words;
    EXPECT_EQ(outcome::is_conclusion(back), outcome::is_conclusion(w.reason)) << w.words;
  }
}

}  // namespace
}  // namespace synsim::report
