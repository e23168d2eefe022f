// The listener: SYNs, request socks (SYN_RECV), the accept queue.
//
// Read first (linux-6.18 column of kernel-handshake.md):
//   §3.1 net/ipv4/tcp_input.c tcp_conn_request()          a SYN arrives
//   §4.1 net/ipv4/tcp_minisocks.c tcp_check_req()         anything else for a request
//        net/ipv4/tcp_ipv4.c tcp_v4_syn_recv_sock()       the accept-queue check
//   §5.1 net/ipv4/inet_connection_sock.c reqsk_timer_handler(), syn_ack_recalc()
//   §7   net/ipv4/syncookies.c cookie_v4_check()          ACKs for which no request exists
//
// The 2003 stall happens in tcp_check_req(): the client's final ACK (and its
// data) finds the accept queue full, tcp_v4_syn_recv_sock() fails, and with
// tcp_abort_on_overflow=0 the segment is dropped silently while the request
// stays in the SYN queue marked `acked`.
#include <fmt/format.h>

#include "sim/core/seq.h"
#include "sim/outcome/segment_kind.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

namespace {

// Linux: tcp_in_window(), net/ipv4/tcp_minisocks.c
bool tcp_in_window(std::uint32_t seq, std::uint32_t end_seq, std::uint32_t s_win, std::uint32_t e_win) {
  if (seq == s_win) return true;
  if (seq::after(end_seq, s_win) && seq::before(seq, e_win)) return true;
  return seq == e_win && seq == end_seq;
}

}  // namespace

// What an ACK-bearing segment reaching the listener is, in a note's words:
// its outcome::segment_kind(); the 2.6.12 notes never said "final ACK".
const char* Stack::segment_words(const Segment& s, bool name_final_ack) {
  switch (outcome::segment_kind(s.flags, s.len)) {
    case outcome::SegmentKind::data: return "data segment";
    case outcome::SegmentKind::fin: return "FIN";
    case outcome::SegmentKind::syn:
    case outcome::SegmentKind::synack:
    case outcome::SegmentKind::ack:
    case outcome::SegmentKind::rst: break;
  }
  return name_final_ack && s.handshake_ack ? "final ACK" : "ACK";
}

// Linux: tcp_v4_rcv() -> __inet_lookup_skb(): the established hash holds
// children and request socks (TCP_NEW_SYN_RECV); otherwise the listener.
void Stack::listener_rcv(Segment& seg) {
  Conn& c = sock(seg.conn);
  if (c.child.state == ChildState::established) {
    child_rcv(seg.conn, seg);
    return;
  }
  if (c.req.live) {
    if (modern()) {
      tcp_check_req(seg);
    } else {
      tcp_check_req_old(seg);
    }
    return;
  }
  if (!listener_.listening) {
    // No socket: tcp_v4_send_reset() answers anything but an RST.
    if (!(seg.flags & kRst)) send_reset_for(seg, "no listener on the port: RST (tcp_v4_send_reset)");
    return;
  }
  // Linux: tcp_v4_do_rcv() on a LISTEN socket.
  if (seg.flags & kRst) {
    note(seg.conn, "RST for no socket: dropped (tcp_rcv_state_process, LISTEN)");
    return;
  }
  if (seg.flags & kAck) {
    if (modern() ? cookie_check(seg) : cookie_check_old(seg)) return;
    // tcp_rcv_state_process() LISTEN: an ACK is answered with a reset.
    send_reset_for(seg, fmt::format("{} for a request that no longer exists: listener answers RST "
                                    "(tcp_rcv_state_process LISTEN -> tcp_v4_send_reset)",
                                    segment_words(seg)));
    return;
  }
  if (seg.flags & kSyn) {
    if (modern()) {
      tcp_conn_request(seg);
    } else {
      tcp_v4_conn_request_old(seg);
    }
    return;
  }
  note(seg.conn, "segment without SYN/ACK/RST for the listener: dropped");
}

