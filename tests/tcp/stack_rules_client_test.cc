// The client's rule switches (sim/profile/rules.h), as
// stack_rules_listener_test.cc: the same script on both sides of one
// switch. Here the stack connect()s and the script plays the server.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/tcp/stack_rules.h"

namespace synsim::tcp::testing {
namespace {

using namespace std::chrono_literals;
using namespace profile;

// connect() at 0 and the server's SYN-ACK after `rtt`: the final ACK goes out.
void handshake(StackScript& s, Duration rtt = 20us) {
  s.connect(0ms, 0);
  s.out(0ms, syn(0));
  s.in(rtt, syn_ack(0, 1));
  s.out(rtt, ack(1, 1));
}

std::size_t count(const std::vector<SentPkt>& sent, const Pkt& p) {
  std::size_t n = 0;
  for (const SentPkt& s : sent) {
    if (s.pkt.flags == p.flags && s.pkt.seq == p.seq && s.pkt.ack == p.ack && s.pkt.sack == p.sack) ++n;
  }
  return n;
}

TEST(Rules, RetransmittedSynAckGetsAChallengeAckOrADupAckWithDsack) {
  const Profile dsack = flipped("linux-6.18", &Rules::challenge_ack, ChallengeAck::none_dupack_dsack);
  for (const auto& [p, challenge] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&dsack, false}}) {
    SCOPED_TRACE(challenge ? "per_netns" : "none_dupack_dsack");
    StackScript s(Kernel{.custom = p});
    handshake(s);
    s.in(1s, syn_ack(0, 1));
    if (challenge) {
      s.out(1s, ack(1, 1));
      EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPChallengeACK), 1);
    } else {
      s.out(1s, ack(1, 1).with_sack(0, 1));
      EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPDSACKOldSent), 1);
    }
  }
}

// 20 retransmitted SYN-ACKs within one second (jiffies / HZ = 1), no
// per-socket limit: how many challenge ACKs go out with limit 10.
std::size_t challenge_acks_of_20(const Profile& p) {
  StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_challenge_ack_limit", 10}, {"net.ipv4.tcp_invalid_ratelimit", 0}},
                       .custom = &p});
  handshake(s);
  std::size_t acks = 0;
  for (int i = 0; i < 20; ++i) {
    s.in(1s + 10ms * i, syn_ack(0, 1));
    acks += count(s.take_until(1s + 10ms * i), ack(1, 1));
  }
  return acks;
}

TEST(Rules, ChallengeAckBudgetIsTheLimitOrHalfItPlusARandomPart) {
  // 3.6+: ++count <= limit, 10 a second. 75ff39ccc1bd (4.7): a budget of
  // limit/2 + prandom_u32_max(limit), 5 to 14; with this seed not 10.
  const Profile global = flipped("linux-6.18", &Rules::challenge_ack, ChallengeAck::global_limit);
  const Profile randomized = flipped("linux-6.18", &Rules::challenge_ack, ChallengeAck::global_limit_randomized);
  EXPECT_EQ(challenge_acks_of_20(global), 10u);
  const std::size_t r = challenge_acks_of_20(randomized);
  EXPECT_GE(r, 5u);
  EXPECT_LE(r, 14u);
  EXPECT_NE(r, 10u);
}

TEST(Rules, PerNetnsChallengeAckLimitIsUnlimitedByDefault) {
  // The randomized budget of 5.15 (limit 1000: 500 to 1499 a second) and
  // 6.0's per-netns INT_MAX default (79e3602caa6f): 1600 SYN-ACKs in one
  // second, no per-socket limit. In one netns the per-netns budget is the
  // global one (challenge_ack per_netns and global_limit_randomized behave
  // alike at the same limit): what differs is the default.
  for (const auto& [name, unlimited] : {std::pair{"linux-5.15", false}, std::pair{"linux-6.1", true}}) {
    SCOPED_TRACE(name);
    StackScript s(Kernel{.profile = name, .sysctls = {{"net.ipv4.tcp_invalid_ratelimit", 0}}});
    handshake(s);
    std::size_t acks = 0;
    for (int i = 0; i < 1600; ++i) {
      s.in(1s + 500us * i, syn_ack(0, 1));
      acks += count(s.take_until(1s + 500us * i), ack(1, 1));
    }
    if (unlimited) {
      EXPECT_EQ(acks, 1600u);
    } else {
      EXPECT_LT(acks, 1500u);
      EXPECT_GE(acks, 500u);
    }
  }
}

