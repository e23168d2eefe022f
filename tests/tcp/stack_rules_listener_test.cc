// The listener's rule switches (sim/profile/rules.h), one test per switch:
// the same script on a profile and on the same profile with that one
// switch flipped, each side asserting its own timeline or counters. A test
// fails if the model ignores its switch (both sides then behave alike).
//
// Read first: tests/tcp/stack_harness.h (notation) and sim/profile/profile.cc
// (which kernels take which value).
#include <gtest/gtest.h>

#include <chrono>

#include "tests/tcp/stack_rules.h"

namespace synsim::tcp::testing {
namespace {

using namespace std::chrono_literals;
using namespace profile;

TEST(Rules, SynackTimerPerRequestFollowsTheRequestSweepWaitsForItsTick) {
  // A retransmitted SYN at 300 ms: per request (4.1+), the answer pushes the
  // request's timer to 300 ms + 1 s; the 3.10 sweep leaves the request's
  // expiry at 1 s and serves it on a 200 ms tick (1.0, 1.2 or 1.4 s: 6 of
  // its 16 hash chains a tick).
  const Profile per_request = flipped("linux-3.10", &Rules::synack_timer, SynackTimer::per_request);
  for (const auto& [p, timer] : {std::pair{&per_request, true}, std::pair{find_profile("linux-3.10"), false}}) {
    SCOPED_TRACE(timer ? "per_request" : "listener_sweep");
    StackScript s(Kernel{.hz = 1000, .custom = p});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(300ms, syn());
    s.out(300ms, syn_ack(0, 1));
    const Duration t = s.out_between(1s, 1400ms, syn_ack(0, 1));
    if (timer) {
      EXPECT_EQ(t, 1300ms);
    } else {
      EXPECT_EQ((t - 1s) % 200ms, Duration{0}) << to_ns(t);
    }
  }
}

TEST(Rules, SynQueueFullTestGtTakesBacklogPlusOneGeTakesBacklog) {
  // backlog 1, no syncookies: the second SYN finds qlen 1. qlen > backlog
  // (3479c7549fb1) answers it; qlen >= backlog (4.4 to Jan 2025) drops it.
  const Profile ge = flipped("linux-6.18", &Rules::syn_queue_full_test, SynQueueFullTest::qlen_ge_backlog);
  for (const auto& [p, gt] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&ge, false}}) {
    SCOPED_TRACE(gt ? "qlen_gt_backlog" : "qlen_ge_backlog");
    StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_syncookies", 0}}, .custom = p});
    s.listen(0ms, 1);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, syn().on(1));
    if (gt) {
      s.out(1ms, syn_ack(0, 1).on(1));
      EXPECT_EQ(s.listener().qlen, 2);
      EXPECT_EQ(s.stack().syn_queue_limit(), 2);
    } else {
      s.no_output_until(1ms);
      EXPECT_EQ(s.listener().qlen, 1);
      EXPECT_EQ(s.stack().syn_queue_limit(), 1);
      EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPReqQFullDrop), 1);
    }
  }
}

TEST(Rules, SynQueueTableFromBacklogFillsAt16ForBacklog8) {
  // The sweep's SYN queue: 3.10 sizes its table from the backlog
  // (roundup_pow_of_two(max(min(8, 1024), 8) + 1) = 16), 2.6.12 from
  // tcp_max_syn_backlog (1024): the 17th SYN is dropped on 3.10 only.
  const Profile from_syn_backlog =
      flipped("linux-3.10", &Rules::syn_queue_full_test, SynQueueFullTest::table_from_max_syn_backlog);
  for (const auto& [p, from_backlog] :
       {std::pair{find_profile("linux-3.10"), true}, std::pair{&from_syn_backlog, false}}) {
    SCOPED_TRACE(from_backlog ? "table_from_backlog" : "table_from_max_syn_backlog");
    StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_syncookies", 0}}, .connections = 20, .custom = p});
    s.listen(0ms, 8);
    EXPECT_EQ(s.stack().syn_queue_limit(), from_backlog ? 16 : 1024);
    for (std::uint32_t c = 0; c < 16; ++c) {
      s.in(1ms * c, syn().on(c));
      s.out(1ms * c, syn_ack(0, 1).on(c));
    }
    s.in(16ms, syn().on(16));
    if (from_backlog) {
      s.no_output_until(16ms);
      EXPECT_EQ(s.listener().qlen, 16);
    } else {
      s.out(16ms, syn_ack(0, 1).on(16));
      EXPECT_EQ(s.listener().qlen, 17);
    }
  }
}