// Linux: tcp_conn_request(), net/ipv4/tcp_input.c (§3.1 rules 1-6).
void Stack::tcp_conn_request(Segment& seg) {
  Listener& l = listener_;
  Conn& c = sock(seg.conn);
  bool want_cookie = false;
  // inet_csk_reqsk_queue_is_full(): qlen > sk_max_ack_backlog (3479c7549fb1).
  const bool synq_full = l.qlen > l.max_ack_backlog;
  if (sys_.tcp_syncookies == 2 || synq_full) {
    // tcp_syn_flood_action()
    if (sys_.tcp_syncookies) {
      counters_.inc(Mib::TcpExtTCPReqQFullDoCookies);
      want_cookie = true;
    } else {
      counters_.inc(Mib::TcpExtTCPReqQFullDrop);
      counters_.inc(Mib::TcpExtListenDrops);
      note(seg.conn, fmt::format("SYN queue full ({} requests > backlog {}), tcp_syncookies=0: SYN dropped "
                                 "(tcp_conn_request -> tcp_syn_flood_action)",
                                 l.qlen, l.max_ack_backlog));
      return;
    }
  }
  // sk_acceptq_is_full(): sk_ack_backlog > sk_max_ack_backlog (v4.10+: always drop).
  if (l.ack_backlog > l.max_ack_backlog) {
    counters_.inc(Mib::TcpExtListenOverflows);
    counters_.inc(Mib::TcpExtListenDrops);
    note(seg.conn, fmt::format("accept queue full ({}/{}): SYN dropped (tcp_conn_request, "
                               "sk_acceptq_is_full); the client will retransmit it",
                               l.ack_backlog, l.max_ack_backlog + 1));
    return;
  }
  // The last-quarter rule: with syncookies off, keep the last quarter of
  // tcp_max_syn_backlog for proven peers.
  // Deviation: no tcp_metrics, so no peer is ever "proven".
  if (!want_cookie && sys_.tcp_syncookies == 0 &&
      sys_.tcp_max_syn_backlog - l.qlen < (sys_.tcp_max_syn_backlog >> 2)) {
    counters_.inc(Mib::TcpExtListenDrops);
    note(seg.conn, fmt::format("SYN queue in its last quarter ({} of tcp_max_syn_backlog {}), syncookies off: "
                               "SYN dropped (tcp_conn_request, \"drop open request\")",
                               l.qlen, sys_.tcp_max_syn_backlog));
    return;
  }
  if (want_cookie) {
    // Cookie: the ISN encodes the connection; no request sock is kept and
    // the SYN-ACK is never retransmitted.
    c.syncookie = true;
    c.cookie_isn = isn_rng_.next_u32();
    c.cookie_issued = now_;
    c.req.rcv_isn = seg.seq;
    c.req.ts_recent = seg.ts_val;
    c.req.ts_off = isn_rng_.next_u32();
    // tcp_synq_overflow(): stamp at most once per second.
    if (!l.overflow_stamped || now_ - l.last_overflow > sec(1)) {
      l.overflow_stamped = true;
      l.last_overflow = now_;
    }
    counters_.inc(Mib::TcpExtSyncookiesSent);
    Segment sa = make_synack(seg.conn, c.cookie_isn, seg.seq + 1);
    sa.ts_ecr = seg.ts_val;
    xmit(sa, fmt::format("syncookie SYN-ACK ({}): no request sock kept, never retransmitted "
                         "(tcp_conn_request, cookie_v4_init_sequence)",
                         sys_.tcp_syncookies == 2 ? "tcp_syncookies=2"
                                                  : fmt::format("SYN queue full, {} > backlog {}", l.qlen,
                                                                l.max_ack_backlog)));
    return;
  }
  RequestSock& r = c.req;
  r = RequestSock{};
  r.live = true;
  r.rcv_isn = seg.seq;
  r.rcv_nxt = seg.seq + 1;
  r.snt_isn = isn_rng_.next_u32();
  r.ts_off = isn_rng_.next_u32();
  r.ts_recent = seg.ts_val;
  r.timeout = profile_->timeout_init;  // tcp_timeout_init()
  // inet_csk_reqsk_queue_hash_add(): timer armed, qlen++, young++; then the SYN-ACK.
  ++l.qlen;
  ++l.young;
  arm_reqsk_timer(seg.conn);
  send_synack(seg.conn, false, "");
}

