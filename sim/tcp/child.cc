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
//
// The child's RTT: its first sample is taken as it becomes ESTABLISHED, from
// the segment that created it (child_established); its close leaves its srtt
// for later connections (metrics.cc). A child created late, by a segment
// that echoes an old SYN-ACK, starts with the whole wait as its RTT.
#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

// Linux: tcp_rcv_state_process() in SYN_RECV for the segment that created
// the child, net/ipv4/tcp_input.c: its first RTT sample, then
// tcp_init_metrics(). 2.x: "tcp_ack considers this ACK as duplicate and does
// not calculate rtt. Fix it at least with timestamps": m = tcp_time_stamp -
// rcv_tsecr, the age of the SYN-ACK the segment echoes (2.4.20, 2.6.11).
// 6.x: tcp_synack_rtt_meas(): the time since the first SYN-ACK
// (tcp_rsk(req)->snt_synack) if none was retransmitted (req->num_retrans),
// otherwise (and for a cookie) the timestamp echo.
void Stack::child_established(std::uint32_t conn, const Segment& seg, bool from_cookie) {
  Conn& c = sock(conn);
  ChildSock& ch = c.child;
  const bool echo = seg.has_ts && seg.ts_ecr != 0;
  const std::int64_t echo_ms =
      echo ? std::max<std::int64_t>(0, static_cast<std::int32_t>(ts_now(ch.ts_off) - seg.ts_ecr)) : -1;
  std::int64_t m = -1;
  if (rules().rtt_clock == profile::RttClock::jiffies) {
    if (echo) m = static_cast<std::int64_t>(clock_.to_jiffies(ms(echo_ms)));
  } else if (!from_cookie && c.req.num_retrans == 0 && c.req.snt_synack) {
    m = (to_ns(now_) - to_ns(*c.req.snt_synack)) / 1000;
  } else if (echo) {
    m = std::max<std::int64_t>(echo_ms, 1) * 1000;  // tcp_rtt_tsopt_us(tp, 1)
  }
  if (m >= 0) {
    rtt_estimator(ch.rtt, m, ch.snd_una, ch.snd_nxt);
    ch.rto = rto_from(ch.rtt);
  }
  tcp_init_metrics(ch.rtt, ch.rto, seg.has_ts, ch.snd_nxt);
}

// Linux: tcp_ack() on the child: snd_una advances, tcp_clean_rtx_queue()
// takes an RTT sample; once its FIN is acked the closed child goes to
// TIME_WAIT (tcp_time_wait(), also as a FIN_WAIT2 timewait socket) or from
// LAST_ACK to CLOSE, and tcp_update_metrics() saves its RTT.
void Stack::child_ack(std::uint32_t conn, const Segment& seg) {
  ChildSock& ch = sock(conn).child;
  if (ack_update(ch, seg) == AckUpdate::none) return;
  save_metrics_once(ch, 0);  // the child never retransmits: icsk_backoff 0
}

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
  child_ack(conn, seg);
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
  ch.unacked.push_back(SentSegment{.end_seq = ch.snd_nxt, .sent = now_});
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
  ch.unacked.push_back(SentSegment{.end_seq = ch.snd_nxt, .sent = now_});
  xmit(f, {});
}

}  // namespace synsim::tcp
