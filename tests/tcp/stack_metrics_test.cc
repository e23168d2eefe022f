// What one connection leaves for the next: tcp_update_metrics() on a clean
// close, tcp_init_metrics() as a connection becomes ESTABLISHED (metrics.cc,
// profile::RttMemory).
//
// Read first: 2.4.20 / 2.6.11 net/ipv4/tcp_input.c tcp_update_metrics(),
// tcp_init_metrics() and the SYN_RECV case of tcp_rcv_state_process(); 6.x
// net/ipv4/tcp_metrics.c and tcp_synack_rtt_meas(); tests/tcp/stack_harness.h
// for the notation. On loopback every connection shares one entry (the route
// of 127.0.0.1, or its tcp_metrics entry): the stack here plays the server of
// c0 and c1 and the client of c2, all on that one entry.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/tcp/stack_harness.h"
#include "tests/tcp/stack_rules.h"

namespace synsim::tcp::testing {
namespace {

using namespace std::chrono_literals;

const Kernel kLinux618{.profile = "linux-6.18"};
const Kernel kLinux2566{.profile = "linux-2.5.66"};

// c1 fills the 1-slot accept queue; c0's final ACK and request meet it full
// and are dropped; accept() frees the slot; c0's request, retransmitted at
// `late`, creates the child. 2.5.66 answers c1's SYN while the queue is
// full (tcp_v4_conn_request), so both SYNs come first on either profile.
void late_child(StackScript& s, Duration late) {
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(0ms, ack(1, 1).on(1));
  s.in(0ms, data(1, 5, 1));  // dropped: the accept queue is full
  s.no_output_until(0ms);
  EXPECT_EQ(s.accept(100ms), 1);
  s.in(late, data(1, 5, 1));  // echoes the SYN-ACK sent at 0
  s.out(late, ack(1, 6));
  ASSERT_EQ(s.conn(0).child.state, ChildState::established);
}

// The child answers and closes; the client ACKs each at once.
void respond_and_close(StackScript& s, Duration t) {
  s.child_send(t, 0, 5);
  s.out(t, data(1, 5, 6));
  s.in(t, ack(6, 6));
  s.close(t, 0);
  s.out(t, make_pkt(kFin | kAck, 6, 6));
  s.in(t, ack(6, 7));
}

TEST(RttMemory, LateChildsCloseRaisesTheRouteRttOnLinux2566) {
  // The child's first sample (SYN_RECV: tcp_time_stamp - rcv_tsecr) is the
  // age of the SYN-ACK its creating segment echoes: 201 jiffies, so srtt =
  // 8 x 201, mdev = 402. Its response's and FIN's ACKs (samples of 1) bring
  // srtt to 1233 and mdev to 423; tcp_update_metrics() then stores srtt
  // (larger than the empty route's 0) and max(|0 - 1233| / 2, mdev) = 616.
  StackScript s(kLinux2566);
  late_child(s, 201ms);
  EXPECT_EQ(s.conn(0).child.rtt.srtt, 8 * 201);
  EXPECT_EQ(s.conn(0).child.rtt.mdev, 402);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 0);
  respond_and_close(s, 201ms);
  EXPECT_EQ(s.conn(0).child.rtt.srtt, 1233);
  EXPECT_EQ(s.conn(0).child.rtt.mdev, 423);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 1233);
  EXPECT_EQ(s.stack().rtt_memory().rttvar, 616);
}