void Stack::arm_reqsk_timer(std::uint32_t conn) {
  RequestSock& r = sock(conn).req;
  events_.cancel(r.timer);
  // reqsk_timeout(): min(timeout << num_timeout, TCP_RTO_MAX)
  std::uint64_t t = clock_.to_jiffies(r.timeout) << r.num_timeout;
  const std::uint64_t rto_max = clock_.to_jiffies(ms(120000));  // TCP_RTO_MAX
  if (t > rto_max) t = rto_max;
  r.timer = events_.schedule(clock_.fire_time(now_, t), this, static_cast<std::uint32_t>(Ev::reqsk_timer), conn);
}

// Linux: tcp_make_synack(), net/ipv4/tcp_output.c: the listener's SYN-ACK
// for `conn`, ISN `isn`, acknowledging `ack`: the SYN-ACK window and the
// SYN options this profile sends (MSS, SACK-permitted, window scale), the
// timestamps as every segment's (make_segment). Every SYN-ACK the model
// sends, from a request sock or with a cookie, in either era, is this one.
Segment Stack::make_synack(std::uint32_t conn, std::uint32_t isn, std::uint32_t ack) const {
  Segment sa = make_segment(conn, false);
  sa.flags = kSyn | kAck;
  sa.seq = isn;
  sa.ack = ack;
  sa.window = profile_->syn_window;
  sa.mss = profile_->loopback_mss;
  sa.sack_permitted = sys_.tcp_sack != 0;
  sa.wscale = static_cast<std::int8_t>(profile_->wscale);
  return sa;
}

// Linux: tcp_v4_send_synack() / tcp_rtx_synack()
void Stack::send_synack(std::uint32_t conn, bool retransmit, const Note& why) {
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  const Segment sa = make_synack(conn, r.snt_isn, r.rcv_nxt);
  if (retransmit) {
    ++c.synack_retransmits;
    if (modern()) {
      // tcp_rtx_synack(): RetransSegs, TCPSynRetrans. (2.6.12's
      // tcp_v4_send_synack() counted neither; the sweep counts req->retrans.)
      ++r.num_retrans;
      counters_.inc(Mib::TcpRetransSegs);
      counters_.inc(Mib::TcpExtTCPSynRetrans);
    }
  }
  xmit(sa, why);
}

// Linux: tcp_v4_send_reset(): for an ACK-bearing segment the RST carries
// seq = its ack_seq and no ACK flag, so the client (whose rcv_nxt it is)
// always accepts it (§6.4).
void Stack::send_reset_for(const Segment& seg, const Note& why) {
  Segment rst = make_segment(seg.conn, !seg.from_client);
  rst.has_ts = false;
  if (seg.flags & kAck) {
    rst.flags = kRst;
    rst.seq = seg.ack;
    rst.ack = 0;
  } else {
    rst.flags = kRst | kAck;
    rst.seq = 0;
    rst.ack = seg.end_seq();
  }
  rst.window = 0;
  counters_.inc(Mib::TcpOutRsts);
  xmit(rst, why);
}

// Linux: inet_csk_reqsk_queue_drop(): unlink the request, qlen--, young--
// if its timer never fired, and delete its timer (no more SYN-ACKs).
void Stack::reqsk_queue_drop(std::uint32_t conn) {
  RequestSock& r = sock(conn).req;
  if (!r.live) return;
  r.live = false;
  events_.cancel(r.timer);
  --listener_.qlen;
  if (r.num_timeout == 0) --listener_.young;
}

