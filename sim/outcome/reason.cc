#include "sim/outcome/reason.h"

#include <fmt/format.h>

#include "sim/outcome/enum_names.h"
#include "sim/outcome/outcome.h"

namespace synsim::outcome {

namespace {

enum Trait : std::uint8_t {
  kIncident = 1,
  kDrop = 2,
  kDuplicateAck = 4,
  kConclusion = 8,
  kSaved = 16,  // the facts are in the saved reason's own bits (ReasonKind::saved)
};

struct Traits {
  const char* name;
  const char* function;
  std::uint8_t traits;
};

// Each kind's name, kernel function and meaning, one line a kind.
// Incident: everything but the ordinary steps of a connection (its child
// created on the first try, its request queued, a scripted RST close) and an
// explanation's own first and last lines. Drop and duplicate ACK: what the
// timeline marks on the packet the reason is noted under.
constexpr Traits traits(ReasonKind k) {
  switch (k) {
    case ReasonKind::none: return {"none", "synsim", 0};
    case ReasonKind::no_listener_rst: return {"no_listener_rst", "tcp_v4_send_reset", kIncident};
    case ReasonKind::listen_rst_dropped: return {"listen_rst_dropped", "tcp_rcv_state_process", kIncident | kDrop};
    case ReasonKind::listen_ack_rst: return {"listen_ack_rst", "tcp_rcv_state_process -> tcp_v4_send_reset", kIncident};
    case ReasonKind::listen_segment_dropped: return {"listen_segment_dropped", "tcp_v4_do_rcv", kIncident | kDrop};
    case ReasonKind::syn_dropped_synq_full: return {"syn_dropped_synq_full", "tcp_conn_request -> tcp_syn_flood_action", kIncident | kDrop};
    case ReasonKind::syn_dropped_acceptq_full: return {"syn_dropped_acceptq_full", "tcp_conn_request", kIncident | kDrop};
    case ReasonKind::syn_dropped_synq_last_quarter: return {"syn_dropped_synq_last_quarter", "tcp_conn_request", kIncident | kDrop};
    case ReasonKind::syncookie_synack: return {"syncookie_synack", "tcp_conn_request -> cookie_v4_init_sequence", kIncident};
    case ReasonKind::synack_rtx_for_syn: return {"synack_rtx_for_syn", "tcp_check_req -> inet_rtx_syn_ack", kIncident};
    case ReasonKind::synack_rate_limited: return {"synack_rate_limited", "tcp_check_req -> tcp_oow_rate_limited", kIncident};
    case ReasonKind::request_bad_ack_rst: return {"request_bad_ack_rst", "tcp_check_req", kIncident};
    case ReasonKind::request_oow_ack_rate_limited: return {"request_oow_ack_rate_limited", "tcp_check_req -> tcp_oow_rate_limited", kIncident};
    case ReasonKind::request_oow_ack: return {"request_oow_ack", "tcp_check_req -> tcp_v4_reqsk_send_ack", kIncident};
    case ReasonKind::request_rst_challenge_ack: return {"request_rst_challenge_ack", "tcp_check_req", kIncident | kDuplicateAck};
    case ReasonKind::request_syn_rst: return {"request_syn_rst", "tcp_check_req", kIncident};
    case ReasonKind::request_removed: return {"request_removed", "tcp_check_req", kIncident};
    case ReasonKind::request_no_ack_dropped: return {"request_no_ack_dropped", "tcp_check_req", kIncident | kDrop};
    case ReasonKind::defer_accept_ack_dropped: return {"defer_accept_ack_dropped", "tcp_check_req", kIncident | kDrop};
    case ReasonKind::abort_on_overflow_rst: return {"abort_on_overflow_rst", "tcp_check_req", kIncident};
    case ReasonKind::child_created: return {"child_created", "tcp_check_req -> inet_csk_complete_hashdance", 0};
    case ReasonKind::acceptq_full_request_kept: return {"acceptq_full_request_kept", "tcp_v4_syn_recv_sock", kIncident | kDrop};
    case ReasonKind::acceptq_full_abort: return {"acceptq_full_abort", "tcp_v4_syn_recv_sock", kIncident | kDrop};
    case ReasonKind::acceptq_full_cookie_dropped: return {"acceptq_full_cookie_dropped", "cookie_v4_check -> tcp_get_cookie_sock -> tcp_v4_syn_recv_sock", kIncident | kDrop};
    case ReasonKind::cookie_child_created: return {"cookie_child_created", "cookie_v4_check", kIncident};
    case ReasonKind::synack_retransmit: return {"synack_retransmit", "reqsk_timer_handler", kIncident};
    case ReasonKind::request_expired: return {"request_expired", "reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put", kIncident};
    case ReasonKind::syn_dropped_synq_full_2_5: return {"syn_dropped_synq_full_2_5", "tcp_v4_conn_request", kIncident | kDrop};
    case ReasonKind::syn_dropped_acceptq_full_2_5: return {"syn_dropped_acceptq_full_2_5", "tcp_v4_conn_request", kIncident | kDrop};
    case ReasonKind::syn_dropped_synq_last_quarter_2_5: return {"syn_dropped_synq_last_quarter_2_5", "tcp_v4_conn_request", kIncident | kDrop};
    case ReasonKind::syncookie_synack_2_5: return {"syncookie_synack_2_5", "tcp_v4_conn_request -> cookie_v4_init_sequence", kIncident};
    case ReasonKind::synack_while_acceptq_full_2_5: return {"synack_while_acceptq_full_2_5", "tcp_v4_conn_request", kIncident};
    case ReasonKind::synack_rtx_for_syn_2_5: return {"synack_rtx_for_syn_2_5", "tcp_check_req -> rtx_syn_ack", kIncident};
    case ReasonKind::request_oow_ack_2_5: return {"request_oow_ack_2_5", "tcp_check_req", kIncident};
    case ReasonKind::request_removed_2_5: return {"request_removed_2_5", "tcp_check_req", kIncident};
    case ReasonKind::defer_accept_ack_dropped_2_5: return {"defer_accept_ack_dropped_2_5", "tcp_check_req", kIncident | kDrop};
    case ReasonKind::child_created_2_5: return {"child_created_2_5", "tcp_check_req -> tcp_acceptq_queue", 0};
    case ReasonKind::synack_sweep_retransmit_2_5: return {"synack_sweep_retransmit_2_5", "tcp_synack_timer", kIncident};
    case ReasonKind::request_dropped_2_5: return {"request_dropped_2_5", "tcp_synack_timer", kIncident | kDrop};
    case ReasonKind::cookie_child_created_2_5: return {"cookie_child_created_2_5", "cookie_v4_check", kIncident};
    case ReasonKind::no_ephemeral_port: return {"no_ephemeral_port", "__inet_hash_connect", kIncident};
    case ReasonKind::syn_retransmit: return {"syn_retransmit", "tcp_retransmit_timer", kIncident};
    case ReasonKind::closed_socket_segment: return {"closed_socket_segment", "tcp_v4_rcv", kIncident};
    case ReasonKind::synack_bad_ack_dropped: return {"synack_bad_ack_dropped", "tcp_rcv_synsent_state_process", kIncident | kDrop};
    case ReasonKind::connect_refused: return {"connect_refused", "tcp_reset", kIncident};
    case ReasonKind::final_ack_deferred: return {"final_ack_deferred", "tcp_rcv_synsent_state_process", kIncident};
    case ReasonKind::deferred_ack_sent: return {"deferred_ack_sent", "tcp_delack_timer", kIncident};
    case ReasonKind::deferred_ack_on_data: return {"deferred_ack_on_data", "tcp_write_xmit", kIncident};
    case ReasonKind::loss_probe: return {"loss_probe", "tcp_send_loss_probe", kIncident};
    case ReasonKind::syn_retries_exhausted: return {"syn_retries_exhausted", "tcp_write_timeout", kIncident};
    case ReasonKind::data_retries_exhausted: return {"data_retries_exhausted", "tcp_write_timeout", kIncident};
    case ReasonKind::rto_retransmit: return {"rto_retransmit", "tcp_retransmit_timer", kIncident};
    case ReasonKind::challenge_ack_suppressed: return {"challenge_ack_suppressed", "tcp_oow_rate_limited", kIncident | kDuplicateAck};
    case ReasonKind::challenge_ack: return {"challenge_ack", "tcp_validate_incoming -> tcp_send_challenge_ack", kIncident | kDuplicateAck};
    case ReasonKind::connection_reset: return {"connection_reset", "tcp_reset", kIncident};
    case ReasonKind::dsack_duplicate_ack: return {"dsack_duplicate_ack", "tcp_data_queue -> tcp_dsack_set", kIncident | kDuplicateAck};
    case ReasonKind::linger_rst_close: return {"linger_rst_close", "tcp_send_active_reset", 0};
    case ReasonKind::child_reset: return {"child_reset", "tcp_reset", kIncident};
    case ReasonKind::request_queued: return {"request_queued", "tcp_data_queue", 0};
    case ReasonKind::link_dropped: return {"link_dropped", "scenario link rule", kIncident | kDrop};
    case ReasonKind::link_held: return {"link_held", "scenario link rule", kIncident};
    case ReasonKind::backlog_full_dropped: return {"backlog_full_dropped", "enqueue_to_backlog", kIncident | kDrop};
    case ReasonKind::request_stalled: return {"request_stalled", "synsim", kConclusion};
    case ReasonKind::request_never_delivered: return {"request_never_delivered", "synsim", kConclusion};
    case ReasonKind::sockets_while_waiting: return {"sockets_while_waiting", "tcp_diag_get_info", kConclusion};
    case ReasonKind::kernel_port_range_set: return {"kernel_port_range_set", "synsim kernel runner", kIncident};
    case ReasonKind::kernel_port_range_widened: return {"kernel_port_range_widened", "synsim kernel runner", kIncident};
    case ReasonKind::kernel_syn_retransmitted: return {"kernel_syn_retransmitted", "capture", kIncident};
    case ReasonKind::kernel_synack_retransmitted: return {"kernel_synack_retransmitted", "capture", kIncident};
    case ReasonKind::kernel_challenge_ack: return {"kernel_challenge_ack", "capture", kIncident | kDuplicateAck};
    case ReasonKind::kernel_request_retransmitted: return {"kernel_request_retransmitted", "capture", kIncident};
    case ReasonKind::kernel_server_rst: return {"kernel_server_rst", "capture", kIncident};
    case ReasonKind::kernel_client_rst: return {"kernel_client_rst", "capture", kIncident};
    case ReasonKind::kernel_capture_lost: return {"kernel_capture_lost", "capture", kIncident};
    case ReasonKind::kernel_sockets_unread: return {"kernel_sockets_unread", "sock_diag", kIncident};
    case ReasonKind::kernel_request_written: return {"kernel_request_written", "application", 0};
    case ReasonKind::kernel_socket_error: return {"kernel_socket_error", "application", kIncident};
    case ReasonKind::kernel_server_read_error: return {"kernel_server_read_error", "application", kIncident};
    case ReasonKind::wire_dropped: return {"wire_dropped", "scenario link rule", kIncident | kDrop};
    case ReasonKind::wire_held: return {"wire_held", "scenario link rule", kIncident};
    case ReasonKind::capture_syn_dropped: return {"capture_syn_dropped", "tcp_conn_request", kIncident | kDrop};
    case ReasonKind::capture_syncookie: return {"capture_syncookie", "tcp_conn_request -> cookie_v4_init_sequence", kIncident};
    case ReasonKind::capture_final_ack_dropped: return {"capture_final_ack_dropped", "tcp_v4_syn_recv_sock -> listen_overflow", kIncident | kDrop};
    case ReasonKind::capture_abort_on_overflow: return {"capture_abort_on_overflow", "tcp_check_req embryonic_reset", kIncident};
    case ReasonKind::capture_request_expired: return {"capture_request_expired", "reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put", kIncident};
    case ReasonKind::capture_acceptq_ignored: return {"capture_acceptq_ignored", "tcp_v4_syn_recv_sock -> listen_overflow", kIncident | kDrop};
    case ReasonKind::saved: return {"saved", "saved outcome", kSaved};
  }
  return {"?", "?", 0};
}

bool has(const Reason& r, Trait t, SavedFact saved) {
  const std::uint8_t tr = traits(r.kind).traits;
  if (tr & kSaved) return t == kIncident || (r.a & saved) != 0;
  return (tr & t) != 0;
}

}  // namespace

const char* kernel_function(ReasonKind k) { return traits(k).function; }
const char* to_string(ReasonKind k) { return traits(k).name; }

const char* to_string(SegmentWord w) {
  switch (w) {
    case SegmentWord::data_segment: return "data_segment";
    case SegmentWord::fin: return "fin";
    case SegmentWord::final_ack: return "final_ack";
    case SegmentWord::ack: return "ack";
  }
  return "?";
}

const char* to_string(SocketCall c) {
  switch (c) {
    case SocketCall::socket: return "socket";
    case SocketCall::connect: return "connect";
    case SocketCall::write: return "write";
    case SocketCall::read: return "read";
  }
  return "?";
}

template <>
std::optional<ReasonKind> from_string<ReasonKind>(std::string_view name) {
  return named(name, ReasonKind::saved);
}
template <>
std::optional<SegmentWord> from_string<SegmentWord>(std::string_view name) {
  return named(name, SegmentWord::ack);
}
template <>
std::optional<SocketCall> from_string<SocketCall>(std::string_view name) {
  return named(name, SocketCall::read);
}
template <>
std::optional<ConnectionOutcome> from_string<ConnectionOutcome>(std::string_view name) {
  return named(name, ConnectionOutcome::open_at_end);
}

std::string debug_string(const Reason& r) {
  std::string s = fmt::format("{} a={} b={} c={} d={} n={} m={}", to_string(r.kind), r.a, r.b, r.c, r.d, r.n, r.m);
  if (r.flag) s += " flag";
  if (!r.text.empty()) s += fmt::format(" '{}'", r.text);
  return s + fmt::format(" ({})", kernel_function(r.kind));
}

bool is_incident(const Reason& r) { return has(r, kIncident, SavedFact{0}); }
bool is_drop(const Reason& r) { return has(r, kDrop, kSavedDrop); }
bool names_duplicate_ack(const Reason& r) { return has(r, kDuplicateAck, kSavedDuplicateAck); }
bool is_conclusion(const Reason& r) { return has(r, kConclusion, kSavedConclusion); }

std::optional<Reason> conclusion(const ConnectionRecord& r) {
  if (!r.first_data_sent) return std::nullopt;
  if (r.data_delivered) {
    return Reason{.kind = ReasonKind::request_stalled, .n = to_ns(*r.first_data_sent), .m = to_ns(*r.data_delivered)};
  }
  return Reason{.kind = ReasonKind::request_never_delivered, .outcome = r.outcome, .n = to_ns(*r.first_data_sent)};
}

std::optional<Reason> waiting_sockets(const ConnectionRecord& r, Duration threshold, Time end) {
  if (!r.first_data_sent || (r.data_delivered && *r.data_delivered - *r.first_data_sent <= threshold)) {
    return std::nullopt;
  }
  const std::optional<WaitingSockets> w = longest_while_waiting(r, r.data_delivered.value_or(end));
  if (!w) return std::nullopt;
  return Reason{.kind = ReasonKind::sockets_while_waiting,
                .a = w->client.send_q,
                .b = w->server.recv_q,
                .c = static_cast<std::uint32_t>(w->client.state),
                .d = static_cast<std::uint32_t>(w->server.state),
                .n = to_ns(w->from),
                .m = to_ns(w->until)};
}

}  // namespace synsim::outcome