TEST(Rules, ChallengeAcksAreRateLimitedPerSocketOnlySince40) {
  // Two SYN-ACKs 100 ms apart: tcp_invalid_ratelimit (500 ms) holds back
  // the second answer where the per-socket limit exists.
  const Profile none = flipped("linux-6.18", &Rules::oow_rate_limit, OowRateLimit::none);
  for (const auto& [p, limited] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&none, false}}) {
    SCOPED_TRACE(limited ? "per_socket" : "none");
    StackScript s(Kernel{.custom = p});
    handshake(s);
    s.in(1s, syn_ack(0, 1));
    s.out(1s, ack(1, 1));
    s.in(1100ms, syn_ack(0, 1));
    if (limited) {
      s.no_output_until(1100ms);
      EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPACKSkippedChallenge), 1);
    } else {
      s.out(1100ms, ack(1, 1));
    }
  }
}

// The first retransmission of 5 unacked bytes sent at `rtt` after a
// handshake of that RTT (HZ=250).
SentPkt first_retransmission(const Profile& p, Duration rtt, std::vector<std::pair<std::string_view, std::int64_t>> sysctls = {}) {
  StackScript s(Kernel{.sysctls = std::move(sysctls), .custom = &p});
  handshake(s, rtt);
  s.send(rtt, 0, 5);
  s.out(rtt, data(1, 5, 1));
  const std::vector<SentPkt> sent = s.take_until(3s);
  return sent.empty() ? SentPkt{} : sent.front();
}

TEST(Rules, TailLossProbeComesBeforeTheRtoWithoutOneTheRtoRetransmits) {
  // RTT 20 us: PTO = RTO = 51 jiffies: the probe (TCPLossProbes) at 208 ms
  // (level 0, one jiffy late); without TLP the RTO retransmits then.
  const Profile none = flipped("linux-6.18", &Rules::tlp, Tlp::none);
  for (const auto& [p, tlp] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&none, false}}) {
    SCOPED_TRACE(tlp ? "rto_min" : "none");
    StackScript s(Kernel{.custom = p});
    handshake(s);
    s.send(20us, 0, 5);
    s.out(20us, data(1, 5, 1));
    s.out(208ms, data(1, 5, 1));
    // Then the RTO: 51 jiffies from the probe (416 ms), or the doubled one
    // (102 jiffies, 640 ms).
    s.out(tlp ? 416ms : 640ms, data(1, 5, 1));
    const Nstat n = s.nstat();
    EXPECT_EQ(n.count(Mib::TcpExtTCPLossProbes), tlp ? 1u : 0u);
    EXPECT_EQ(n.at(Mib::TcpExtTCPTimeouts), tlp ? 1 : 2);
  }
}

TEST(Rules, TailLossProbeTimeoutHasADelayedAckFloorOn310) {
  // RTT 200 ms = 50 jiffies (HZ=250), RTO 150 jiffies: 3.10's PTO is
  // max(2 rtt, 1.5 rtt + TCP_DELACK_MAX) = 125 jiffies; 4.x's 2 srtt +
  // TCP_RTO_MIN = 150, which the RTO caps at 150.
  const Profile floor = flipped("linux-6.18", &Rules::tlp, Tlp::delack_floor);
  const SentPkt with_floor = first_retransmission(floor, 200ms);
  const SentPkt with_rto_min = first_retransmission(*find_profile("linux-6.18"), 200ms);
  EXPECT_GE(with_floor.at, 200ms + 500ms);
  EXPECT_LT(with_floor.at, 200ms + 600ms);
  EXPECT_GE(with_rto_min.at, 200ms + 600ms);
  EXPECT_LT(with_rto_min.at, 200ms + 700ms);
}