// Linux: tcp_check_req(), net/ipv4/tcp_minisocks.c (§4.1 steps 2-12).
void Stack::tcp_check_req(Segment& seg) {
  const std::uint32_t conn = seg.conn;
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  Listener& l = listener_;

  // 2. A pure retransmitted SYN: answer with the SYN-ACK again, unless
  //    rate-limited (tcp_oow_rate_limited), and push the timer out.
  if (seg.seq == r.rcv_isn && seg.flags == kSyn) {
    const std::uint64_t limit = clock_.to_jiffies(ms(sys_.tcp_invalid_ratelimit));
    if (r.oow_ack_sent && jiffies() - r.last_oow_ack_jiffies < limit) {
      counters_.inc(Mib::TcpExtTCPACKSkippedSynRecv);
      note(conn, "retransmitted SYN for a pending request: SYN-ACK rate-limited (tcp_oow_rate_limited)");
      return;
    }
    r.oow_ack_sent = true;
    r.last_oow_ack_jiffies = jiffies();
    send_synack(conn, true, "SYN-ACK retransmitted in answer to a retransmitted SYN (tcp_check_req -> inet_rtx_syn_ack)");
    arm_reqsk_timer(conn);  // mod_timer_pending(jiffies + reqsk_timeout())
    return;
  }
  // 3. An ACK of something we never sent: the listener resets it.
  if ((seg.flags & kAck) && seg.ack != r.snt_isn + 1) {
    send_reset_for(seg, "ACK does not acknowledge our SYN-ACK: RST (tcp_check_req)");
    return;
  }
  // 4. Window check.
  const std::uint32_t rcv_wnd = 65535u << (profile_->wscale > 14 ? 14 : profile_->wscale);
  if (!tcp_in_window(seg.seq, seg.end_seq(), r.rcv_nxt, r.rcv_nxt + rcv_wnd)) {
    const std::uint64_t limit = clock_.to_jiffies(ms(sys_.tcp_invalid_ratelimit));
    if (r.oow_ack_sent && jiffies() - r.last_oow_ack_jiffies < limit) {
      counters_.inc(Mib::TcpExtTCPACKSkippedSynRecv);
      note(conn, "out-of-window segment for a request: ACK rate-limited (tcp_oow_rate_limited)");
      return;
    }
    if (!(seg.flags & kRst)) {
      r.oow_ack_sent = true;
      r.last_oow_ack_jiffies = jiffies();
      Segment ack = make_segment(conn, false);
      ack.flags = kAck;
      ack.seq = r.snt_isn + 1;
      ack.ack = r.rcv_nxt;
      xmit(ack, "out-of-window segment for a request: bare ACK (tcp_check_req -> tcp_v4_reqsk_send_ack)");
    }
    return;
  }
  if (seg.has_ts) r.ts_recent = seg.ts_val;
  // 5. A SYN at rcv_isn is a retransmission: truncate it.
  std::uint8_t flg = seg.flags;
  if (seg.seq == r.rcv_isn) flg &= static_cast<std::uint8_t>(~kSyn);
  // 6. RFC 5961: an RST that is in window but not exact gets a challenge ACK.
  if ((flg & kRst) && seg.seq != r.rcv_nxt) {
    Segment ack = make_segment(conn, false);
    ack.flags = kAck;
    ack.seq = r.snt_isn + 1;
    ack.ack = r.rcv_nxt;
    xmit(ack, "RST not at rcv_nxt for a request: challenge ACK, request kept (tcp_check_req, RFC 5961 3.2)");
    return;
  }
  // 7. RST or SYN: the handshake is reset.
  if (flg & (kRst | kSyn)) {
    counters_.inc(Mib::TcpAttemptFails);
    if (!(flg & kRst)) send_reset_for(seg, "SYN inside a pending handshake: RST (tcp_check_req embryonic_reset)");
    reqsk_queue_drop(conn);
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    note(conn, "request sock removed (tcp_check_req embryonic_reset)");
    return;
  }
  // 8. No ACK: nothing to do.
  if (!(flg & kAck)) {
    note(conn, "segment without ACK for a request: dropped (tcp_check_req)");
    return;
  }
  // 9. TCP_DEFER_ACCEPT on the listener: a bare ACK is not worth a child.
  if (r.num_timeout < l.defer_accept && seg.end_seq() == r.rcv_isn + 1) {
    r.acked = true;
    counters_.inc(Mib::TcpExtTCPDeferAcceptDrop);
    note(conn, "bare ACK dropped while the listener defers accept (TCP_DEFER_ACCEPT): request marked acked "
               "(tcp_check_req, TCPDeferAcceptDrop)");
    return;
  }
  // 10-11. tcp_v4_syn_recv_sock(): no room in the accept queue.
  if (!syn_recv_sock(conn, segment_words(seg), false)) {
    if (!sys_.tcp_abort_on_overflow) {
      r.acked = true;
      return;
    }
    send_reset_for(seg, "tcp_abort_on_overflow=1: handshake reset (tcp_check_req embryonic_reset)");
    reqsk_queue_drop(conn);
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    return;
  }
  // 12. inet_csk_complete_hashdance(): the request leaves the SYN queue (its
  //     timer deleted: no further SYN-ACKs), the child joins the accept queue,
  //     then tcp_child_process() runs the segment on the child.
  const bool was_acked = r.acked;
  reqsk_queue_drop(conn);
  create_child(conn, r.snt_isn, r.rcv_isn, false);
  Note created;
  created.kind = NoteKind::child_created;
  created.text = segment_words(seg);
  created.a = static_cast<std::uint32_t>(l.ack_backlog);
  created.b = static_cast<std::uint32_t>(l.max_ack_backlog + 1);
  created.flag = was_acked;
  created.c = c.synack_retransmits;
  note(conn, created);
  child_rcv(conn, seg);
  observer_.on_accept_ready();
}