TEST(Rules, SynOnAFullAcceptQueueIsAnsweredWhileAtMostOneRequestIsYoung) {
  // backlog 0: c0's child fills the accept queue. Before 5ea8ea2cb7f1 (v4.10)
  // c1's SYN is still answered (no young request); since, it is dropped.
  const Profile young = flipped("linux-6.18", &Rules::syn_drop_on_full_accept_queue,
                                SynDropOnFullAcceptQueue::young_requests_gt_1);
  for (const auto& [p, always] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&young, false}}) {
    SCOPED_TRACE(always ? "always" : "young_requests_gt_1");
    StackScript s(Kernel{.custom = p});
    s.listen(0ms, 0);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, ack(1, 1));
    EXPECT_EQ(s.listener().ack_backlog, 1);
    s.in(2ms, syn().on(1));
    if (always) {
      s.no_output_until(2ms);
      EXPECT_EQ(s.nstat().at(Mib::TcpExtListenOverflows), 1);
    } else {
      s.out(2ms, syn_ack(0, 1).on(1));
      EXPECT_EQ(s.nstat().count(Mib::TcpExtListenOverflows), 0u);
    }
  }
}

TEST(Rules, SynackRetransmissionCountsBothOnlyRetransSegsOrNothing) {
  // The request timer's SYN-ACK at 1 s (HZ=1000): 4.x+ counts RetransSegs
  // and TCPSynRetrans, 3.10 RetransSegs only, 2.6.12 neither.
  const Profile segs = flipped("linux-6.18", &Rules::syn_retrans_counters, SynRetransCounters::retrans_segs);
  const Profile nothing = flipped("linux-6.18", &Rules::syn_retrans_counters, SynRetransCounters::none);
  using enum SynRetransCounters;
  for (const auto& [p, counted] :
       {std::pair{find_profile("linux-6.18"), retrans_segs_and_syn_retrans}, std::pair{&segs, retrans_segs},
        std::pair{&nothing, none}}) {
    StackScript s(Kernel{.hz = 1000, .custom = p});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.out_between(1s, 1100ms, syn_ack(0, 1));
    const Nstat n = s.nstat();
    switch (counted) {
      case SynRetransCounters::retrans_segs_and_syn_retrans:
        EXPECT_EQ(n.at(Mib::TcpRetransSegs), 1);
        EXPECT_EQ(n.at(Mib::TcpExtTCPSynRetrans), 1);
        break;
      case SynRetransCounters::retrans_segs:
        EXPECT_EQ(n.at(Mib::TcpRetransSegs), 1);
        EXPECT_EQ(n.count(Mib::TcpExtTCPSynRetrans), 0u);
        break;
      case SynRetransCounters::none:
        EXPECT_EQ(n.count(Mib::TcpRetransSegs), 0u);
        EXPECT_EQ(n.count(Mib::TcpExtTCPSynRetrans), 0u);
        break;
    }
  }
}

TEST(Rules, DeferAcceptOf5sIsThreeRetransmissionsBySecsToRetransFourByShift) {
  // secs_to_retrans(5, 1, 120): periods 1, 3, 7 -> 3. 2.6.12's shift: the
  // first n with 5 <= 1 << n is 3, plus one -> 4 (TCP_TIMEOUT_INIT 1 s here).
  const Profile shift =
      flipped("linux-6.18", &Rules::defer_accept_retrans, DeferAcceptRetrans::shift_from_timeout_init);
  StackScript secs(Kernel{.profile = "linux-6.18"});
  secs.listen(0ms, 8, 5s);
  EXPECT_EQ(secs.listener().defer_accept, 3);
  StackScript shifted(Kernel{.custom = &shift});
  shifted.listen(0ms, 8, 5s);
  EXPECT_EQ(shifted.listener().defer_accept, 4);
}

TEST(Rules, AckForNoRequestIsCheckedAsACookieFor120sOrFor3s) {
  // syncookies=2: c0's SYN gets a cookie at 0. An ACK for c1, which has no
  // request, at 10 s: within TCP_SYNCOOKIE_VALID (4.2+) it is checked as a
  // cookie (and fails) before the RST; 3 s after (3.10, 2.6) it is not.
  const Profile three = flipped("linux-6.18", &Rules::syncookie_recent_overflow, SyncookieRecentOverflow::three_seconds);
  for (const auto& [p, valid] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&three, false}}) {
    SCOPED_TRACE(valid ? "syncookie_valid" : "three_seconds");
    StackScript s(Kernel{.sysctls = {{"net.ipv4.tcp_syncookies", 2}}, .custom = p});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(10s, ack(1, 1).on(1));
    s.out(10s, rst(1).on(1));
    const Nstat n = s.nstat();
    EXPECT_EQ(n.count(Mib::TcpExtSyncookiesFailed), valid ? 1u : 0u);
  }
}

TEST(Rules, SynackTimerFiresAtExpiryOnTheCascadingWheelRoundedUpOnTheGranularOne) {
  // HZ=250: the request timer of 250 jiffies sits on level 1 of the 4.8+
  // wheel (granularity 8): 256 jiffies, 1.024 s; the cascading wheel fires
  // at 1.000 s.
  const Profile cascading = flipped("linux-6.18", &Rules::timer_wheel, profile::TimerWheel::cascading);
  for (const auto& [p, granular] : {std::pair{find_profile("linux-6.18"), true}, std::pair{&cascading, false}}) {
    StackScript s(Kernel{.custom = p});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.out(granular ? 1024ms : 1000ms, syn_ack(0, 1));
  }
}

}  // namespace
}  // namespace synsim::tcp::testing
