// The client socket: connect(), the handshake, the request and its
// retransmissions.
//
// Read first (linux-6.18 column of kernel-handshake.md):
//   §6.1 net/ipv4/tcp_output.c tcp_connect(); tcp_timer.c tcp_retransmit_timer()
//        SYN schedule with tcp_syn_linear_timeouts; tcp_write_timeout()
//   §6.2 tcp_input.c tcp_rtt_estimator(), __tcp_set_rto(): loopback RTO =
//        ceil((rtt + tcp_rto_min) / jiffy); tcp_output.c tcp_schedule_loss_probe(),
//        tcp_send_loss_probe(): a tail loss probe first, then RTO doubling
//   §6.3 tcp_input.c tcp_validate_incoming(): a retransmitted SYN-ACK gets a
//        challenge ACK, rate-limited by tcp_invalid_ratelimit
//   §6.4 an RST at rcv_nxt resets the connection (ECONNRESET)
//   §8   tcp_rcv_synsent_state_process(): with TCP_DEFER_ACCEPT on the
//        connecting socket the final ACK waits for data, or TCP_DELACK_MAX
// The RTT estimator and what earlier connections left for this one are in
// metrics.cc (tcp_init_metrics() raises the first RTO).
#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

void Stack::connect(std::uint32_t conn, bool defer_final_ack) {
  reap(2);  // twice the rate connections start at: the retired ones cannot pile up
  ClientSock& s = sock(conn).client;
  renew(s);
  s.defer_final_ack = defer_final_ack;
  if (!allocate_port(conn)) {
    client_fail(conn, SockError::eaddrnotavail,
                Reason{.kind = ReasonKind::no_ephemeral_port,
                       .n = sys_.ip_local_port_range_min,
                       .m = sys_.ip_local_port_range_max});
    return;
  }
  s.iss = isn_rng_.next_u32();  // secure_tcp_seq(): Deviation, drawn from the seed
  // rules.ts_clock: 6.x: a random offset per connection (tcp_ns_to_ts +
  // ts_off); 2.5/2.6, 3.10: TSval is jiffies itself, one clock for every socket.
  s.ts_off = rules().ts_clock == profile::TsClock::random_offset ? isn_rng_.next_u32() : ts_clock_offset_;
  s.snd_una = s.iss;
  s.snd_nxt = s.iss + 1;
  s.write_seq = s.iss + 1;
  s.state = ClientState::syn_sent;
  s.syn_stamp = now_;
  s.rto = clock_.to_jiffies(profile_->timeout_init);  // tcp_connect_init(): TCP_TIMEOUT_INIT
  counters_.inc(Mib::TcpActiveOpens);
  send_syn(conn, false);
  arm_xmit_timer(conn, XmitTimer::retrans, s.rto);
}

// Linux: __inet_hash_connect(): walk the range from an offset, even ports
// first (6.x reserves odd ones for bind()), then odd ones.
// Deviation: a port is reusable 1 s after the client closed first with a
// FIN (tcp_tw_reuse=2 on loopback, tcp_tw_reuse_delay 1000 ms) and at once
// otherwise; TIME_WAIT itself is not modelled.
bool Stack::allocate_port(std::uint32_t conn) {
  const std::optional<std::uint16_t> port = ports_.take(now_);
  if (!port) return false;
  sock(conn).client.port = *port;
  return true;
}

void Stack::client_closed(std::uint32_t conn, Duration hold) {
  ClientSock& s = sock(conn).client;
  s.state = ClientState::done;
  if (s.port != 0) ports_.release(s.port, now_, now_ + hold);
}

