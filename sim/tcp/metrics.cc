// The RTT estimator and the per-destination RTT memory.
//
// Read first:
//   2.4.20 and 2.6.11 net/ipv4/tcp_input.c: tcp_rtt_estimator(), tcp_set_rto(),
//     tcp_ack_saw_tstamp(), tcp_update_metrics(), tcp_init_metrics(); the
//     SYN_RECV case of tcp_rcv_state_process() (the server child's first
//     sample); net/ipv4/route.c ip_route_output_slow() (loopback routes are
//     DST_HOST), ip_route_output_key() (the cache key: daddr, saddr, tos,
//     oif, no ports), rt_may_expire() (an entry in use is never collected).
//   6.x net/ipv4/tcp_metrics.c tcp_update_metrics(), tcp_init_metrics();
//     tcp_input.c tcp_synack_rtt_meas(), tcp_ack_update_rtt().
//
// A connection that closes cleanly (TIME_WAIT, or LAST_ACK -> CLOSE) leaves
// its srtt and mdev in the one entry every loopback connection shares
// (client and server child alike go 127.0.0.1 -> 127.0.0.1); a connection
// that becomes ESTABLISHED starts from it. On loopback the only large RTT
// samples are the server child's first one when its final ACK was dropped
// (the accept queue was full) and a later segment created it: that sample
// is the age of the SYN-ACK the segment echoes, the whole stall. The child's
// close then raises every later connection's RTO.
#include "sim/core/seq.h"
#include "sim/tcp/stack.h"

