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

#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

namespace {

// Linux: tcp_in_window(), net/ipv4/tcp_minisocks.c
bool tcp_in_window(std::uint32_t seq, std::uint32_t end_seq, std::uint32_t s_win, std::uint32_t e_win) {
  if (seq == s_win) return true;
  if (seq::after(end_seq, s_win) && seq::before(seq, e_win)) return true;
  return seq == e_win && seq == end_seq;
}

// The segment as the listener's reasons name it.
SegmentWord segment_word(const Segment& s) {
  if (s.len > 0) return SegmentWord::data_segment;
  if (s.flags & kFin) return SegmentWord::fin;
  if (s.handshake_ack) return SegmentWord::final_ack;
  return SegmentWord::ack;
}

// "accept queue a/b" of a reason: children queued and the queue's limit.
Reason accept_queue_reason(ReasonKind k, const Listener& l) {
  return Reason{.kind = k,
                .a = static_cast<std::uint32_t>(l.ack_backlog),
                .b = static_cast<std::uint32_t>(l.max_ack_backlog + 1)};
}

}  // namespace

// Linux: tcp_v4_rcv() -> __inet_lookup_skb(): the established hash holds
// children and request socks (TCP_NEW_SYN_RECV); otherwise the listener.
void Stack::listener_rcv(Segment& seg) {
  Conn& c = sock(seg.conn);
  if (c.child.state == ChildState::established) {
    child_rcv(seg.conn, seg);
    return;
  }
  // rules.synack_timer: per-request timers (4.1+) come with the passive
  // open of listener.cc; a per-listener sweep with listener_2_5.cc's.
  const bool sweep = rules().synack_timer == profile::SynackTimer::listener_sweep;
  if (c.req.live) {
    if (sweep) {
      tcp_check_req_old(seg);
    } else {
      tcp_check_req(seg);
    }
    return;
  }
  if (!listener_.listening) {
    // No socket: tcp_v4_send_reset() answers anything but an RST.
    if (!(seg.flags & kRst)) send_reset_for(seg, because(ReasonKind::no_listener_rst));
    return;
  }
  // Linux: tcp_v4_do_rcv() on a LISTEN socket.
  if (seg.flags & kRst) {
    note(seg.conn, because(ReasonKind::listen_rst_dropped));
    return;
  }
  if (seg.flags & kAck) {
    if (sweep ? cookie_check_old(seg) : cookie_check(seg)) return;
    // tcp_rcv_state_process() LISTEN: an ACK is answered with a reset.
    send_reset_for(seg, Reason{.kind = ReasonKind::listen_ack_rst, .segment = segment_word(seg)});
    return;
  }
  if (seg.flags & kSyn) {
    if (sweep) {
      tcp_v4_conn_request_old(seg);
    } else {
      tcp_conn_request(seg);
    }
    return;
  }
  note(seg.conn, because(ReasonKind::listen_segment_dropped));
}

