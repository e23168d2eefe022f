// The listener of the 2003 report's kernel (profile linux-2.5.66), and of
// every profile whose SYN-ACKs come from a per-listener sweep
// (rules.synack_timer = listener_sweep: linux-3.10 and rhel-7 run it with
// their own constants and switches, profile.cc says what differs).
//
// Read first: kernel-handshake.md §2 (Old), §3.2, §4.2, §5.2, §7 (O). The
// source read is 2.6.12-rc2 (torvalds/linux 1da177e4c3f4) and 2.4.20; a rule
// is assigned to 2.5.66 when both agree (§0). The differences from today that
// matter for the stall:
//   - a SYN is answered even while the accept queue is full, as long as at
//     most one request is young (tcp_v4_conn_request), so connections reach
//     SYN_RECV with nowhere to go;
//   - the SYN queue's size comes from tcp_max_syn_backlog, not the backlog;
//   - SYN-ACKs are retransmitted by one sweep timer per listener (every
//     200 ms, 68 of 512 hash buckets per run), first after TCP_TIMEOUT_INIT
//     (3 s), and acked requests are exempt from pruning;
//   - every SYN drop counts only Tcp AttemptFails.

#include <algorithm>

#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

namespace {

constexpr Duration kSynqInterval = ms(200);                // TCP_SYNQ_INTERVAL (HZ/5)

// Linux: jhash_2words() (include/linux/jhash.h, Bob Jenkins' lookup2 mix).
std::uint32_t jhash_2words(std::uint32_t a, std::uint32_t b, std::uint32_t initval) {
  std::uint32_t c = initval;
  a += 0x9e3779b9;  // JHASH_GOLDEN_RATIO
  b += 0x9e3779b9;
  a -= b; a -= c; a ^= (c >> 13);
  b -= c; b -= a; b ^= (a << 8);
  c -= a; c -= b; c ^= (b >> 13);
  a -= b; a -= c; a ^= (c >> 12);
  b -= c; b -= a; b ^= (a << 16);
  c -= a; c -= b; c ^= (b >> 5);
  a -= b; a -= c; a ^= (c >> 3);
  b -= c; b -= a; b ^= (a << 10);
  c -= a; c -= b; c ^= (b >> 15);
  return c;
}

std::uint32_t htons32(std::uint16_t port) {
  return static_cast<std::uint32_t>(static_cast<std::uint16_t>((port >> 8) | (port << 8)));
}

// A reason with two figures: a queue's depth and its limit.
Reason queue_reason(ReasonKind k, std::int64_t depth, std::int64_t limit) {
  return Reason{.kind = k, .a = static_cast<std::uint32_t>(depth), .b = static_cast<std::uint32_t>(limit)};
}

// The segment as 2.6.12's tcp_check_req names it (no "final ACK").
SegmentWord segment_word_old(const Segment& s) {
  if (s.len > 0) return SegmentWord::data_segment;
  if (s.flags & kFin) return SegmentWord::fin;
  return SegmentWord::ack;
}

}  // namespace

// Linux: tcp_v4_synq_hash(raddr, rport, rnd) & (TCP_SYNQ_HSIZE - 1) (2.6.12),
// inet_synq_hash(raddr, rport, rnd, nr_table_entries) (3.10); the remote
// address is 127.0.0.1 in network byte order.
std::uint32_t Stack::synq_hash_old(std::uint32_t conn) const {
  const std::uint32_t raddr = 0x0100007f;
  const auto mask = static_cast<std::uint32_t>(listener_.syn_table.size() - 1);
  return jhash_2words(raddr, htons32(this->conn(conn).client.port), listener_.hash_rnd) & mask;
}