TEST(RttMemory, NextConnectionsFirstDataRtoComesFromTheRouteOnLinux2566) {
  // c2's own SYN-ACK sample is 1 jiffy (RTO 201), but tcp_init_metrics()
  // raises srtt to the route's 1233 and mdev to its 616: RTO = 1233 / 8 +
  // 616 = 770 jiffies, and the request waits 770 ms, then 1540 ms.
  StackScript s(kLinux2566);
  late_child(s, 201ms);
  respond_and_close(s, 201ms);
  s.connect(1s, 2);
  s.out(1s, syn(0).on(2));
  s.in(1s, syn_ack(0, 1).on(2));
  s.out(1s, ack(1, 1).on(2));
  EXPECT_EQ(s.conn(2).client.rtt.srtt, 1233);
  EXPECT_EQ(s.conn(2).client.rto, 770u);
  s.send(1s, 2, 5);
  s.out(1s, data(1, 5, 1).on(2));
  s.out(1770ms, data(1, 5, 1).on(2));
  s.out(3310ms, data(1, 5, 1).on(2));
}

TEST(RttMemory, PromptChildLeavesTheNextConnectionItsOwnRtoOnLinux2566) {
  // A child created by its final ACK in the SYN-ACK's jiffy samples 1: the
  // route keeps srtt 8 and rttvar 4, below TCP_RTO_MIN, and the next
  // connection's RTO stays 1 + 200 jiffies.
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, data(1, 5, 1));
  s.out(0ms, ack(1, 6));
  respond_and_close(s, 0ms);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 8);
  EXPECT_EQ(s.stack().rtt_memory().rttvar, 4);
  s.connect(1s, 2);
  s.out(1s, syn(0).on(2));
  s.in(1s, syn_ack(0, 1).on(2));
  s.out(1s, ack(1, 1).on(2));
  EXPECT_EQ(s.conn(2).client.rto, 201u);
}

TEST(RttMemory, LateChildSamplesOnlyItsWaitSinceTheLastSynAckOnLinux2566) {
  // Why the route cascade stops short of TCP_RTO_MAX (scenarios/report/
  // http-load.yaml, reports/route-metrics-cascade): the listener's sweep
  // retransmits the acked request's SYN-ACK 3 s (+ 0-1.4 s) after the SYN;
  // the established client takes its TSval as ts_recent (tcp_replace_ts_recent,
  // RetransmittedSynAckSetsTsRecentOnLinux2566) and every later segment echoes
  // it. Here the dup-ACK meets the full queue too, and the request,
  // retransmitted 2 s after that SYN-ACK, creates the child: its first sample
  // (tcp_time_stamp - rcv_tsecr) is 2000 jiffies, not the 5-6.4 s since the
  // request. After two samples of 1 (response, FIN) srtt is 12252, rttvar
  // max(12252 / 2, mdev 4213) = 6126, and the next connection's first RTO is
  // 12252 / 8 + 6126 = 7657 jiffies: 3.8 x the wait since the SYN-ACK.
  StackScript s(kLinux2566);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(0ms, ack(1, 1).on(1));
  s.in(0ms, data(1, 5, 1));  // dropped: the accept queue is full
  const Duration first = s.out_between(3000ms, 4400ms, syn_ack(0, 1));
  s.in(4400ms, ack(1, 1));   // the dup-ACK: dropped, the queue is still full
  EXPECT_EQ(s.accept(4500ms), 1);
  s.in(first + 2s, data(1, 5, 1));  // echoes the retransmitted SYN-ACK
  s.out(first + 2s, ack(1, 6));
  ASSERT_EQ(s.conn(0).child.state, ChildState::established);
  EXPECT_EQ(s.conn(0).child.rtt.srtt, 8 * 2000);
  respond_and_close(s, first + 2s);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 12252);
  EXPECT_EQ(s.stack().rtt_memory().rttvar, 6126);
  s.connect(first + 3s, 2);
  s.out(first + 3s, syn(0).on(2));
  s.in(first + 3s, syn_ack(0, 1).on(2));
  s.out(first + 3s, ack(1, 1).on(2));
  EXPECT_EQ(s.conn(2).client.rto, 7657u);
}