// Linux: tcp_connect() sends the SYN; tcp_retransmit_timer() -> tcp_retransmit_skb() resends it.
void Stack::send_syn(std::uint32_t conn, bool retransmit) {
  ClientSock& s = sock(conn).client;
  Segment syn = make_segment(conn, true);
  syn.flags = kSyn;
  syn.seq = s.iss;
  syn.ack = 0;
  syn.ts_ecr = 0;
  syn.window = profile_->syn_window;
  syn.mss = profile_->loopback_mss;
  syn.sack_permitted = sys_.tcp_sack != 0;
  syn.wscale = static_cast<std::int8_t>(profile_->wscale);
  Reason why;
  if (retransmit) {
    ++s.syn_retransmits;
    s.syn_retransmitted = true;
    counters_.inc(Mib::TcpRetransSegs);
    if (rules().syn_retrans_counters == profile::SynRetransCounters::retrans_segs_and_syn_retrans) {
      counters_.inc(Mib::TcpExtTCPSynRetrans);
    }
    why = Reason{.kind = ReasonKind::syn_retransmit, .a = s.syn_retransmits};
  }
  xmit(syn, why);
}

// Linux: inet_csk_reset_xmit_timer(): one timer, armed as RTO or loss probe (icsk_pending).
void Stack::arm_xmit_timer(std::uint32_t conn, XmitTimer what, std::uint64_t j) {
  ClientSock& s = sock(conn).client;
  events_.cancel(s.xmit_timer);
  s.pending = what;
  s.xmit_timer = events_.schedule(clock_.fire_time(now_, j), this, Event{Ev::client_xmit, conn});
}

// Linux: the handshake's RTT sample (tcp_ack_update_rtt() ->
// tcp_rtt_estimator(), tcp_set_rto()), then tcp_init_metrics(). `m` is in
// the estimator's units (jiffies on 2.x, microseconds on 6.x); negative: no
// sample. On the first sample srtt = m, rttvar = max(2m, TCP_RTO_MIN) and
// RTO = m + rttvar (2.x counts a zero sample as 1 jiffy; tcp_bound_rto()
// caps it at TCP_RTO_MAX). With no sample the RTO is TCP_TIMEOUT_FALLBACK
// (6.x) or TCP_TIMEOUT_INIT (2.x, tcp_init_metrics()'s reset without
// timestamps).
void Stack::client_set_rto(std::uint32_t conn, std::int64_t m, bool saw_tstamp) {
  ClientSock& s = sock(conn).client;
  if (m >= 0) {
    rtt_estimator(s.rtt, m, s.snd_una, s.snd_nxt);
    s.rto = rto_from(s.rtt);
    s.rtt_backoff = 0;
  } else {
    s.rtt = RttEstimator{};
    s.rto = clock_.to_jiffies(profile_->timeout_fallback);
  }
  tcp_init_metrics(s.rtt, s.rto, saw_tstamp, s.snd_nxt);
}

// Linux: tcp_rcv_state_process(), net/ipv4/tcp_input.c: SYN_SENT goes to
// tcp_rcv_synsent_state_process(), ESTABLISHED to tcp_rcv_established().
void Stack::client_rcv(Segment& seg) {
  ClientSock& s = sock(seg.conn).client;
  switch (s.state) {
    case ClientState::syn_sent:
      synsent_rcv(seg.conn, seg);
      return;
    case ClientState::established:
    case ClientState::fin_wait:
      established_rcv(seg.conn, seg);
      return;
    case ClientState::closed:
    case ClientState::done:
      // No socket: the kernel would answer with an RST; the connection is
      // over for the model, so the segment is only noted.
      note(seg.conn, because(ReasonKind::closed_socket_segment));
      return;
  }
}