// Linux: tcp_conn_request(), net/ipv4/tcp_input.c (§3.1 rules 1-6).
void Stack::tcp_conn_request(Segment& seg) {
  Listener& l = listener_;
  Conn& c = sock(seg.conn);
  bool want_cookie = false;
  // inet_csk_reqsk_queue_is_full(): qlen > sk_max_ack_backlog (3479c7549fb1),
  // qlen >= sk_max_ack_backlog before it (rules.syn_queue_full_test).
  const bool synq_full = l.qlen >= syn_queue_limit();
  if (sys_.tcp_syncookies == 2 || synq_full) {
    // tcp_syn_flood_action()
    if (sys_.tcp_syncookies) {
      counters_.inc(Mib::TcpExtTCPReqQFullDoCookies);
      want_cookie = true;
    } else {
      counters_.inc(Mib::TcpExtTCPReqQFullDrop);
      counters_.inc(Mib::TcpExtListenDrops);
      note(seg.conn, Reason{.kind = ReasonKind::syn_dropped_synq_full,
                            .a = static_cast<std::uint32_t>(l.qlen),
                            .b = static_cast<std::uint32_t>(l.max_ack_backlog)});
      return;
    }
  }
  // sk_acceptq_is_full(): sk_ack_backlog > sk_max_ack_backlog (acceptq_full_drops_syn()).
  if (acceptq_full_drops_syn()) {
    counters_.inc(Mib::TcpExtListenOverflows);
    counters_.inc(Mib::TcpExtListenDrops);
    note(seg.conn, accept_queue_reason(ReasonKind::syn_dropped_acceptq_full, l));
    return;
  }
  // The last-quarter rule: with syncookies off, keep the last quarter of
  // tcp_max_syn_backlog for proven peers: tcp_peer_is_proven(), a
  // tcp_metrics entry with an RTT (metrics.cc).
  if (!want_cookie && sys_.tcp_syncookies == 0 &&
      sys_.tcp_max_syn_backlog - l.qlen < (sys_.tcp_max_syn_backlog >> 2) && rtt_memory_.rtt == 0) {
    counters_.inc(Mib::TcpExtListenDrops);
    note(seg.conn, Reason{.kind = ReasonKind::syn_dropped_synq_last_quarter,
                          .a = static_cast<std::uint32_t>(l.qlen),
                          .b = static_cast<std::uint32_t>(sys_.tcp_max_syn_backlog)});
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
    xmit(sa, Reason{.kind = ReasonKind::syncookie_synack,
                    .flag = sys_.tcp_syncookies == 2,
                    .a = static_cast<std::uint32_t>(l.qlen),
                    .b = static_cast<std::uint32_t>(l.max_ack_backlog)});
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
  send_synack(seg.conn, false, {});
}

// Linux: reqsk_queue_hash_req() and the re-arm in reqsk_timer_handler(),
// net/ipv4/inet_connection_sock.c: mod_timer(&req->rsk_timer, jiffies + timeo).
void Stack::arm_reqsk_timer(std::uint32_t conn) {
  RequestSock& r = sock(conn).req;
  events_.cancel(r.timer);
  // reqsk_timeout(): min(timeout << num_timeout, TCP_RTO_MAX)
  std::uint64_t t = clock_.to_jiffies(r.timeout) << r.num_timeout;
  const std::uint64_t rto_max = clock_.to_jiffies(ms(120000));  // TCP_RTO_MAX
  if (t > rto_max) t = rto_max;
  r.timer = events_.schedule(clock_.fire_time(now_, t), this, Event{Ev::reqsk_timer, conn});
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
void Stack::send_synack(std::uint32_t conn, bool retransmit, const Reason& why) {
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  const Segment sa = make_synack(conn, r.snt_isn, r.rcv_nxt);
  if (!r.snt_synack) r.snt_synack = now_;  // tcp_make_synack(): "Timestamp first SYNACK"
  if (retransmit) {
    ++c.synack_retransmits;
    // rules.syn_retrans_counters: tcp_rtx_synack(): RetransSegs and
    // TCPSynRetrans (4.x+); 3.10's tcp_v4_rtx_synack() RetransSegs only;
    // 2.6.12's tcp_v4_send_synack() neither. The per-request timer counts
    // num_retrans here; the sweep counts req->retrans itself.
    switch (rules().syn_retrans_counters) {
      case profile::SynRetransCounters::none:
        break;
      case profile::SynRetransCounters::retrans_segs:
        counters_.inc(Mib::TcpRetransSegs);
        break;
      case profile::SynRetransCounters::retrans_segs_and_syn_retrans:
        counters_.inc(Mib::TcpRetransSegs);
        counters_.inc(Mib::TcpExtTCPSynRetrans);
        break;
    }
    if (rules().synack_timer == profile::SynackTimer::per_request) ++r.num_retrans;
  }
  xmit(sa, why);
}

// Linux: tcp_v4_send_reset(): for an ACK-bearing segment the RST carries
// seq = its ack_seq and no ACK flag, so the client (whose rcv_nxt it is)
// always accepts it (§6.4).
void Stack::send_reset_for(const Segment& seg, const Reason& why) {
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

  // 2. A pure retransmitted SYN: answer with the SYN-ACK again.
  if (seg.seq == r.rcv_isn && seg.flags == kSyn) {
    req_answer_syn(conn);
    return;
  }
  // 3. An ACK of something we never sent: the listener resets it.
  if ((seg.flags & kAck) && seg.ack != r.snt_isn + 1) {
    send_reset_for(seg, because(ReasonKind::request_bad_ack_rst));
    return;
  }
  // 4. Window check.
  const std::uint32_t rcv_wnd = 65535u << (profile_->wscale > 14 ? 14 : profile_->wscale);
  if (!tcp_in_window(seg.seq, seg.end_seq(), r.rcv_nxt, r.rcv_nxt + rcv_wnd)) {
    req_answer_out_of_window(conn, seg);
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
    xmit(ack, because(ReasonKind::request_rst_challenge_ack));
    return;
  }
  // 7. RST or SYN: the handshake is reset.
  if (flg & (kRst | kSyn)) {
    counters_.inc(Mib::TcpAttemptFails);
    if (!(flg & kRst)) send_reset_for(seg, because(ReasonKind::request_syn_rst));
    reqsk_queue_drop(conn);
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    note(conn, because(ReasonKind::request_removed));
    return;
  }
  // 8. No ACK: nothing to do.
  if (!(flg & kAck)) {
    note(conn, because(ReasonKind::request_no_ack_dropped));
    return;
  }
  // 9. TCP_DEFER_ACCEPT on the listener: a bare ACK is not worth a child.
  if (r.num_timeout < l.defer_accept && seg.end_seq() == r.rcv_isn + 1) {
    r.acked = true;
    counters_.inc(Mib::TcpExtTCPDeferAcceptDrop);
    note(conn, because(ReasonKind::defer_accept_ack_dropped));
    return;
  }
  req_complete(conn, seg);
}

// Linux: tcp_check_req() step 2, a pure retransmitted SYN: the SYN-ACK
// again, unless rate-limited (tcp_oow_rate_limited()), and the request's
// timer pushed out.
void Stack::req_answer_syn(std::uint32_t conn) {
  RequestSock& r = sock(conn).req;
  const std::uint64_t limit = clock_.to_jiffies(ms(sys_.tcp_invalid_ratelimit));
  if (r.oow_ack_sent && jiffies() - r.last_oow_ack_jiffies < limit) {
    counters_.inc(Mib::TcpExtTCPACKSkippedSynRecv);
    note(conn, because(ReasonKind::synack_rate_limited));
    return;
  }
  r.oow_ack_sent = true;
  r.last_oow_ack_jiffies = jiffies();
  send_synack(conn, true, because(ReasonKind::synack_rtx_for_syn));
  arm_reqsk_timer(conn);  // mod_timer_pending(jiffies + reqsk_timeout())
}

// Linux: tcp_check_req() step 4, a segment outside the window: a duplicate
// ACK (tcp_send_ack via req->rsk_ops->send_ack), unless it is an RST or
// rate-limited (tcp_oow_rate_limited()).
void Stack::req_answer_out_of_window(std::uint32_t conn, const Segment& seg) {
  RequestSock& r = sock(conn).req;
  const std::uint64_t limit = clock_.to_jiffies(ms(sys_.tcp_invalid_ratelimit));
  if (r.oow_ack_sent && jiffies() - r.last_oow_ack_jiffies < limit) {
    counters_.inc(Mib::TcpExtTCPACKSkippedSynRecv);
    note(conn, because(ReasonKind::request_oow_ack_rate_limited));
    return;
  }
  if (seg.flags & kRst) return;
  r.oow_ack_sent = true;
  r.last_oow_ack_jiffies = jiffies();
  Segment ack = make_segment(conn, false);
  ack.flags = kAck;
  ack.seq = r.snt_isn + 1;
  ack.ack = r.rcv_nxt;
  xmit(ack, because(ReasonKind::request_oow_ack));
}

// Linux: tcp_check_req() steps 10-12: tcp_v4_syn_recv_sock() (no room in
// the accept queue: the request stays, `acked`, or is reset with
// tcp_abort_on_overflow), then inet_csk_complete_hashdance() (the request
// leaves the SYN queue, its timer deleted: no further SYN-ACKs; the child
// joins the accept queue) and tcp_child_process() (the segment runs on the
// child).
void Stack::req_complete(std::uint32_t conn, Segment& seg) {
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  if (!syn_recv_sock(conn, segment_word(seg), false)) {
    if (!sys_.tcp_abort_on_overflow) {
      r.acked = true;
      return;
    }
    send_reset_for(seg, because(ReasonKind::abort_on_overflow_rst));
    reqsk_queue_drop(conn);
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    return;
  }
  const bool was_acked = r.acked;
  reqsk_queue_drop(conn);
  create_child(conn, r.snt_isn, r.rcv_isn, false);
  Reason created = accept_queue_reason(ReasonKind::child_created, listener_);
  created.segment = segment_word(seg);
  created.flag = was_acked;
  created.c = c.synack_retransmits;
  note(conn, created);
  child_established(conn, seg, false);
  child_rcv(conn, seg);
  observer_.on_accept_ready();
}

// Linux: tcp_v4_syn_recv_sock() -> sk_acceptq_is_full(). False (and the
// counters) when the accept queue has no room.
bool Stack::syn_recv_sock(std::uint32_t conn, SegmentWord what, bool cookie) {
  Listener& l = listener_;
  if (l.ack_backlog > l.max_ack_backlog) {
    counters_.inc(Mib::TcpExtListenOverflows);
    counters_.inc(Mib::TcpExtListenDrops);
    // What becomes of the request: the caller acts on it.
    const ReasonKind fate = cookie                         ? ReasonKind::acceptq_full_cookie_dropped
                            : sys_.tcp_abort_on_overflow ? ReasonKind::acceptq_full_abort
                                                         : ReasonKind::acceptq_full_request_kept;
    Reason why = accept_queue_reason(fate, l);
    why.segment = what;
    note(conn, why);
    return false;
  }
  return true;
}

// Linux: tcp_create_openreq_child() + inet_csk_reqsk_queue_add()
void Stack::create_child(std::uint32_t conn, std::uint32_t iss, std::uint32_t irs, bool from_cookie) {
  Conn& c = sock(conn);
  ChildSock& ch = c.child;
  renew(ch);
  ch.state = ChildState::established;
  ch.iss = iss;
  ch.snd_una = iss + 1;  // the segment that completes the handshake acks the SYN-ACK
  ch.snd_nxt = iss + 1;
  ch.rto = clock_.to_jiffies(profile_->timeout_init);  // tcp_create_openreq_child(): TCP_TIMEOUT_INIT
  ch.rcv_nxt = irs + 1;
  ch.copied_seq = ch.rcv_nxt;
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
  // [last_overflow - 1 s, last_overflow + TCP_SYNCOOKIE_VALID (120 s)] checks
  // (rules.syncookie_recent_overflow).
  if (!l.overflow_stamped || now_ < l.last_overflow - sec(1) ||
      now_ > l.last_overflow + syncookie_recent_window()) {
    return false;
  }
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
  if (!syn_recv_sock(seg.conn, segment_word(seg), true)) return true;
  create_child(seg.conn, c.cookie_isn, c.req.rcv_isn, true);
  Reason created = accept_queue_reason(ReasonKind::cookie_child_created, l);
  created.segment = segment_word(seg);
  note(seg.conn, created);
  child_established(seg.conn, seg, true);
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
      send_synack(conn, true, Reason{.kind = ReasonKind::synack_retransmit, .flag = r.acked, .a = static_cast<std::uint32_t>(r.num_retrans + 1)});
    }
    if (r.num_timeout++ == 0) --l.young;
    arm_reqsk_timer(conn);
    return;
  }
  note(conn, Reason{.kind = ReasonKind::request_expired, .a = r.num_retrans});
  reqsk_queue_drop(conn);
}

}  // namespace synsim::tcp