TEST(Rules, JiffiesEstimatorKeepsTheRtoFloorOfHz5MicrosecondsOneTakesTcpRtoMinUs) {
  // tcp_rto_min_us = 10 ms, no TLP: the usec estimator (3.15+) gives RTO
  // ceil((20 us + 10 ms) / 4 ms) = 3 jiffies; the jiffies one keeps
  // TCP_RTO_MIN = HZ/5 = 50 jiffies and ignores the sysctl: 51.
  const Profile jiffies = flipped("linux-6.18", &Rules::rtt_clock, RttClock::jiffies);
  const std::vector<std::pair<std::string_view, std::int64_t>> sysctls = {{"net.ipv4.tcp_rto_min_us", 10000},
                                                                          {"net.ipv4.tcp_early_retrans", 0}};
  const SentPkt usec = first_retransmission(*find_profile("linux-6.18"), 20us, sysctls);
  const SentPkt jif = first_retransmission(jiffies, 20us, sysctls);
  EXPECT_LT(usec.at, 30ms);
  EXPECT_GE(jif.at, 200ms);
  EXPECT_LT(jif.at, 220ms);
}

TEST(Rules, SharedJiffiesClockGivesEveryConnectionOneTsOffset) {
  const Profile shared = flipped("linux-6.18", &Rules::ts_clock, TsClock::shared_jiffies);
  for (const auto& [p, shared_clock] : {std::pair{find_profile("linux-6.18"), false}, std::pair{&shared, true}}) {
    StackScript s(Kernel{.custom = p});
    s.connect(0ms, 0);
    s.out(0ms, syn(0));
    s.connect(1ms, 1);
    s.out(1ms, syn(0).on(1));
    const bool same = s.conn(0).client.ts_off == s.conn(1).client.ts_off;
    EXPECT_EQ(same, shared_clock);
  }
}

TEST(Rules, DataTimesOutAfterRetries2RetransmissionsOrAfterTheirModelledTime) {
  // tcp_retries2 = 3, no TLP, RTT 20 us: retransmissions at 0.204, 0.612,
  // 1.428, 3.06 s (nominal). 2.6.12 gives up at the 4th RTO (retransmits
  // >= 3); 2.6.32+ when 3 s have passed since the first retransmission
  // ((2 << 3) - 1) * 200 ms), which the 4th RTO has not yet reached.
  const Profile count = flipped("linux-6.18", &Rules::write_timeout, WriteTimeout::retransmit_count);
  for (const auto& [p, by_time] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&count, false}}) {
    SCOPED_TRACE(by_time ? "modelled_time" : "retransmit_count");
    StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_retries2", 3}, {"net.ipv4.tcp_early_retrans", 0}}, .custom = p});
    handshake(s);
    s.send(20us, 0, 5);
    s.out(20us, data(1, 5, 1));
    const std::vector<SentPkt> sent = s.take_until(4s);
    EXPECT_EQ(sent.size(), by_time ? 4u : 3u);
    EXPECT_EQ(s.conn(0).client.error, by_time ? SockError::none : SockError::etimedout);
  }
}

TEST(Rules, TcpTimeoutsCountsEveryRtoOrTheFirstOfAnEpisode) {
  const Profile first = flipped("linux-6.18", &Rules::timeouts_counter, TimeoutsCounter::first_of_episode);
  for (const auto& [p, every] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&first, false}}) {
    StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_early_retrans", 0}}, .custom = p});
    handshake(s);
    s.send(20us, 0, 5);
    s.out(20us, data(1, 5, 1));
    EXPECT_EQ(s.take_until(1s).size(), 2u);  // RTOs at 0.208 and 0.624 s
    EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPTimeouts),
              every ? 2 : 1);
  }
}

TEST(Rules, FirstSynTimeoutsStayLinearOnlyWhereTheSysctlExists) {
  // tcp_syn_linear_timeouts = 4 (v6.5+): SYNs at 1, 2, 3 s (+ rounding);
  // without it the RTO doubles: 1, 3 s.
  const Profile absent = flipped("linux-6.18", &Rules::syn_linear_timeouts, SynLinearTimeouts::absent);
  for (const auto& [p, linear] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&absent, false}}) {
    StackScript s(Kernel{.custom = p});
    s.connect(0ms, 0);
    s.out(0ms, syn(0));
    s.out(1024ms, syn(0));
    s.out(linear ? 2048ms : 3040ms, syn(0));  // 250 jiffies again, or 500 (level 1: 760 jiffies)
    EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPSynRetrans), 2);
  }
}

}  // namespace
}  // namespace synsim::tcp::testing