// Linux: tcp_rcv_synsent_state_process(), net/ipv4/tcp_input.c
void Stack::synsent_rcv(std::uint32_t conn, Segment& seg) {
  ClientSock& s = sock(conn).client;
  if (seg.flags & kAck) {
    if (seg.ack != s.iss + 1) {
      note(conn, because(ReasonKind::synack_bad_ack_dropped));
      return;
    }
    if (seg.flags & kRst) {
      client_fail(conn, SockError::econnrefused, because(ReasonKind::connect_refused));
      return;
    }
  }
  if (!((seg.flags & kSyn) && (seg.flags & kAck))) return;

  s.irs = seg.seq;
  s.rcv_nxt = seg.seq + 1;
  s.copied_seq = s.rcv_nxt;
  s.snd_una = s.iss + 1;
  if (seg.has_ts) s.ts_recent = seg.ts_val;
  // RTT sample from the SYN -> SYN-ACK exchange (tcp_ack -> tcp_clean_rtx_queue).
  // Karn: a retransmitted SYN gives no sequence sample; the TS echo does,
  // in whole milliseconds, at least 1 ms (tcp_rtt_tsopt_us).
  std::int64_t m = -1;
  if (rules().rtt_clock == profile::RttClock::jiffies) {
    // tcp_ack_saw_tstamp(): the sample is tcp_time_stamp - rcv_tsecr, in
    // jiffies: the age of the SYN the SYN-ACK echoes, retransmitted or not;
    // without timestamps tcp_ack_no_tstamp() takes the SYN's age unless it
    // was retransmitted, and tcp_init_metrics() resets it. The TS clock
    // (ts_now) counts milliseconds, jiffies at the profile's HZ 1000.
    if (seg.has_ts && seg.ts_ecr != 0) {
      const std::int64_t delta_ms = static_cast<std::int32_t>(ts_now(s.ts_off) - seg.ts_ecr);
      m = static_cast<std::int64_t>(clock_.to_jiffies(ms(std::max<std::int64_t>(delta_ms, 0))));
    } else if (!s.syn_retransmitted) {
      m = static_cast<std::int64_t>(jiffies() - clock_.jiffies(s.syn_stamp));
    }
  } else if (!s.syn_retransmitted) {
    m = (to_ns(now_) - to_ns(s.syn_stamp)) / 1000;
    if (s.syn_retransmits == 0 && m < 1) m = 1;
  } else if (seg.has_ts) {
    const std::int64_t delta_ms = static_cast<std::int32_t>(ts_now(s.ts_off) - seg.ts_ecr);
    m = (delta_ms > 0 ? delta_ms : 1) * 1000;
  }
  client_set_rto(conn, m, seg.has_ts);
  events_.cancel(s.xmit_timer);
  s.pending = XmitTimer::none;
  s.retransmits = 0;
  s.backoff = 0;
  s.state = ClientState::established;
  observer_.on_connected(conn);
  if (s.defer_final_ack) {
    // "Save one ACK. Data will be ready after several ticks": the ACK is
    // scheduled as a delayed ACK at TCP_DELACK_MAX and rides on data if the
    // application writes first.
    s.ack_pending = true;
    events_.cancel(s.delack_timer);
    s.delack_timer = events_.schedule(clock_.fire_time(now_, clock_.to_jiffies(profile_->delack_max)), this,
                                      Event{Ev::client_delack, conn});
    note(conn, Reason{.kind = ReasonKind::final_ack_deferred, .n = to_ns(profile_->delack_max)});
    return;
  }
  send_client_ack(conn, {});
}

// Linux: tcp_delack_timer_handler() -> tcp_send_ack()
void Stack::client_delack(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  timer_context();
  if (!s.ack_pending || (s.state != ClientState::established && s.state != ClientState::fin_wait)) return;
  send_client_ack(conn, s.fin_received ? Reason{} : because(ReasonKind::deferred_ack_sent));
}

// Linux: tcp_send_ack()
void Stack::send_client_ack(std::uint32_t conn, const Reason& why) {
  ClientSock& s = sock(conn).client;
  Segment ack = make_segment(conn, true);
  ack.flags = kAck;
  ack.seq = s.snd_nxt;
  ack.ack = s.rcv_nxt;
  s.ack_pending = false;
  events_.cancel(s.delack_timer);
  xmit(ack, why);
}

