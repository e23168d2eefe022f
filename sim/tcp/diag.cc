#include "sim/tcp/diag.h"

namespace synsim::tcp {

namespace {

using outcome::SocketView;
using outcome::TcpState;

// After close(): FIN_WAIT1 until our FIN is acked, then FIN_WAIT2; with the
// peer's FIN too, CLOSING or TIME_WAIT when we closed first (tcp_fin() in
// FIN_WAIT1 / FIN_WAIT2), LAST_ACK or gone when the peer did
// (tcp_close_state() from CLOSE_WAIT).
TcpState after_close(bool fin_received, bool fin_first, bool fin_acked) {
  if (!fin_received) return fin_acked ? TcpState::fin_wait2 : TcpState::fin_wait1;
  if (fin_first) return fin_acked ? TcpState::time_wait : TcpState::closing;
  return fin_acked ? TcpState::close : TcpState::last_ack;
}

// tcp_diag_get_info() for a full socket: Recv-Q = rcv_nxt - copied_seq,
// Send-Q = write_seq - snd_una. The model sends what is written at once
// (no window or Nagle holds anything back), so its snd_nxt is the
// kernel's write_seq, SYN and FIN included (tcp_connect_queue_skb() and
// tcp_send_fin() advance write_seq for them). A TIME_WAIT sock and a closed
// one report no queues (get_timewait4_sock() prints 0:0).
SocketView full_socket(TcpState state, std::uint32_t rcv_nxt, std::uint32_t copied_seq, std::uint32_t snd_nxt,
                       std::uint32_t snd_una) {
  SocketView v;
  v.state = state;
  if (state == TcpState::time_wait || state == TcpState::close) return v;
  v.recv_q = rcv_nxt - copied_seq;
  v.send_q = snd_nxt - snd_una;
  return v;
}

}  // namespace

outcome::SocketView client_view(const Conn& k) {
  const ClientSock& s = k.client;
  const bool fin_acked = s.snd_una == s.snd_nxt;
  switch (s.state) {
    case ClientState::closed:
      return SocketView{};
    case ClientState::syn_sent:
      // Send-Q 1: the SYN (ss shows "SYN-SENT 0 1"); nothing received yet.
      return full_socket(TcpState::syn_sent, 0, 0, s.snd_nxt, s.snd_una);
    case ClientState::established:
      return full_socket(s.fin_received ? TcpState::close_wait : TcpState::established, s.rcv_nxt, s.copied_seq,
                         s.snd_nxt, s.snd_una);
    case ClientState::fin_wait:
      return full_socket(after_close(s.fin_received, s.fin_first, fin_acked), s.rcv_nxt, s.copied_seq, s.snd_nxt,
                         s.snd_una);
    case ClientState::done:
      // Gone (reset, refused, timed out, closed in SYN_SENT, closed last),
      // or in TIME_WAIT after closing first.
      if (s.error == SockError::none && s.fin_sent && s.fin_first && s.fin_received && fin_acked) {
        return SocketView{TcpState::time_wait, false, 0, 0};
      }
      return SocketView{};
  }
  return SocketView{};
}

outcome::SocketView server_view(const Conn& k) {
  const ChildSock& ch = k.child;
  if (ch.state == ChildState::established) {
    TcpState state = ch.fin_received ? TcpState::close_wait : TcpState::established;
    if (ch.fin_sent) state = after_close(ch.fin_received, ch.fin_first, ch.snd_una == ch.snd_nxt);
    SocketView v = full_socket(state, ch.rcv_nxt, ch.copied_seq, ch.snd_nxt, ch.snd_una);
    v.accepted = ch.accepted;
    return v;
  }
  // A reset child (ChildState::closed) is unhashed: not listed.
  if (ch.state == ChildState::none && k.req.live) return SocketView{TcpState::syn_recv, false, 0, 0};
  return SocketView{};
}

}  // namespace synsim::tcp
