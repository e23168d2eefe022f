// SYN-ACK retransmission and request expiry, driven with segment literals.
//
// Read first: kernel-handshake.md §5.1 (6.x: one rsk_timer per request,
// reqsk_timer_handler + syn_ack_recalc), §5.2 (2.5/2.6: one sweep timer per
// listener, tcp_synack_timer), §5.3 (the timer wheel), and
// tests/tcp/stack_harness.h for the notation.
//
// linux-6.18 runs at HZ=250 (4 ms jiffies). The request timer is armed for
// 250 << num_timeout jiffies from the jiffy it fires in, and the wheel
// rounds each expiry up to its level's granule (jiffies.h):
//   armed at  0 for  250: level 1 (8),  fires at   256 =  1.024 s
//   armed at 256 for  500: level 1 (8),  fires at   760 =  3.040 s
//   armed at 760 for 1000: level 2 (64), fires at  1792 =  7.168 s
//   at 1792 for 2000: level 2,            fires at  3840 = 15.360 s
//   at 3840 for 4000: level 2,            fires at  7872 = 31.488 s
//   at 7872 for 8000: level 3 (512),      fires at 16384 = 65.536 s
// (measured on 6.18: +1.012, +3.028, +7.188, +15.380, +31.509 s and expiry
// at about 63 s, kernel-handshake.md §5.1).
#include <gtest/gtest.h>

#include <chrono>

#include "tests/tcp/stack_harness.h"

namespace synsim::tcp::testing {
namespace {

using namespace std::chrono_literals;

const Kernel kLinux618{.profile = "linux-6.18"};
const Kernel kLinux2566{.profile = "linux-2.5.66"};

// --- 6.x: the request's own timer ---------------------------------------------

TEST(RequestTimer, SynAckIsRetransmittedAt1s3s7s15s31sInJiffiesOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.no_output_until(1023ms);
  s.out(1024ms, syn_ack(0, 1));
  s.out(3040ms, syn_ack(0, 1));
  s.out(7168ms, syn_ack(0, 1));
  s.out(15360ms, syn_ack(0, 1));
  s.out(31488ms, syn_ack(0, 1));
  EXPECT_EQ(s.conn(0).req.num_retrans, 5);
  EXPECT_EQ(s.nstat(),
            (Nstat{{Mib::TcpRetransSegs, 5}, {Mib::TcpExtTCPTimeouts, 5}, {Mib::TcpExtTCPSynRetrans, 5}}));
}

TEST(RequestTimer, RequestExpiresSilentlyAfterTcpSynackRetriesOnLinux618) {
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_synack_retries", 2}}});
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.out(1024ms, syn_ack(0, 1));
  s.out(3040ms, syn_ack(0, 1));
  s.at(7167ms);
  EXPECT_TRUE(s.conn(0).req.live);
  s.at(7168ms);  // the third firing: num_timeout 2 >= 2, no SYN-ACK, no RST
  EXPECT_FALSE(s.conn(0).req.live);
  EXPECT_EQ(s.listener().qlen, 0);
  EXPECT_EQ(s.listener().young, 0);
  s.no_output_until(70s);
  EXPECT_EQ(s.nstat(),
            (Nstat{{Mib::TcpRetransSegs, 2}, {Mib::TcpExtTCPTimeouts, 3}, {Mib::TcpExtTCPSynRetrans, 2}}));
}

TEST(RequestTimer, RequestExpiresAt65sWithDefaultRetriesOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  for (const Duration t : {1024ms, 3040ms, 7168ms, 15360ms, 31488ms}) s.out(t, syn_ack(0, 1));
  s.at(65535ms);
  EXPECT_TRUE(s.conn(0).req.live);
  s.at(65536ms);
  EXPECT_FALSE(s.conn(0).req.live);
  s.no_output_until(200s);
  EXPECT_EQ(s.nstat().at(Mib::TcpExtTCPTimeouts), 6);  // every firing, the expiring one too
}

TEST(RequestTimer, TcpSyncntOnTheListenerReplacesSynackRetriesOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8, /*defer_accept=*/{}, /*syncnt=*/1);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.out(1024ms, syn_ack(0, 1));
  s.at(3039ms);
  EXPECT_TRUE(s.conn(0).req.live);
  s.at(3040ms);  // the second firing: num_timeout 1 >= TCP_SYNCNT 1
  EXPECT_FALSE(s.conn(0).req.live);
  s.no_output_until(70s);
}

TEST(RequestTimer, ExpiredRequestIsForgottenSoTheClientsDataGetsRstOnLinux618) {
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_synack_retries", 2}}});
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.out(1024ms, syn_ack(0, 1));
  s.out(3040ms, syn_ack(0, 1));
  s.in(8s, data(1, 5, 1));
  s.out(8s, rst(1));  // > R 1:1(0): seq = the data's ack_seq
  EXPECT_EQ(s.conn(0).child.state, ChildState::none);
  EXPECT_EQ(s.nstat().at(Mib::TcpOutRsts), 1);
}

TEST(RequestTimer, AckedRequestIsStillSentSynAcksOnLinux618) {
  // 6.x syn_ack_recalc without defer-accept resends to acked requests too
  // (2.5.66 did as well, but exempted them from pruning).
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));  // cookie
  s.in(1ms, ack(1, 1).on(1));       // fills the accept queue
  s.in(2ms, ack(1, 1));             // overflow: c0's request is acked
  EXPECT_TRUE(s.conn(0).req.acked);
  s.out(1024ms, syn_ack(0, 1));
  s.out(3040ms, syn_ack(0, 1));
}