// Linux: tcp_sendmsg() -> tcp_push() -> tcp_write_xmit(), then
// tcp_event_new_data_sent() (arms the RTO) and tcp_schedule_loss_probe().
void Stack::send(std::uint32_t conn, std::uint32_t bytes) {
  if (released(conn)) return;  // a closed socket
  ClientSock& s = sock(conn).client;
  if (s.state != ClientState::established) return;
  s.write_seq += bytes;
  send_data(conn, false, s.ack_pending ? because(ReasonKind::deferred_ack_on_data) : Reason{});
}

// Linux: tcp_write_xmit() for new data; __tcp_retransmit_skb() for a resend of the head.
void Stack::send_data(std::uint32_t conn, bool retransmit, const Reason& why) {
  ClientSock& s = sock(conn).client;
  Segment d = make_segment(conn, true);
  d.flags = kAck | kPsh;
  d.ack = s.rcv_nxt;
  if (retransmit) {
    d.seq = s.snd_una;
    d.len = s.write_seq - s.snd_una;
    for (SentSegment& u : s.unacked) {
      if (!seq::after(u.end_seq, s.write_seq)) u.retransmitted = true;
    }
  } else {
    d.seq = s.snd_nxt;
    d.len = s.write_seq - s.snd_nxt;
    s.snd_nxt = s.write_seq;
    s.unacked.push_back(SentSegment{.end_seq = s.snd_nxt, .sent = now_});
  }
  s.ack_pending = false;
  events_.cancel(s.delack_timer);
  xmit(d, why);
  if (retransmit) return;
  // tcp_event_new_data_sent(): arm the RTO if nothing was outstanding.
  if (s.pending == XmitTimer::none) arm_xmit_timer(conn, XmitTimer::retrans, s.rto);
  // tcp_schedule_loss_probe(): needs tcp_early_retrans 3 or 4, SACK, CA_Open.
  const bool tlp = (sys_.tcp_early_retrans == 3 || sys_.tcp_early_retrans == 4) && sys_.tcp_sack &&
                   rules().tlp != profile::Tlp::none && !s.in_loss && !s.tlp_sent;
  if (!tlp) return;
  const std::optional<std::uint64_t> pto = loss_probe_timeout(s);
  if (pto) arm_xmit_timer(conn, XmitTimer::loss_probe, *pto);
}

// Linux: tcp_schedule_loss_probe(), net/ipv4/tcp_output.c: the probe
// timeout with one packet out (rules.tlp), in jiffies, capped by the RTO
// ("if the RTO formula yields an earlier time, then use that time").
// nullopt: no probe (3.10 needs an RTT).
std::optional<std::uint64_t> Stack::loss_probe_timeout(const ClientSock& s) const {
  std::uint64_t pto = 0;
  switch (rules().tlp) {
    case profile::Tlp::none:
      return std::nullopt;
    case profile::Tlp::delack_floor: {
      // 3.10: rtt = srtt >> 3 in jiffies (RHEL 7.9: usecs_to_jiffies(srtt_us >> 3));
      // max(rtt << 1, rtt + rtt / 2 + TCP_DELACK_MAX, msecs_to_jiffies(10)).
      if (s.rtt.srtt == 0) return std::nullopt;
      const std::uint64_t rtt = rules().rtt_clock == profile::RttClock::usec
                                    ? clock_.to_jiffies(us(s.rtt.srtt >> 3))
                                    : static_cast<std::uint64_t>(s.rtt.srtt >> 3);
      pto = std::max(rtt << 1, rtt + (rtt >> 1) + clock_.to_jiffies(profile_->delack_max));
      pto = std::max(pto, clock_.to_jiffies(ms(10)));
      break;
    }
    case profile::Tlp::rto_min:
      // PTO = 2*srtt + tcp_rto_min with one packet out.
      pto = clock_.to_jiffies(profile_->timeout_init);
      if (s.rtt.srtt) pto = clock_.to_jiffies(us(s.rtt.srtt >> 2)) + clock_.to_jiffies(us(sys_.tcp_rto_min_us));
      break;
  }
  if (pto > s.rto) pto = s.rto;
  return pto;
}