namespace synsim::tcp {

// Linux: tcp_rtt_estimator(), net/ipv4/tcp_input.c (the same code in 2.4.20,
// 2.6.11 in jiffies and 6.x in microseconds; 2.x counts a zero sample as 1).
void Stack::rtt_estimator(RttEstimator& e, std::int64_t m, std::uint32_t snd_una, std::uint32_t snd_nxt) const {
  const bool usec = rules().rtt_clock == profile::RttClock::usec;
  if (!usec && m == 0) m = 1;
  const std::int64_t rto_min = rto_min_units();
  if (e.srtt != 0) {
    m -= e.srtt >> 3;  // m is now the error in the estimate
    e.srtt += m;       // srtt = 7/8 srtt + 1/8 new
    if (m < 0) {
      m = -m;
      m -= e.mdev >> 2;
      if (m > 0) m >>= 3;  // a smaller sample moves mdev with gain 1/32
    } else {
      m -= e.mdev >> 2;
    }
    e.mdev += m;  // mdev = 3/4 mdev + 1/4 new
    if (e.mdev > e.mdev_max) {
      e.mdev_max = e.mdev;
      if (e.mdev_max > e.rttvar) e.rttvar = e.mdev_max;
    }
    if (seq::after(snd_una, e.rtt_seq)) {
      if (e.mdev_max < e.rttvar) e.rttvar -= (e.rttvar - e.mdev_max) >> 2;
      e.rtt_seq = snd_nxt;
      e.mdev_max = rto_min;
    }
  } else {
    e.srtt = m << 3;
    e.mdev = m << 1;  // rto = 3 rtt
    e.rttvar = std::max(e.mdev, rto_min);
    e.mdev_max = e.rttvar;
    e.rtt_seq = snd_nxt;
  }
  if (usec && e.srtt < 1) e.srtt = 1;  // tp->srtt_us = max(1U, srtt)
}

std::int64_t Stack::rto_min_units() const {
  // TCP_RTO_MIN (HZ/5 jiffies) on 2.x; tcp_rto_min_us on 6.x (rules.rtt_clock).
  return rules().rtt_clock == profile::RttClock::usec ? sys_.tcp_rto_min_us : clock_.hz() / 5;
}

// Linux: tcp_set_rto() + tcp_bound_rto(): rto = srtt / 8 + rttvar, at most
// TCP_RTO_MAX; 6.x converts microseconds with usecs_to_jiffies().
std::uint64_t Stack::rto_from(const RttEstimator& e) const {
  const std::int64_t units = (e.srtt >> 3) + e.rttvar;
  const std::uint64_t rto = rules().rtt_clock == profile::RttClock::usec ? clock_.to_jiffies(us(units))
                                                                        : static_cast<std::uint64_t>(units);
  return std::min(rto, clock_.to_jiffies(ms(sys_.tcp_rto_max_ms)));
}

// One RTT sample from an ACK that advanced snd_una, in the estimator's units.
// Linux: tcp_ack_update_rtt() (6.x), tcp_ack_saw_tstamp() / tcp_ack_no_tstamp() (2.x).
// 2.x prefers the timestamp echo (tcp_time_stamp - rcv_tsecr, jiffies); 6.x
// prefers the send time of the oldest newly acked segment (microseconds) and
// falls back to the echo (milliseconds, at least 1). Karn: no sequence
// sample when any acked segment was retransmitted. -1: no sample.
std::int64_t Stack::ack_rtt_sample(const Segment& seg, std::uint32_t ts_off, std::optional<Time> sent) const {
  const bool echo = seg.has_ts && seg.ts_ecr != 0;
  const std::int64_t echo_ms = echo ? std::max<std::int64_t>(0, static_cast<std::int32_t>(ts_now(ts_off) - seg.ts_ecr)) : -1;
  if (rules().rtt_clock == profile::RttClock::jiffies) {
    if (echo) return static_cast<std::int64_t>(clock_.to_jiffies(ms(echo_ms)));
    if (sent) return static_cast<std::int64_t>(jiffies() - clock_.jiffies(*sent));
    return -1;
  }
  if (sent) return (to_ns(now_) - to_ns(*sent)) / 1000;
  if (echo) return std::max<std::int64_t>(echo_ms, 1) * 1000;
  return -1;
}

// The segments `ack` covers leave the queue; the send time of the oldest of
// them, unless one was retransmitted (Karn), for the sequence RTT sample.
// Linux: tcp_clean_rtx_queue() (FLAG_RETRANS_DATA_ACKED forbids the sample).
std::optional<Time> Stack::take_acked(std::vector<SentSegment>& unacked, std::uint32_t ack) {
  std::optional<Time> oldest;
  bool retransmitted = false;
  std::size_t n = 0;
  while (n < unacked.size() && !seq::after(unacked[n].end_seq, ack)) {
    if (!oldest) oldest = unacked[n].sent;
    retransmitted = retransmitted || unacked[n].retransmitted;
    ++n;
  }
  unacked.erase(unacked.begin(), unacked.begin() + static_cast<std::ptrdiff_t>(n));
  if (retransmitted) return std::nullopt;
  return oldest;
}

// Linux: tcp_init_metrics(), as a socket becomes ESTABLISHED
// (tcp_rcv_synsent_state_process() on the client, the SYN_RECV case of
// tcp_rcv_state_process() on the server child), after its first RTT sample.
// `saw_tstamp`: the segment that completed the handshake carried a timestamp.
void Stack::tcp_init_metrics(RttEstimator& e, std::uint64_t& rto, bool saw_tstamp, std::uint32_t snd_nxt) const {
  const RttMemoryEntry& dst = rtt_memory_;
  switch (rules().rtt_memory) {
    case RttMemory::seeds_estimator: {
      // 2.4.20 and 2.6.11 (net/ipv4/tcp_input.c); they differ only in
      // rtt_seq, set here as 2.6.11 does.
      const auto timeout_init = static_cast<std::int64_t>(clock_.to_jiffies(profile_->timeout_init));
      bool reset = dst.rtt == 0 || (e.srtt == 0 && dst.rtt < (timeout_init << 3));
      if (!reset) {
        // "Initial rtt is determined from SYN,SYN-ACK. The segment is small
        // and rtt may appear much less than real one. Use per-dst memory to
        // make it more realistic."
        if (dst.rtt > e.srtt) {
          e.srtt = dst.rtt;
          e.rtt_seq = snd_nxt;
        }
        if (dst.rttvar > e.mdev) {
          e.mdev = dst.rttvar;
          e.mdev_max = e.rttvar = std::max(e.mdev, rto_min_units());
        }
        rto = rto_from(e);
        reset = rto < static_cast<std::uint64_t>(timeout_init) && !saw_tstamp;
      }
      // "Play conservative. If timestamps are not supported, TCP will fail
      // to recalculate correct rtt, if initial rto is too small."
      if (reset && !saw_tstamp && e.srtt != 0) {
        e.srtt = 0;
        e.mdev = e.mdev_max = e.rttvar = timeout_init;
        rto = static_cast<std::uint64_t>(timeout_init);
      }
      return;
    }
    case RttMemory::seeds_first_rto: {
      // 6.x net/ipv4/tcp_metrics.c: the cached RTT seeds the first RTO only
      // ("keep the RTT estimator variables intact").
      const std::int64_t crtt = dst.rtt;  // the estimator's units, scaled by 8
      if (crtt > e.srtt) {
        // crtt /= 8 * USEC_PER_SEC / HZ; icsk_rto = crtt + max(2 crtt, tcp_rto_min(sk))
        // (a jiffies estimator, RHEL 7.9's backport onto 3.10: crtt >> 3 jiffies).
        const std::int64_t c = rules().rtt_clock == profile::RttClock::usec ? crtt / (8 * 1000000 / clock_.hz())
                                                                            : crtt >> 3;
        const auto rto_min = static_cast<std::int64_t>(clock_.to_jiffies(us(sys_.tcp_rto_min_us)));
        // Deviation: capped here; the kernel caps the timer it arms with it
        // (inet_csk_reset_xmit_timer(), TCP_RTO_MAX), and a backed-off RTO
        // is min(2 rto, TCP_RTO_MAX) either way.
        rto = std::min(static_cast<std::uint64_t>(c + std::max(2 * c, rto_min)),
                       clock_.to_jiffies(ms(sys_.tcp_rto_max_ms)));
      } else if (e.srtt == 0) {
        // RFC 6298 5.7: no sample from the handshake -> TCP_TIMEOUT_FALLBACK.
        e.rttvar = e.mdev = e.mdev_max = to_ns(profile_->timeout_fallback) / 1000;
        rto = clock_.to_jiffies(profile_->timeout_fallback);
      }
      return;
    }
  }
}

// Linux: tcp_update_metrics(), when a socket that closed cleanly enters
// TIME_WAIT (tcp_time_wait()) or goes from LAST_ACK to CLOSE: "If newly
// calculated rtt larger than stored one, store new one. Otherwise, use EWMA.
// Remember, rtt overestimation is always better than underestimation."
// The same code in 2.4.20, 2.6.11 (route cache, jiffies) and 6.x
// (tcp_metrics, microseconds); tcp_no_metrics_save is 2.6.11's and 6.x's.
void Stack::tcp_update_metrics(const RttEstimator& e, std::uint32_t backoff) {
  if (sys_.tcp_no_metrics_save != 0) return;
  RttMemoryEntry& dst = rtt_memory_;
  if (backoff != 0 || e.srtt == 0) {
    // "This session failed to estimate rtt. Why? Probably, no packets
    // returned in time. Reset our results."
    dst.rtt = 0;
    return;
  }
  std::int64_t m = dst.rtt - e.srtt;
  dst.rtt = m <= 0 ? e.srtt : dst.rtt - (m >> 3);
  if (m < 0) m = -m;
  m >>= 1;  // scale the deviation to rttvar's fixed point
  if (m < e.mdev) m = e.mdev;
  dst.rttvar = m >= dst.rttvar ? m : dst.rttvar - ((dst.rttvar - m) >> 2);
}

template <typename Sock>
Stack::AckUpdate Stack::ack_update(Sock& s, const Segment& seg) {
  if (!(seg.flags & kAck) || !seq::after(seg.ack, s.snd_una) || seq::after(seg.ack, s.snd_nxt)) return AckUpdate::none;
  s.snd_una = seg.ack;
  const std::int64_t m = ack_rtt_sample(seg, s.ts_off, take_acked(s.unacked, seg.ack));
  if (m < 0) return AckUpdate::advanced;
  rtt_estimator(s.rtt, m, s.snd_una, s.snd_nxt);
  s.rto = rto_from(s.rtt);
  return AckUpdate::sampled;
}

template <typename Sock>
void Stack::save_metrics_once(Sock& s, std::uint32_t backoff) {
  if (!s.fin_sent || s.snd_una != s.snd_nxt || s.metrics_saved) return;
  s.metrics_saved = true;
  tcp_update_metrics(s.rtt, backoff);
}

template Stack::AckUpdate Stack::ack_update(ClientSock&, const Segment&);
template Stack::AckUpdate Stack::ack_update(ChildSock&, const Segment&);
template void Stack::save_metrics_once(ClientSock&, std::uint32_t);
template void Stack::save_metrics_once(ChildSock&, std::uint32_t);

}  // namespace synsim::tcp