TEST(RequestTimer, ChallengeAckToRetransmittedSynAckCreatesTheChildOnceThereIsRoomOnLinux618) {
  // kernel-measured-rules.md 10: the client's answer to the SYN-ACK is a
  // bare ACK; if the accept queue has room by then it creates the child,
  // without data.
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  s.in(2ms, data(1, 5, 1));  // overflow
  EXPECT_EQ(s.accept(500ms), 1);
  s.out(1024ms, syn_ack(0, 1));
  s.in(1024ms, ack(6, 1));  // < . 6:6(0) ack 1: the challenge ACK, after the unacked data
  s.no_output_until(1024ms);
  EXPECT_EQ(s.conn(0).child.state, ChildState::established);
  EXPECT_EQ(s.conn(0).child.bytes_received, 0u);
  s.no_output_until(10s);  // the request (and its timer) are gone
}

// --- 2.5.66: the listener's sweep ---------------------------------------------

TEST(SynAckSweep, FirstRetransmitComesWithASweepAfter3sOnLinux2566) {
  // The sweep first runs TCP_TIMEOUT_INIT (3 s) after qlen 0 -> 1, then
  // every 200 ms, 68 of 512 buckets a run: the request's bucket comes up
  // within 8 runs (kernel-handshake.md §5.2). HZ=1000, classic wheel: exact.
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.no_output_until(2999ms);
  const Duration first = s.out_between(3000ms, 4400ms, syn_ack(0, 1));
  EXPECT_EQ((first - 3000ms) % 200ms, 0ms) << "sent at " << first.count() << " ns, off the sweep's 200 ms grid";
  EXPECT_EQ(s.conn(0).req.num_retrans, 1);
  EXPECT_EQ(s.nstat(), Nstat{});  // 2.6.12 counted no SYN-ACK retransmission
}

TEST(SynAckSweep, NextRetransmitsBackOffFrom3sAfterEachServiceOnLinux2566) {
  // expires = service time + 3 s << retrans; the sweep serves it at the
  // first run at or after that which scans its bucket (0-1.6 s later).
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  const Duration first = s.out_between(3000ms, 4400ms, syn_ack(0, 1));
  const Duration second = s.out_between(first + 6s, first + 7600ms, syn_ack(0, 1));
  const Duration third = s.out_between(second + 12s, second + 13600ms, syn_ack(0, 1));
  EXPECT_EQ((third - 3000ms) % 200ms, 0ms);
}

TEST(SynAckSweep, RequestIsDroppedSilentlyAfterTcpSynackRetriesOnLinux2566) {
  StackScript s(Kernel{.profile = "linux-2.5.66", .sysctls = {{"net.ipv4.tcp_synack_retries", 1}}});
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  const Duration first = s.out_between(3000ms, 4400ms, syn_ack(0, 1));
  s.at(first + 6s - 1ms);
  EXPECT_TRUE(s.conn(0).req.live);
  s.no_output_until(first + 7600ms);  // dropped at its next service, without a SYN-ACK or RST
  EXPECT_FALSE(s.conn(0).req.live);
  EXPECT_EQ(s.listener().qlen, 0);
  s.no_output_until(300s);
}

}  // namespace
}  // namespace synsim::tcp::testing