// Linux: tcp_write_timer_handler(), net/ipv4/tcp_timer.c: the socket's one
// icsk_pending timer, dispatched to tcp_send_loss_probe() (ICSK_TIME_LOSS_PROBE)
// or tcp_retransmit_timer() (ICSK_TIME_RETRANS, the SYN's too).
void Stack::client_xmit_timer(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  timer_context();
  const XmitTimer what = s.pending;
  s.pending = XmitTimer::none;
  switch (what) {
    case XmitTimer::none:
      return;
    case XmitTimer::loss_probe:
      send_loss_probe(conn);
      return;
    case XmitTimer::retrans:
      retransmit_timer(conn);
      return;
  }
}

// Linux: tcp_send_loss_probe(), net/ipv4/tcp_output.c: retransmit the last
// segment once, then re-arm the RTO from now (tcp_rearm_rto).
void Stack::send_loss_probe(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  if (s.snd_una == s.snd_nxt) return;
  s.tlp_sent = true;
  ++s.data_retransmits;
  counters_.inc(Mib::TcpExtTCPLossProbes);
  counters_.inc(Mib::TcpRetransSegs);
  send_data(conn, true, because(ReasonKind::loss_probe));
  arm_xmit_timer(conn, XmitTimer::retrans, s.rto);
}

// Linux: tcp_model_timeout() + retransmits_timed_out() / the SYN_SENT count
// in tcp_write_timeout(), net/ipv4/tcp_timer.c
bool Stack::write_timeout(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  bool expired;
  if (s.state == ClientState::syn_sent) {
    const std::int64_t max_retransmits = sys_.tcp_syn_retries + syn_linear_timeouts();
    expired = s.retransmits >= max_retransmits;
  } else if (rules().write_timeout == profile::WriteTimeout::retransmit_count) {
    // 2.6.12: count-based, retransmits >= tcp_retries2.
    expired = s.retransmits >= static_cast<std::uint32_t>(sys_.tcp_retries2);
  } else {
    if (s.retransmits == 0 || !s.retrans_stamp_set) return false;
    // tcp_model_timeout(sk, tcp_retries2, TCP_RTO_MIN)
    const std::int64_t rto_base_ms = 200;  // TCP_RTO_MIN
    const std::int64_t rto_max_ms = sys_.tcp_rto_max_ms;
    std::int64_t thresh = 0;
    while ((rto_base_ms << (thresh + 1)) <= rto_max_ms) ++thresh;  // ilog2(rto_max / rto_base)
    const std::int64_t boundary = sys_.tcp_retries2;
    std::int64_t timeout_ms;
    if (boundary <= thresh) {
      timeout_ms = ((std::int64_t{2} << boundary) - 1) * rto_base_ms;
    } else {
      timeout_ms = ((std::int64_t{2} << thresh) - 1) * rto_base_ms + (boundary - thresh) * rto_max_ms;
    }
    expired = now_ - s.retrans_stamp >= ms(timeout_ms);
  }
  if (!expired) return false;
  counters_.inc(Mib::TcpExtTCPAbortOnTimeout);
  client_fail(conn, SockError::etimedout,
              s.state == ClientState::syn_sent
                  ? Reason{.kind = ReasonKind::syn_retries_exhausted, .a = s.retransmits}
                  : Reason{.kind = ReasonKind::data_retries_exhausted, .n = sys_.tcp_retries2});
  return true;
}

