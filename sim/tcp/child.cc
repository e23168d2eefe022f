// The server's established child socket: the request arrives, the response
// and the FIN go back.
//
// Read first: net/ipv4/tcp_input.c tcp_rcv_state_process() (SYN_RECV ->
// ESTABLISHED for the segment that created the child, step 7 queues its
// payload) and tcp_data_queue(). A fresh child is in quickack mode
// (icsk_ack.ato == 0 -> tcp_incr_quickack), so it ACKs data at once
// (kernel-handshake.md §8: 29-34 us in M-lab).
//
// Deviation: after the handshake the loopback path loses nothing, so the
// server's response and FIN are sent once and never retransmitted.
#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

// Linux: tcp_rcv_established() -> tcp_validate_incoming(), tcp_ack(),
// tcp_data_queue(), net/ipv4/tcp_input.c: the accepted (or still queued)
// child receiving a segment of its connection.
void Stack::child_rcv(std::uint32_t conn, Segment& seg) {
  Conn& c = sock(conn);
  ChildSock& ch = c.child;
  if (seg.flags & kRst) {
    ch.state = ChildState::closed;
    note(conn, because(ReasonKind::child_reset));
    observer_.on_child_reset(conn);
    return;
  }
  if (seg.has_ts) ch.ts_recent = seg.ts_val;
  // tcp_ack(): snd_una advances (what the child sent is never lost, so
  // nothing else follows from it).
  if ((seg.flags & kAck) && seq::after(seg.ack, ch.snd_una) && !seq::after(seg.ack, ch.snd_nxt)) {
    ch.snd_una = seg.ack;
  }
  bool ack_now = false;
  bool delivered = false;
  if (seg.len > 0) {
    if (seg.seq == ch.rcv_nxt) {
      ch.rcv_nxt += seg.len;
      ch.bytes_received += seg.len;
      delivered = true;
    } else if (seq::before(seg.seq, ch.rcv_nxt)) {
      // tcp_data_queue(): "A retransmit, 2nd most common case": D-SACK and
      // an immediate ACK.
      counters_.inc(Mib::TcpExtDelayedACKLost);
      if (sys_.tcp_sack && sys_.tcp_dsack) counters_.inc(Mib::TcpExtTCPDSACKOldSent);
    }
    ack_now = true;
  }
  if ((seg.flags & kFin) && !ch.fin_received && seg.seq + seg.len == ch.rcv_nxt) {
    ch.rcv_nxt += 1;
    ch.fin_received = true;
    // tcp_fin(): after our own FIN, ACK at once; in ESTABLISHED the ACK is
    // delayed (pingpong) and the application's close sends FIN|ACK first.
    // Deviation: a child nobody has accepted ACKs at once instead of after
    // its delayed-ACK timer.
    if (ch.fin_sent || !ch.accepted) ack_now = true;
  }
  if (ack_now) {
    Segment ack = make_segment(conn, false);
    ack.flags = kAck;
    ack.seq = ch.snd_nxt;
    ack.ack = ch.rcv_nxt;
    xmit(ack, {});
  }
  if (delivered) {
    note(conn, Reason{.kind = ReasonKind::request_queued, .flag = ch.accepted, .a = seg.len});
    child_data_ready(conn);
  }
  if ((seg.flags & kFin) && ch.fin_received) observer_.on_child_fin(conn);
}

void Stack::child_data_ready(std::uint32_t conn) {
  const ChildSock& ch = sock(conn).child;
  if (ch.accepted) observer_.on_child_data(conn, ch.bytes_received);
}

void Stack::child_send(std::uint32_t conn, std::uint32_t bytes) {
  if (released(conn)) return;  // a closed socket
  ChildSock& ch = sock(conn).child;
  if (ch.state != ChildState::established || ch.fin_sent || bytes == 0) return;
  Segment d = make_segment(conn, false);
  d.flags = kAck | kPsh;
  d.seq = ch.snd_nxt;
  d.ack = ch.rcv_nxt;
  d.len = bytes;
  ch.snd_nxt += bytes;
  xmit(d, {});
}

// Linux: tcp_recvmsg() on the child, as Stack::read() on the client.
void Stack::child_read(std::uint32_t conn) {
  if (released(conn)) return;
  ChildSock& ch = sock(conn).child;
  if (ch.state == ChildState::established) ch.copied_seq = ch.rcv_nxt;
}

void Stack::close_child(std::uint32_t conn) {
  if (released(conn)) return;
  ChildSock& ch = sock(conn).child;
  if (ch.state != ChildState::established || ch.fin_sent) return;
  Segment f = make_segment(conn, false);
  f.flags = kFin | kAck;
  f.seq = ch.snd_nxt;
  f.ack = ch.rcv_nxt;
  ch.snd_nxt += 1;
  ch.fin_sent = true;
  ch.fin_first = !ch.fin_received;  // the active closer ends in TIME_WAIT
  xmit(f, {});
}

}  // namespace synsim::tcp