TEST(RttMemory, NoMetricsSaveLeavesNothingOnLinux2566) {
  // tcp_no_metrics_save (2.6.11; not in 2.4.20): tcp_update_metrics() returns at once.
  StackScript s(Kernel{.profile = "linux-2.5.66", .sysctls = {{"net.ipv4.tcp_no_metrics_save", 1}}});
  late_child(s, 201ms);
  respond_and_close(s, 201ms);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 0);
  s.connect(1s, 2);
  s.out(1s, syn(0).on(2));
  s.in(1s, syn_ack(0, 1).on(2));
  s.out(1s, ack(1, 1).on(2));
  EXPECT_EQ(s.conn(2).client.rto, 201u);
}

TEST(RttMemory, LateChildsCloseRaisesTheNextConnectionsFirstRtoOnLinux618) {
  // 6.x: the child's first sample is the time since the first SYN-ACK
  // (tcp_synack_rtt_meas(), no SYN-ACK retransmitted): 300 ms. Its response's
  // and FIN's ACKs (0 us) leave srtt_us 1837500 (229.7 ms x 8) in the
  // tcp_metrics entry of 127.0.0.1. c2's own SYN-ACK sample (20 us) gives RTO
  // 51 jiffies (204 ms at HZ 250); tcp_init_metrics() seeds its first RTO
  // with crtt = 1837500 / 32000 = 57 jiffies: 57 + max(114, 50) = 171 (684
  // ms), srtt untouched. The loss probe still goes at 204 ms, the RTO 684 ms
  // later. (6.18.44 in a fresh netns: `ip tcp_metrics show` lists 127.0.0.1
  // with the late child's RTT, and the next connection's tcpi_rto is 3x it.)
  StackScript s(kLinux618);
  late_child(s, 300ms);
  EXPECT_EQ(s.conn(0).child.rtt.srtt, 8 * 300000);
  respond_and_close(s, 300ms);
  EXPECT_EQ(s.stack().rtt_memory().rtt, 1837500);
  s.connect(1s, 2);
  s.out(1s, syn(0).on(2));
  s.in(1s + 20us, syn_ack(0, 1).on(2));
  s.out(1s + 20us, ack(1, 1).on(2));
  EXPECT_EQ(s.conn(2).client.rtt.srtt, 8 * 20);
  EXPECT_EQ(s.conn(2).client.rto, 171u);
  s.send(1s + 20us, 2, 5);
  s.out(1s + 20us, data(1, 5, 1).on(2));
  s.out(1208ms, data(1, 5, 1).on(2));  // tail loss probe: 2 srtt + tcp_rto_min (51 jiffies, the wheel adds 1)
  s.out(1920ms, data(1, 5, 1).on(2));  // RTO: 171 jiffies after the probe, 1.892 s up to the wheel's 32 ms granule
}

TEST(RttMemory, CachedRttSeedsTheEstimatorOrOnlyTheFirstRto) {
  // The same late child and close on linux-6.18 and on linux-6.18 with
  // rules.rtt_memory = seeds_estimator (2.x, 3.10): c2's srtt stays its own
  // SYN-ACK sample (20 us) where the cached RTT seeds only the first RTO,
  // and becomes the cached one where it seeds the estimator.
  const profile::Profile estimator =
      flipped("linux-6.18", &profile::Rules::rtt_memory, profile::RttMemory::seeds_estimator);
  for (const auto& [p, first_rto_only] :
       {std::pair{profile::find_profile("linux-6.18"), true}, std::pair{&estimator, false}}) {
    StackScript s(Kernel{.custom = p});
    late_child(s, 300ms);
    respond_and_close(s, 300ms);
    ASSERT_EQ(s.stack().rtt_memory().rtt, 1837500);
    s.connect(1s, 2);
    s.out(1s, syn(0).on(2));
    s.in(1s + 20us, syn_ack(0, 1).on(2));
    s.out(1s + 20us, ack(1, 1).on(2));
    EXPECT_EQ(s.conn(2).client.rtt.srtt, first_rto_only ? 8 * 20 : 1837500);
  }
}

}  // namespace
}  // namespace synsim::tcp::testing