// Linux: tcp_retransmit_timer(), net/ipv4/tcp_timer.c
void Stack::retransmit_timer(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  // rules.timeouts_counter: 5.4+ counts every RTO; 2.6.12 to 4.18 only the
  // first of an episode (icsk_retransmits == 0, CA_Open).
  const bool count_timeout = rules().timeouts_counter == profile::TimeoutsCounter::every_rto || s.retransmits == 0;
  if (s.state == ClientState::syn_sent) {
    if (count_timeout) counters_.inc(Mib::TcpExtTCPTimeouts);
    if (write_timeout(conn)) return;
    ++s.retransmits;
    ++s.total_rto;
    send_syn(conn, true);
    // v6.5+: the first tcp_syn_linear_timeouts timeouts do not back off.
    if (s.total_rto > static_cast<std::uint32_t>(syn_linear_timeouts())) {
      ++s.backoff;
      ++s.rtt_backoff;
      const std::uint64_t rto_max = clock_.to_jiffies(ms(sys_.tcp_rto_max_ms));
      s.rto = std::min(s.rto << 1, rto_max);
    }
    arm_xmit_timer(conn, XmitTimer::retrans, s.rto);
    return;
  }
  if (s.snd_una == s.write_seq) return;  // no data outstanding
  if (count_timeout) counters_.inc(Mib::TcpExtTCPTimeouts);
  if (write_timeout(conn)) return;
  s.in_loss = true;  // tcp_enter_loss(): no more loss probes
  ++s.retransmits;
  ++s.total_rto;
  ++s.rto_retransmits;
  ++s.data_retransmits;
  counters_.inc(Mib::TcpRetransSegs);
  send_data(conn, true,
            Reason{.kind = ReasonKind::rto_retransmit,
                   .a = s.rto_retransmits,
                   .n = to_ns(clock_.to_duration(s.rto))});
  if (!s.retrans_stamp_set) {
    s.retrans_stamp = now_;
    s.retrans_stamp_set = true;
  }
  ++s.backoff;
  ++s.rtt_backoff;
  const std::uint64_t rto_max = clock_.to_jiffies(ms(sys_.tcp_rto_max_ms));
  s.rto = std::min(s.rto << 1, rto_max);
  arm_xmit_timer(conn, XmitTimer::retrans, s.rto);
}

void Stack::client_fail(std::uint32_t conn, SockError e, const Reason& why) {
  ClientSock& s = sock(conn).client;
  note(conn, why);
  events_.cancel(s.xmit_timer);
  events_.cancel(s.delack_timer);
  s.pending = XmitTimer::none;
  client_closed(conn, Duration{0});
  s.error = e;
  observer_.on_client_error(conn, e);
}

// Linux: tcp_ack() on an established client: snd_una advances; once
// everything is acked the retransmit timer stops and the backoff clears.
void Stack::established_ack(std::uint32_t conn, const Segment& seg) {
  ClientSock& s = sock(conn).client;
  const AckUpdate a = ack_update(s, seg);
  if (a == AckUpdate::none) return;
  if (a == AckUpdate::sampled) s.rtt_backoff = 0;
  // Our FIN is acked: the closed socket goes to TIME_WAIT (tcp_time_wait(),
  // or FIN_WAIT2 as a timewait socket) or from LAST_ACK to CLOSE, and leaves
  // its RTT for later connections.
  save_metrics_once(s, s.rtt_backoff);
  if (s.snd_una != s.snd_nxt) return;
  events_.cancel(s.xmit_timer);
  s.pending = XmitTimer::none;
  s.retransmits = 0;
  s.backoff = 0;
  s.in_loss = false;
  s.tlp_sent = false;
  s.retrans_stamp_set = false;
  if (s.write_seq != s.iss + 1 && !s.fin_sent) observer_.on_data_acked(conn);
}