// Linux: tcp_v4_conn_request(), net/ipv4/tcp_ipv4.c (2.6.12 = 2.4.20).
void Stack::tcp_v4_conn_request_old(Segment& seg) {
  Listener& l = listener_;
  Conn& c = sock(seg.conn);
  bool want_cookie = false;
  const std::int64_t synq_size = std::int64_t{1} << l.max_qlen_log;
  // tcp_synq_is_full(): qlen >> max_qlen_log != 0
  if (l.qlen >= synq_size) {
    if (sys_.tcp_syncookies) {
      want_cookie = true;
    } else {
      counters_.inc(Mib::TcpAttemptFails);
      note(seg.conn, queue_reason(ReasonKind::syn_dropped_synq_full_2_5, l.qlen, synq_size));
      return;
    }
  }
  // "Accept backlog is full. If we have already queued enough of warm
  // entries in syn queue, drop request. It is better than clogging syn queue
  // with openreqs with exponentially increasing timeout."
  // (acceptq_full_drops_syn(): young > 1 until 5ea8ea2cb7f1.)
  if (acceptq_full_drops_syn()) {
    counters_.inc(Mib::TcpAttemptFails);
    Reason why = queue_reason(ReasonKind::syn_dropped_acceptq_full_2_5, l.ack_backlog, l.max_ack_backlog + 1);
    why.c = static_cast<std::uint32_t>(l.young);
    note(seg.conn, why);
    return;
  }
  if (!want_cookie && sys_.tcp_syncookies == 0 &&
      sys_.tcp_max_syn_backlog - l.qlen < (sys_.tcp_max_syn_backlog >> 2)) {
    // No peer is "proven": the route (and its RTT) and the inet_peer are
    // looked up only with tcp_tw_recycle on ("(!dst || !dst->rtt)" with dst
    // NULL; 2.4.20, 2.6.11), which the model does not have.
    counters_.inc(Mib::TcpAttemptFails);
    note(seg.conn, queue_reason(ReasonKind::syn_dropped_synq_last_quarter_2_5, l.qlen, sys_.tcp_max_syn_backlog));
    return;
  }
  const bool answered_while_full = l.ack_backlog > l.max_ack_backlog;
  if (want_cookie) {
    // cookie_v4_init_sequence(): stamps last_synq_overflow, SyncookiesSent.
    c.syncookie = true;
    c.cookie_isn = isn_rng_.next_u32();
    c.cookie_issued = now_;
    c.req.rcv_isn = seg.seq;
    c.req.ts_recent = seg.ts_val;
    c.req.ts_off = ts_clock_offset_;  // one jiffies clock for every socket
    l.overflow_stamped = true;
    l.last_overflow = now_;
    counters_.inc(Mib::TcpExtSyncookiesSent);
    Segment sa = make_synack(seg.conn, c.cookie_isn, seg.seq + 1);
    sa.ts_ecr = seg.ts_val;
    xmit(sa, queue_reason(ReasonKind::syncookie_synack_2_5, l.qlen, synq_size));
    return;
  }
  RequestSock& r = c.req;
  r = RequestSock{};
  r.live = true;
  r.rcv_isn = seg.seq;
  r.rcv_nxt = seg.seq + 1;
  r.snt_isn = isn_rng_.next_u32();
  r.ts_off = ts_clock_offset_;  // one jiffies clock for every socket
  r.ts_recent = seg.ts_val;
  r.timeout = profile_->timeout_init;
  // The SYN-ACK goes out before the request is queued (tcp_v4_send_synack,
  // then tcp_v4_synq_add).
  send_synack(seg.conn, false,
              answered_while_full ? queue_reason(ReasonKind::synack_while_acceptq_full_2_5, l.ack_backlog,
                                                 l.max_ack_backlog + 1)
                                  : Reason{});
  // tcp_v4_synq_add(): expires = now + TCP_TIMEOUT_INIT, head of its chain;
  // tcp_synq_added(): qlen 0 -> 1 arms the sweep for TCP_TIMEOUT_INIT.
  r.expires = now_ + profile_->timeout_init;
  auto& chain = l.syn_table[synq_hash_old(seg.conn)];
  chain.insert(chain.begin(), seg.conn);
  if (l.qlen++ == 0) {
    events_.cancel(l.sweep_timer);
    l.sweep_timer = events_.schedule(clock_.fire_time(now_, clock_.to_jiffies(profile_->timeout_init)), this,
                                     Event{Ev::synack_sweep, 0});
  }
  ++l.young;
}