// Linux: tcp_v4_syn_recv_sock() -> sk_acceptq_is_full(). False (and the
// counters) when the accept queue has no room.
bool Stack::syn_recv_sock(std::uint32_t conn, const char* what, bool cookie) {
  Listener& l = listener_;
  if (l.ack_backlog > l.max_ack_backlog) {
    counters_.inc(Mib::TcpExtListenOverflows);
    counters_.inc(Mib::TcpExtListenDrops);
    std::string fate;
    if (cookie) {
      fate = "valid syncookie, but no server state is kept: the client must send again (cookie_v4_check -> "
             "tcp_get_cookie_sock -> tcp_v4_syn_recv_sock)";
    } else if (sys_.tcp_abort_on_overflow) {
      fate = "tcp_abort_on_overflow=1 (tcp_v4_syn_recv_sock -> listen_overflow)";
    } else {
      fate = "request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)";
    }
    note(conn, fmt::format("accept queue full ({}/{}): {} dropped; {}", l.ack_backlog, l.max_ack_backlog + 1,
                           what, fate));
    return false;
  }
  return true;
}

// Linux: tcp_create_openreq_child() + inet_csk_reqsk_queue_add()
void Stack::create_child(std::uint32_t conn, std::uint32_t iss, std::uint32_t irs, bool from_cookie) {
  Conn& c = sock(conn);
  ChildSock& ch = c.child;
  ch = ChildSock{};
  ch.state = ChildState::established;
  ch.iss = iss;
  ch.snd_nxt = iss + 1;
  ch.rcv_nxt = irs + 1;
  ch.ts_off = c.req.ts_off;
  ch.ts_recent = c.req.ts_recent;
  ch.from_cookie = from_cookie;
  counters_.inc(Mib::TcpPassiveOpens);
  ++listener_.ack_backlog;
  listener_.accept_queue.push_back(conn);
}