// Linux: tcp_rcv_established() slow path -> tcp_validate_incoming(), tcp_ack(),
// tcp_data_queue(), tcp_fin().
void Stack::established_rcv(std::uint32_t conn, Segment& seg) {
  ClientSock& s = sock(conn).client;
  if (!established_validate(conn, seg)) return;
  if (seg.has_ts) s.ts_recent = seg.ts_val;
  established_ack(conn, seg);
  bool ack_now = false;
  if (seg.len > 0) {
    if (seg.seq == s.rcv_nxt) {
      s.rcv_nxt += seg.len;
      s.bytes_received += seg.len;
      observer_.on_response(conn, seg.len);
    }
    ack_now = true;
  }
  if ((seg.flags & kFin) && !s.fin_received && seg.seq + seg.len == s.rcv_nxt) {
    s.rcv_nxt += 1;
    s.fin_received = true;
    if (s.fin_sent) {
      // tcp_fin() in FIN_WAIT: ACK at once (then TIME_WAIT).
      ack_now = true;
    } else if (!ack_now) {
      // tcp_fin() in ESTABLISHED: CLOSE_WAIT and pingpong mode, so the ACK
      // is delayed (TCP_ATO_MIN); the application's close usually sends
      // FIN|ACK first and makes it unnecessary.
      s.ack_pending = true;
      events_.cancel(s.delack_timer);
      s.delack_timer =
          events_.schedule(clock_.fire_time(now_, clock_.to_jiffies(ms(40))), this, Event{Ev::client_delack, conn});
    }
  }
  if (ack_now) {
    Segment ack = make_segment(conn, true);
    ack.flags = kAck;
    ack.seq = s.snd_nxt;
    ack.ack = s.rcv_nxt;
    xmit(ack, {});
  }
  if ((seg.flags & kFin) && s.fin_received) observer_.on_client_fin(conn);
  if (s.fin_sent && s.snd_una == s.snd_nxt && s.fin_received && s.state != ClientState::done) {
    client_closed(conn, s.fin_first ? sec(1) : Duration{0});
    observer_.on_client_done(conn);
  }
}

// Linux: tcp_recvmsg() with a buffer larger than what is queued: copies
// every byte received in order, and the FIN behind them if it is there
// (found_fin_ok: ++copied_seq). Bookkeeping only: nothing is sent (the
// model's windows never close, so reading opens none).
void Stack::read(std::uint32_t conn) {
  if (released(conn)) return;
  ClientSock& s = sock(conn).client;
  if (s.state == ClientState::established || s.state == ClientState::fin_wait) s.copied_seq = s.rcv_nxt;
}

// Linux: tcp_close() -> tcp_send_fin(); with SO_LINGER {1,0}: tcp_disconnect()
// -> tcp_send_active_reset().
void Stack::close_client(std::uint32_t conn, bool rst) {
  if (released(conn)) return;
  ClientSock& s = sock(conn).client;
  if (s.state == ClientState::done || s.state == ClientState::closed) return;
  if (s.state == ClientState::syn_sent) {
    events_.cancel(s.xmit_timer);
    client_closed(conn, Duration{0});
    observer_.on_client_done(conn);
    return;
  }
  if (rst) {
    Segment r = make_segment(conn, true);
    r.flags = kRst | kAck;
    r.seq = s.snd_nxt;
    r.ack = s.rcv_nxt;
    counters_.inc(Mib::TcpOutRsts);
    counters_.inc(Mib::TcpEstabResets);
    events_.cancel(s.xmit_timer);
    events_.cancel(s.delack_timer);
    client_closed(conn, Duration{0});
    xmit(r, because(ReasonKind::linger_rst_close));
    observer_.on_client_done(conn);
    return;
  }
  if (s.fin_sent) return;
  Segment f = make_segment(conn, true);
  f.flags = kFin | kAck;
  f.seq = s.snd_nxt;
  f.ack = s.rcv_nxt;
  s.ack_pending = false;  // the FIN carries the ACK
  events_.cancel(s.delack_timer);
  s.fin_sent = true;
  s.fin_first = !s.fin_received;  // the active closer ends in TIME_WAIT
  s.snd_nxt += 1;
  s.unacked.push_back(SentSegment{.end_seq = s.snd_nxt, .sent = now_});
  s.state = ClientState::fin_wait;
  xmit(f, {});
  // Deviation: a FIN is not retransmitted (after the request is acked, the
  // loopback path to an existing child loses nothing).
  if (s.snd_una == s.write_seq) {
    events_.cancel(s.xmit_timer);
    s.pending = XmitTimer::none;
  }
  if (s.fin_received && s.snd_una == s.snd_nxt) {
    client_closed(conn, Duration{0});
    observer_.on_client_done(conn);
  }
}

}  // namespace synsim::tcp