// Linux: tcp_synq_unlink() + tcp_synq_removed(): qlen--, young-- if never
// retransmitted, and the sweep stops when the queue empties.
void Stack::synq_unlink_old(std::uint32_t conn) {
  RequestSock& r = sock(conn).req;
  if (!r.live) return;
  r.live = false;
  auto& chain = listener_.syn_table[synq_hash_old(conn)];
  chain.erase(std::find(chain.begin(), chain.end(), conn));
  if (--listener_.qlen == 0) events_.cancel(listener_.sweep_timer);
  if (r.num_retrans == 0) --listener_.young;
}

// Linux: tcp_check_req(), net/ipv4/tcp_minisocks.c (2.6.12), via
// tcp_v4_hnd_req() (§4.2 steps 2-10).
void Stack::tcp_check_req_old(Segment& seg) {
  const std::uint32_t conn = seg.conn;
  Conn& c = sock(conn);
  RequestSock& r = c.req;
  Listener& l = listener_;
  // 2. A pure retransmitted SYN: the SYN-ACK again, unconditionally; the
  //    request's timer is not touched.
  if (seg.seq == r.rcv_isn && seg.flags == kSyn) {
    send_synack(conn, true, because(ReasonKind::synack_rtx_for_syn_2_5));
    return;
  }
  if ((seg.flags & kAck) && seg.ack != r.snt_isn + 1) {
    send_reset_for(seg, because(ReasonKind::request_bad_ack_rst));
    return;
  }
  const std::uint32_t rcv_wnd = 65535;
  const auto in_window = [&] {
    const std::uint32_t s = r.rcv_isn + 1;
    if (seg.seq == s) return true;
    if (seq::after(seg.end_seq(), s) && seq::before(seg.seq, s + rcv_wnd)) return true;
    return seg.seq == s + rcv_wnd && seg.seq == seg.end_seq();
  };
  if (!in_window()) {
    if (!(seg.flags & kRst)) {
      Segment ack = make_segment(conn, false);
      ack.flags = kAck;
      ack.seq = r.snt_isn + 1;
      ack.ack = r.rcv_nxt;
      xmit(ack, because(ReasonKind::request_oow_ack_2_5));
    }
    return;
  }
  if (seg.has_ts) r.ts_recent = seg.ts_val;
  std::uint8_t flg = seg.flags;
  if (seg.seq == r.rcv_isn) flg &= static_cast<std::uint8_t>(~kSyn);
  if (flg & (kRst | kSyn)) {
    counters_.inc(Mib::TcpAttemptFails);
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    if (!(flg & kRst)) send_reset_for(seg, because(ReasonKind::request_syn_rst));
    synq_unlink_old(conn);
    note(conn, because(ReasonKind::request_removed_2_5));
    return;
  }
  if (!(flg & kAck)) return;
  // TCP_DEFER_ACCEPT: a bare ACK only marks the request (no counter then).
  if (l.defer_accept && seg.end_seq() == r.rcv_isn + 1) {
    r.acked = true;
    note(conn, because(ReasonKind::defer_accept_ack_dropped_2_5));
    return;
  }
  if (!syn_recv_sock(conn, segment_word_old(seg), false)) {
    if (!sys_.tcp_abort_on_overflow) {
      r.acked = true;
      return;
    }
    counters_.inc(Mib::TcpExtEmbryonicRsts);
    send_reset_for(seg, because(ReasonKind::abort_on_overflow_rst));
    synq_unlink_old(conn);
    return;
  }
  const bool was_acked = r.acked;
  synq_unlink_old(conn);
  create_child(conn, r.snt_isn, r.rcv_isn, false);
  Reason created = queue_reason(ReasonKind::child_created_2_5, l.ack_backlog, l.max_ack_backlog + 1);
  created.segment = seg.len > 0 ? SegmentWord::data_segment : SegmentWord::ack;
  created.flag = was_acked;
  created.c = c.synack_retransmits;
  note(conn, created);
  child_established(conn, seg, false);
  child_rcv(conn, seg);
  observer_.on_accept_ready();
}