// Linux: cookie_v4_check(), net/ipv4/syncookies.c, via tcp_v4_cookie_check().
// True if the segment was consumed (child created or dropped for overflow).
bool Stack::cookie_check(Segment& seg) {
  Listener& l = listener_;
  Conn& c = sock(seg.conn);
  if (!sys_.tcp_syncookies || !(seg.flags & kAck) || (seg.flags & kRst)) return false;
  // tcp_synq_no_recent_overflow(): only a listener that sent a cookie within
  // [last_overflow - 1 s, last_overflow + TCP_SYNCOOKIE_VALID (120 s)] checks.
  if (!l.overflow_stamped || now_ < l.last_overflow - sec(1) || now_ > l.last_overflow + sec(120)) return false;
  // __cookie_v4_check(): the cookie is ack_seq - 1 and hashes seq - 1, so
  // only a segment at the client's ISN + 1 validates; it is valid while
  // tcp_cookie_time() (jiffies / 60 s) has advanced by less than
  // MAX_SYNCOOKIE_AGE (2).
  // Deviation: validity is looked up, not recomputed with SipHash.
  const std::uint64_t period = clock_.to_jiffies(sec(60));
  const bool fresh = jiffies() / period - clock_.jiffies(c.cookie_issued) / period < 2;
  if (!c.syncookie || seg.ack != c.cookie_isn + 1 || seg.seq != c.req.rcv_isn + 1 || !fresh) {
    counters_.inc(Mib::TcpExtSyncookiesFailed);
    return false;
  }
  counters_.inc(Mib::TcpExtSyncookiesRecv);
  // tcp_get_cookie_sock() -> tcp_v4_syn_recv_sock()
  if (!syn_recv_sock(seg.conn, segment_words(seg), true)) return true;
  create_child(seg.conn, c.cookie_isn, c.req.rcv_isn, true);
  note(seg.conn, fmt::format("valid syncookie: {} creates the child, accept queue {}/{} (cookie_v4_check)",
                             segment_words(seg), l.ack_backlog, l.max_ack_backlog + 1));
  child_rcv(seg.conn, seg);
  observer_.on_accept_ready();
  return true;
}

// Linux: reqsk_timer_handler() + syn_ack_recalc(),
// net/ipv4/inet_connection_sock.c (§5.1).
void Stack::reqsk_timer_handler(std::uint32_t conn) {
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  Listener& l = listener_;
  timer_context();
  if (!r.live) return;

  std::int64_t max_retries = l.syncnt ? l.syncnt : sys_.tcp_synack_retries;
  // Prune when the SYN queue is more than half full: each halving of the
  // young fraction costs one retry, floor 2.
  const std::int64_t qlen = l.qlen;
  const std::int64_t half_limit = l.max_ack_backlog > 8 ? l.max_ack_backlog : 8;
  if ((qlen << 1) > half_limit) {
    std::int64_t young = l.young << 1;
    while (max_retries > 2) {
      if (qlen < young) break;
      --max_retries;
      young <<= 1;
    }
  }
  bool expire;
  bool resend;
  if (!l.defer_accept) {
    expire = r.num_timeout >= max_retries;
    resend = true;
  } else {
    expire = r.num_timeout >= max_retries && (!r.acked || r.num_timeout >= l.defer_accept);
    resend = !r.acked || r.num_timeout >= l.defer_accept - 1;
  }
  counters_.inc(Mib::TcpExtTCPTimeouts);  // tcp_syn_ack_timeout()
  if (!expire) {
    if (resend) {
      send_synack(conn, true,
                  fmt::format("SYN-ACK retransmit #{} (reqsk_timer_handler){}", r.num_retrans + 1,
                              r.acked ? " (the request is acked: its ACK met a full accept queue)" : ""));
    }
    if (r.num_timeout++ == 0) --l.young;
    arm_reqsk_timer(conn);
    return;
  }
  note(conn, fmt::format("request expired after {} SYN-ACK retransmissions: removed silently, no RST "
                         "(reqsk_timer_handler -> inet_csk_reqsk_queue_drop_and_put)",
                         r.num_retrans));
  reqsk_queue_drop(conn);
}

}  // namespace synsim::tcp
