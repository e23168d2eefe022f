// The established client's answers to segments that do not belong: a SYN
// (the server's retransmitted SYN-ACK, whose request never saw the final
// ACK) and an RST out of sequence.
//
// Read first: kernel-handshake.md §6.3, §6.4; net/ipv4/tcp_input.c
// tcp_validate_incoming(), tcp_send_challenge_ack(), __tcp_oow_rate_limited()
// (6.x), tcp_data_queue() "A retransmit" (2.6.12). Which answer a profile
// gives, and its limits, are rule switches: challenge_ack, oow_rate_limit.
#include "sim/tcp/stack.h"

namespace synsim::tcp {

// Linux: tcp_send_challenge_ack() with the per-socket limit of
// tcp_oow_rate_limited() (tcp_invalid_ratelimit, shared with other
// out-of-window ACKs; rules.oow_rate_limit), then the budget of
// tcp_challenge_ack_limit per second (rules.challenge_ack).
void Stack::send_challenge_ack(std::uint32_t conn) {
  ClientSock& s = sock(conn).client;
  // Deviation: 2.x (challenge_ack none_dupack_dsack) had no challenge ACK:
  // an in-window RST reset the connection. The model answers a non-exact
  // RST on every profile as 6.x does, rate-limited, as it did before the
  // profiles were switches.
  const bool pre_rfc5961 = rules().challenge_ack == profile::ChallengeAck::none_dupack_dsack;
  if (rules().oow_rate_limit == profile::OowRateLimit::per_socket || pre_rfc5961) {
    const std::uint64_t limit = clock_.to_jiffies(ms(sys_.tcp_invalid_ratelimit));
    if (s.oow_ack_sent && jiffies() - s.last_oow_ack_jiffies < limit) {
      counters_.inc(Mib::TcpExtTCPACKSkippedChallenge);
      note(conn, Reason{.kind = ReasonKind::challenge_ack_suppressed, .n = sys_.tcp_invalid_ratelimit});
      return;
    }
    s.oow_ack_sent = true;
    s.last_oow_ack_jiffies = jiffies();
  }
  // Deviation: a challenge ACK the budget holds back is silent in the
  // kernel and here (no counter, no note; the timeline shows no ACK).
  if (!challenge_ack_budget()) return;
  counters_.inc(Mib::TcpExtTCPChallengeACK);
  Segment ack = make_segment(conn, true);
  ack.flags = kAck;
  ack.seq = s.snd_nxt;
  ack.ack = s.rcv_nxt;
  xmit(ack, because(ReasonKind::challenge_ack));
}

// Linux: the RFC 5961 budget of tcp_send_challenge_ack(): per second
// (jiffies / HZ), tcp_challenge_ack_limit ACKs (global_limit, 3.6+), or
// limit/2 + prandom_u32_max(limit) (global_limit_randomized, 4.7+, and
// per_netns, 6.0+, where INT_MAX means no budget at all). True: send.
bool Stack::challenge_ack_budget() {
  const std::int64_t limit = sys_.tcp_challenge_ack_limit;
  const profile::ChallengeAck rule = rules().challenge_ack;
  if (rule == profile::ChallengeAck::none_dupack_dsack) return true;  // see send_challenge_ack()
  if (rule == profile::ChallengeAck::per_netns && limit == 2147483647) return true;  // INT_MAX
  const std::uint64_t second = jiffies() / static_cast<std::uint64_t>(clock_.hz());
  if (!challenge_started_ || second != challenge_second_) {
    challenge_started_ = true;
    challenge_second_ = second;
    if (rule == profile::ChallengeAck::global_limit) {
      challenge_count_ = limit;  // ++count <= limit, counted down here
    } else {
      const std::int64_t half = (limit + 1) >> 1;
      challenge_count_ = half + (limit > 0 ? challenge_rng_.between(0, limit - 1) : 0);
    }
  }
  if (challenge_count_ <= 0) return false;
  --challenge_count_;
  return true;
}

// Linux: tcp_validate_incoming() on an established client: an RST in
// sequence resets the connection, one out of sequence and a SYN get a
// challenge ACK (RFC 5961); on 2.6.12 a SYN-ACK is an old segment that gets
// a duplicate ACK with a D-SACK block. False when the segment ends here.
bool Stack::established_validate(std::uint32_t conn, Segment& seg) {
  ClientSock& s = sock(conn).client;
  if (seg.flags & kRst) {
    if (seg.seq == s.rcv_nxt) {
      counters_.inc(Mib::TcpEstabResets);
      client_fail(conn, SockError::econnreset, because(ReasonKind::connection_reset));
    } else {
      send_challenge_ack(conn);
    }
    return false;
  }
  if ((seg.flags & kSyn) && rules().challenge_ack == profile::ChallengeAck::none_dupack_dsack) {
    // 2.6.11/2.6.12 tcp_rcv_established() slow path: tcp_replace_ts_recent()
    // runs before the SYN is looked at, and the SYN-ACK (seq <= rcv_wup)
    // passes it, so the duplicate ACK echoes the retransmitted SYN-ACK's
    // TSval (the 2003 capture's line 6: "timestamp 19536528 19536528").
    if (seg.has_ts) s.ts_recent = seg.ts_val;
    // 2.6.12: the SYN-ACK is an old segment (end_seq <= rcv_nxt):
    // tcp_data_queue() "A retransmit" -> DelayedACKLost, tcp_dsack_set()
    // and an immediate ACK carrying a D-SACK block for [ISN, ISN+1).
    // Not rate-limited. This is the report's "sack 1 {0:1}".
    counters_.inc(Mib::TcpExtDelayedACKLost);
    Segment ack = make_segment(conn, true);
    ack.flags = kAck;
    ack.seq = s.snd_nxt;
    ack.ack = s.rcv_nxt;
    if (sys_.tcp_sack && sys_.tcp_dsack) {
      counters_.inc(Mib::TcpExtTCPDSACKOldSent);
      ack.has_sack = true;
      ack.sack_left = seg.seq;
      ack.sack_right = seg.seq + 1;
    }
    xmit(ack, because(ReasonKind::dsack_duplicate_ack));
    return false;
  }
  if (seg.flags & kSyn) {
    // A SYN on an established socket (here: the server's retransmitted
    // SYN-ACK, because its request never saw our ACK). RFC 5961 4.2.
    counters_.inc(Mib::TcpInErrs);
    counters_.inc(Mib::TcpExtTCPSYNChallenge);
    send_challenge_ack(conn);
    return false;
  }
  return true;
}

}  // namespace synsim::tcp