// Linux: tcp_synack_timer(), net/ipv4/tcp_timer.c (2.6.12), run from the
// listener's keepalive timer every TCP_SYNQ_INTERVAL while qlen > 0.
void Stack::tcp_synack_timer_old() {
  Listener& l = listener_;
  timer_context();
  if (l.qlen == 0) return;
  const std::int64_t max_retries_base = l.syncnt ? l.syncnt : sys_.tcp_synack_retries;
  std::int64_t thresh = max_retries_base;
  std::int64_t max_retries = max_retries_base;
  // Prune when the queue is half full: acked requests are exempt below.
  if (l.qlen >> (l.max_qlen_log - 1)) {
    std::int64_t young = l.young << 1;
    while (thresh > 2) {
      if (l.qlen < young) break;
      --thresh;
      young <<= 1;
    }
  }
  if (l.defer_accept) max_retries = l.defer_accept;
  // budget = 2 * (table size / (TCP_TIMEOUT_INIT / TCP_SYNQ_INTERVAL)):
  // 68 on 2.6.12 (512 chains, 3 s); 3.10's inet_csk_reqsk_queue_prune()
  // the same with its table and 1 s.
  const auto table = static_cast<std::uint32_t>(l.syn_table.size());
  const std::uint32_t budget =
      2 * (table / static_cast<std::uint32_t>(to_ns(profile_->timeout_init) / to_ns(kSynqInterval)));
  std::uint32_t i = l.clock_hand;
  for (std::uint32_t n = 0; n < budget; ++n) {
    // Walk a copy: entries are unlinked while walking.
    const std::vector<std::uint32_t> chain = l.syn_table[i];
    for (std::uint32_t conn : chain) {
      Conn& c = sock(conn);
      RequestSock& r = c.req;
      if (!r.live || now_ < r.expires) continue;
      if (r.num_retrans < thresh || (r.acked && r.num_retrans < max_retries)) {
        send_synack(conn, true,
                    Reason{.kind = ReasonKind::synack_sweep_retransmit_2_5,
                           .flag = r.acked,
                           .a = static_cast<std::uint32_t>(r.num_retrans + 1),
                           .b = i});
        if (r.num_retrans++ == 0) --l.young;
        Duration timeo = profile_->timeout_init * (std::int64_t{1} << r.num_retrans);
        if (timeo > ms(sys_.tcp_rto_max_ms)) timeo = ms(sys_.tcp_rto_max_ms);
        r.expires = now_ + timeo;
        continue;
      }
      note(conn, Reason{.kind = ReasonKind::request_dropped_2_5, .a = r.num_retrans});
      synq_unlink_old(conn);
    }
    i = (i + 1) & (table - 1);
  }
  l.clock_hand = i;
  if (l.qlen) {
    l.sweep_timer = events_.schedule(clock_.fire_time(now_, clock_.to_jiffies(kSynqInterval)), this,
                                     Event{Ev::synack_sweep, 0});
  }
}

// Linux: cookie_v4_check(), net/ipv4/syncookies.c (2.6.12): every ACK for
// which no request exists is checked when syncookies are on; it fails
// (SyncookiesFailed) unless this listener sent a cookie within the last
// 3 s (TCP_TIMEOUT_INIT on 2.6.12, TCP_TIMEOUT_FALLBACK on 3.10:
// rules.syncookie_recent_overflow) and the cookie matches.
bool Stack::cookie_check_old(Segment& seg) {
  Listener& l = listener_;
  Conn& c = sock(seg.conn);
  if (!sys_.tcp_syncookies || !(seg.flags & kAck) || (seg.flags & (kRst | kSyn))) return false;
  const bool recent = l.overflow_stamped && now_ <= l.last_overflow + syncookie_recent_window();
  if (!recent || !c.syncookie || seg.ack != c.cookie_isn + 1 || seg.seq != c.req.rcv_isn + 1) {
    counters_.inc(Mib::TcpExtSyncookiesFailed);
    return false;
  }
  counters_.inc(Mib::TcpExtSyncookiesRecv);
  if (!syn_recv_sock(seg.conn, seg.len > 0 ? SegmentWord::data_segment : SegmentWord::ack, true)) return true;
  create_child(seg.conn, c.cookie_isn, c.req.rcv_isn, true);
  note(seg.conn, queue_reason(ReasonKind::cookie_child_created_2_5, l.ack_backlog, l.max_ack_backlog + 1));
  child_established(seg.conn, seg, true);
  child_rcv(seg.conn, seg);
  observer_.on_accept_ready();
  return true;
}

}  // namespace synsim::tcp
