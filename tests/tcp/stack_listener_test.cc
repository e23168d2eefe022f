// The listener of one stack, driven with segment literals: SYNs, request
// socks (SYN_RECV), the accept queue, syncookies, TCP_DEFER_ACCEPT.
//
// Read first: kernel-handshake.md §3 (a SYN arrives), §4 (the third
// segment), §7 (cookies), §12 (the checklist these tests follow), and
// tests/tcp/stack_harness.h for the notation. The script plays the clients;
// "c1" is connection 1. Where the two profiles differ there is one test per
// profile, named ...OnLinux618 / ...OnLinux2566.
#include <gtest/gtest.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "tests/tcp/stack_harness.h"

namespace synsim::tcp::testing {
namespace {

using namespace std::chrono_literals;

// The accept queue's children, front first.
std::vector<std::uint32_t> queued(const RingQueue<std::uint32_t>& q) {
  std::vector<std::uint32_t> v;
  for (std::size_t i = 0; i < q.size(); ++i) v.push_back(q[i]);
  return v;
}

const Kernel kLinux618{.profile = "linux-6.18"};
const Kernel kLinux2566{.profile = "linux-2.5.66"};

struct Era {
  std::string_view profile;
  std::uint16_t mss;  // advertised on lo (kernel-handshake.md §8)
};
constexpr Era kEras[] = {{"linux-6.18", 65495}, {"linux-2.5.66", 16396}};

// --- LISTEN -----------------------------------------------------------------

TEST(Listen, SynIsAnsweredWithSynAckAndQueuesARequest) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 8);
    s.in(0ms, syn());                             // 0.000 < S 0:0(0)
    s.out(0ms, syn_ack(0, 1).with_mss(era.mss));  // 0.000 > S. 0:0(0) ack 1 <mss ...>
    EXPECT_TRUE(s.conn(0).req.live);
    EXPECT_FALSE(s.conn(0).req.acked);
    EXPECT_EQ(s.listener().qlen, 1);
    EXPECT_EQ(s.listener().young, 1);
    EXPECT_EQ(s.listener().ack_backlog, 0);
    EXPECT_EQ(s.nstat(), Nstat{});
  }
}

TEST(Listen, AckWithoutARequestIsAnsweredWithRst) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 8);
    s.in(0ms, ack(1, 1));  // < . 1:1(0) ack 1, no request for it
    s.out(0ms, rst(1));    // > R 1:1(0): seq = its ack, no ACK flag
    EXPECT_FALSE(s.conn(0).req.live);
    EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpOutRsts, 1}}));
  }
}

TEST(Listen, BacklogIsClampedBySomaxconn) {
  for (const auto& [profile, somaxconn] : {std::pair<std::string_view, std::int64_t>{"linux-6.18", 4096},
                                           std::pair<std::string_view, std::int64_t>{"linux-2.5.66", 128}}) {
    SCOPED_TRACE(profile);
    StackScript s(Kernel{.profile = profile});
    s.listen(0ms, 100000);
    EXPECT_EQ(s.listener().max_ack_backlog, somaxconn);
  }
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.core.somaxconn", 16}}});
  s.listen(0ms, -1);  // (unsigned)-1 > somaxconn
  EXPECT_EQ(s.listener().max_ack_backlog, 16);
}

// --- SYN queue: the request sock (SYN_RECV) -----------------------------------

TEST(SynQueue, FullSynQueueAnswersWithSyncookieOnLinux618) {
  // The SYN queue holds backlog + 1 = 1 request (qlen > backlog is full).
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, syn().on(1));            // qlen 1 > backlog 0
  s.out(1ms, syn_ack(0, 1).on(1));   // a cookie SYN-ACK
  EXPECT_TRUE(s.conn(1).syncookie);
  EXPECT_FALSE(s.conn(1).req.live);  // no request sock kept
  EXPECT_EQ(s.listener().qlen, 1);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtTCPReqQFullDoCookies, 1}, {Mib::TcpExtSyncookiesSent, 1}}));
}

TEST(SynQueue, FullSynQueueDropsSynWithoutSyncookiesOnLinux618) {
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_syncookies", 0}}});
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, syn().on(1));
  s.no_output_until(1ms);
  EXPECT_FALSE(s.conn(1).req.live);
  EXPECT_FALSE(s.conn(1).syncookie);
  EXPECT_EQ(s.listener().qlen, 1);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtTCPReqQFullDrop, 1}, {Mib::TcpExtListenDrops, 1}}));
}

TEST(SynQueue, Syncookies2AnswersEverySynWithACookieOnLinux618) {
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_syncookies", 2}}});
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  EXPECT_TRUE(s.conn(0).syncookie);
  EXPECT_EQ(s.listener().qlen, 0);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtTCPReqQFullDoCookies, 1}, {Mib::TcpExtSyncookiesSent, 1}}));
  s.no_output_until(10s);  // nothing kept, nothing retransmitted
}

TEST(SynQueue, LastQuarterOfMaxSynBacklogIsRefusedWithoutSyncookiesOnLinux618) {
  // tcp_conn_request: with syncookies off, tcp_max_syn_backlog - qlen <
  // tcp_max_syn_backlog / 4 drops a SYN from a peer not proven by
  // tcp_metrics (none is, in the model): 8 - 7 < 2.
  StackScript s(Kernel{.profile = "linux-6.18",
                       .sysctls = {{"net.ipv4.tcp_syncookies", 0}, {"net.ipv4.tcp_max_syn_backlog", 8}}});
  s.listen(0ms, 100);
  for (std::uint32_t c = 0; c < 7; ++c) {
    s.in(0ms, syn().on(c));
    s.out(0ms, syn_ack(0, 1).on(c));
  }
  s.in(1ms, syn().on(7));
  s.no_output_until(1ms);
  EXPECT_FALSE(s.conn(7).req.live);
  EXPECT_EQ(s.listener().qlen, 7);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtListenDrops, 1}}));
}

TEST(SynQueue, FullSynQueueAnswersWithSyncookieOnLinux2566) {
  // 2.5.66: the SYN queue holds max(64, pow2ceil(tcp_max_syn_backlog))
  // requests whatever the backlog, and syncookies are off by default.
  StackScript s(Kernel{.profile = "linux-2.5.66",
                       .sysctls = {{"net.ipv4.tcp_syncookies", 1}, {"net.ipv4.tcp_max_syn_backlog", 64}},
                       .connections = 65});
  s.listen(0ms, 128);
  for (std::uint32_t c = 0; c < 64; ++c) {
    s.in(0ms, syn().on(c));
    s.out(0ms, syn_ack(0, 1).on(c));
  }
  EXPECT_EQ(s.listener().qlen, 64);
  s.in(1ms, syn().on(64));  // qlen 64 >= 64: full
  s.out(1ms, syn_ack(0, 1).on(64));
  EXPECT_TRUE(s.conn(64).syncookie);
  EXPECT_FALSE(s.conn(64).req.live);
  EXPECT_EQ(s.listener().qlen, 64);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtSyncookiesSent, 1}}));
}

TEST(SynQueue, LastQuarterOfMaxSynBacklogIsRefusedWithoutSyncookiesOnLinux2566) {
  // "drop open request": with syncookies off, a SYN is dropped once fewer
  // than tcp_max_syn_backlog / 4 slots are left (no peer is ever proven).
  StackScript s(Kernel{.profile = "linux-2.5.66",
                       .sysctls = {{"net.ipv4.tcp_max_syn_backlog", 64}},
                       .connections = 50});
  s.listen(0ms, 128);
  for (std::uint32_t c = 0; c < 49; ++c) {  // 64 - 48 = 16: not < 16, the 49th is queued
    s.in(0ms, syn().on(c));
    s.out(0ms, syn_ack(0, 1).on(c));
  }
  s.in(1ms, syn().on(49));  // 64 - 49 = 15 < 16
  s.no_output_until(1ms);
  EXPECT_FALSE(s.conn(49).req.live);
  EXPECT_EQ(s.listener().qlen, 49);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpAttemptFails, 1}}));
}

TEST(SynRecv, RetransmittedSynIsAnsweredOncePerRateLimitOnLinux618) {
  // tcp_check_req: a pure retransmitted SYN gets the SYN-ACK again, at
  // most once per tcp_invalid_ratelimit (500 ms) per request.
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(100ms, syn());
  s.out(100ms, syn_ack(0, 1));  // inet_rtx_syn_ack
  s.in(200ms, syn());           // 100 ms later: rate-limited
  s.no_output_until(200ms);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpRetransSegs, 1},
                              {Mib::TcpExtTCPSynRetrans, 1},
                              {Mib::TcpExtTCPACKSkippedSynRecv, 1}}));
}

TEST(SynRecv, RetransmittedSynPushesTheRequestTimerOutOnLinux618) {
  // mod_timer_pending(now + timeout << num_timeout): the SYN at 100 ms
  // (jiffy 25) re-arms the 250-jiffy timer for jiffy 275, which the wheel's
  // level 1 rounds up to 280 (1.120 s) instead of 256 (1.024 s).
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(100ms, syn());
  s.out(100ms, syn_ack(0, 1));
  s.out(1120ms, syn_ack(0, 1));
}

TEST(SynRecv, RetransmittedSynIsAnsweredEveryTimeOnLinux2566) {
  // 2.6.12 tcp_check_req: the SYN-ACK again, unconditionally, counted nowhere.
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(100ms, syn());
  s.out(100ms, syn_ack(0, 1));
  s.in(200ms, syn());
  s.out(200ms, syn_ack(0, 1));
  EXPECT_EQ(s.nstat(), Nstat{});
}

TEST(SynRecv, RstAtRcvNxtRemovesTheRequestSilently) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, rst(1));
    s.no_output_until(10s);  // no RST back, and no SYN-ACK retransmission
    EXPECT_FALSE(s.conn(0).req.live);
    EXPECT_EQ(s.listener().qlen, 0);
    EXPECT_EQ(s.listener().young, 0);
    EXPECT_EQ(s.nstat().at(Mib::TcpExtEmbryonicRsts), 1);
  }
}

TEST(SynRecv, RstAtRcvNxtCountsAnAttemptFailureOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, rst(1));
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpAttemptFails, 1}, {Mib::TcpExtEmbryonicRsts, 1}}));
}

// Disabled: the model also counts TcpAttemptFails here. 2.6.12
// tcp_check_req() goes to embryonic_reset, which counts only EmbryonicRsts
// (AttemptFails came with a later kernel). Enable when the model is fixed.
TEST(SynRecv, DISABLED_RstAtRcvNxtCountsOnlyEmbryonicRstsOnLinux2566) {
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, rst(1));
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtEmbryonicRsts, 1}}));
}

TEST(SynRecv, AckOfAnUnsentSequenceIsAnsweredWithRstAndKeepsTheRequest) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 8);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, ack(1, 5));  // acks 4 bytes the listener never sent
    s.out(1ms, rst(5));
    EXPECT_TRUE(s.conn(0).req.live);
    EXPECT_FALSE(s.conn(0).req.acked);
    EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpOutRsts, 1}}));
  }
}

// --- Accept queue -------------------------------------------------------------

TEST(AcceptQueue, FinalAckMovesTheRequestToTheAcceptQueue) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 1);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, ack(1, 1));  // nothing to answer
    s.no_output_until(1ms);
    EXPECT_FALSE(s.conn(0).req.live);
    EXPECT_EQ(s.conn(0).child.state, ChildState::established);
    EXPECT_EQ(s.listener().qlen, 0);
    EXPECT_EQ(s.listener().young, 0);
    EXPECT_EQ(s.listener().ack_backlog, 1);
    EXPECT_EQ(queued(s.listener().accept_queue), (std::vector<std::uint32_t>{0}));
    EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1}}));
    EXPECT_EQ(s.accept(2ms), 0);
    EXPECT_EQ(s.listener().ack_backlog, 0);
    s.no_output_until(70s);  // the request's timer went with it: no SYN-ACK ever again
  }
}

TEST(AcceptQueue, FinalAckCarryingDataCreatesTheChildWithItsPayload) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 1);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, data(1, 5, 1));  // < P. 1:6(5) ack 1
    s.out(1ms, ack(1, 6));     // > . 1:1(0) ack 6: the fresh child ACKs at once (quickack)
    EXPECT_EQ(s.conn(0).child.state, ChildState::established);
    EXPECT_EQ(s.conn(0).child.bytes_received, 5u);
    EXPECT_EQ(s.listener().ack_backlog, 1);
  }
}

TEST(AcceptQueue, FullQueueDropsFinalAckAndMarksRequestAckedOnLinux618) {
  // The M-lab setup (kernel-handshake.md §11): with backlog 0, c0 holds the
  // only request; c1 gets a cookie, and its ACK fills the accept queue (1/1).
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  EXPECT_EQ(s.listener().ack_backlog, 1);
  s.in(2ms, ack(1, 1));  // c0's final ACK: no room
  s.no_output_until(2ms);
  EXPECT_TRUE(s.conn(0).req.live);
  EXPECT_TRUE(s.conn(0).req.acked);
  EXPECT_EQ(s.conn(0).child.state, ChildState::none);
  EXPECT_EQ(s.listener().qlen, 1);
  EXPECT_EQ(s.listener().ack_backlog, 1);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1},
                              {Mib::TcpExtListenOverflows, 1},
                              {Mib::TcpExtListenDrops, 1},
                              {Mib::TcpExtTCPReqQFullDoCookies, 1},
                              {Mib::TcpExtSyncookiesSent, 1},
                              {Mib::TcpExtSyncookiesRecv, 1}}));
}

TEST(AcceptQueue, FullQueueDropsFinalAckAndMarksRequestAckedOnLinux2566) {
  // 2.5.66: the SYN queue does not depend on the backlog, so two requests
  // wait; c1's ACK fills the accept queue (1/1), c0's finds it full.
  StackScript s(kLinux2566);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  EXPECT_EQ(s.listener().ack_backlog, 1);
  s.in(2ms, ack(1, 1));
  s.no_output_until(2ms);
  EXPECT_TRUE(s.conn(0).req.live);
  EXPECT_TRUE(s.conn(0).req.acked);
  EXPECT_EQ(s.conn(0).child.state, ChildState::none);
  EXPECT_EQ(s.listener().qlen, 1);
  EXPECT_EQ(s.nstat(),
            (Nstat{{Mib::TcpPassiveOpens, 1}, {Mib::TcpExtListenOverflows, 1}, {Mib::TcpExtListenDrops, 1}}));
}

TEST(AcceptQueue, FullQueueDropsDataAndKeepsTheRequestAcked) {
  // The whole segment is discarded, payload included; nothing is sent.
  StackScript s(kLinux2566);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  s.in(2ms, data(1, 5, 1));
  s.no_output_until(2ms);
  EXPECT_TRUE(s.conn(0).req.acked);
  EXPECT_EQ(s.conn(0).child.bytes_received, 0u);
  EXPECT_EQ(s.listener().qlen, 1);
}

TEST(AcceptQueue, AcceptedSlotLetsTheNextSegmentCreateTheChild) {
  StackScript s(kLinux2566);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  s.in(2ms, data(1, 5, 1));      // dropped: full
  EXPECT_EQ(s.accept(500ms), 1);  // a slot frees
  s.in(603ms, data(1, 5, 1));    // the client's RTO: now there is room
  s.out(603ms, ack(1, 6));
  EXPECT_FALSE(s.conn(0).req.live);
  EXPECT_EQ(s.conn(0).child.bytes_received, 5u);
  EXPECT_EQ(queued(s.listener().accept_queue), (std::vector<std::uint32_t>{0}));
}

TEST(AcceptQueue, FullQueueDropsSynOnLinux618) {
  // v4.10+ (5ea8ea2cb7f1): a SYN that finds the accept queue full is
  // dropped, whatever the SYN queue holds.
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  EXPECT_EQ(s.listener().ack_backlog, 1);
  s.in(2ms, syn().on(1));
  s.no_output_until(3s);
  EXPECT_FALSE(s.conn(1).req.live);
  EXPECT_FALSE(s.conn(1).syncookie);
  EXPECT_EQ(s.listener().qlen, 0);
  EXPECT_EQ(s.nstat(),
            (Nstat{{Mib::TcpPassiveOpens, 1}, {Mib::TcpExtListenOverflows, 1}, {Mib::TcpExtListenDrops, 1}}));
}

TEST(AcceptQueue, FullQueueStillAnswersSynWhileAtMostOneRequestIsYoungOnLinux2566) {
  // tcp_v4_conn_request (2.4.20 = 2.6.12): drop only when the accept queue
  // is full *and* more than one request is young.
  StackScript s(kLinux2566);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  EXPECT_EQ(s.listener().ack_backlog, 1);
  s.in(2ms, syn().on(1));  // young 0
  s.out(2ms, syn_ack(0, 1).on(1));
  s.in(3ms, syn().on(2));  // young 1
  s.out(3ms, syn_ack(0, 1).on(2));
  s.in(4ms, syn().on(3));  // young 2 > 1: dropped
  s.no_output_until(4ms);
  EXPECT_FALSE(s.conn(3).req.live);
  EXPECT_EQ(s.listener().qlen, 2);
  EXPECT_EQ(s.listener().young, 2);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1}, {Mib::TcpAttemptFails, 1}}));
}

TEST(AcceptQueue, AbortOnOverflowAnswersTheFinalAckWithRstOnLinux618) {
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_abort_on_overflow", 1}}});
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));  // the cookie's child fills the queue
  s.in(2ms, ack(1, 1));
  s.out(2ms, rst(1));  // > R 1:1(0): seq = the ACK's ack_seq, no ACK flag (§11 E4)
  EXPECT_FALSE(s.conn(0).req.live);
  EXPECT_EQ(s.listener().qlen, 0);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1},
                              {Mib::TcpOutRsts, 1},
                              {Mib::TcpExtListenOverflows, 1},
                              {Mib::TcpExtListenDrops, 1},
                              {Mib::TcpExtTCPReqQFullDoCookies, 1},
                              {Mib::TcpExtSyncookiesSent, 1},
                              {Mib::TcpExtSyncookiesRecv, 1},
                              {Mib::TcpExtEmbryonicRsts, 1}}));
  s.no_output_until(70s);  // the request is gone: no SYN-ACK retransmission
}

TEST(AcceptQueue, AbortOnOverflowAnswersTheFinalAckWithRstOnLinux2566) {
  StackScript s(Kernel{.profile = "linux-2.5.66", .sysctls = {{"net.ipv4.tcp_abort_on_overflow", 1}}});
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.in(1ms, ack(1, 1).on(1));
  s.in(2ms, ack(1, 1));
  s.out(2ms, rst(1));
  EXPECT_FALSE(s.conn(0).req.live);
  EXPECT_EQ(s.listener().qlen, 0);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1},
                              {Mib::TcpOutRsts, 1},
                              {Mib::TcpExtListenOverflows, 1},
                              {Mib::TcpExtListenDrops, 1},
                              {Mib::TcpExtEmbryonicRsts, 1}}));
  s.no_output_until(200s);
}

TEST(AcceptQueue, AbortOnOverflowStillDropsSynSilentlyOnLinux618) {
  // kernel-measured-rules.md 2: the SYN drop sends no RST even then.
  StackScript s(Kernel{.profile = "linux-6.18", .sysctls = {{"net.ipv4.tcp_abort_on_overflow", 1}}});
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.in(2ms, syn().on(1));
  s.no_output_until(2ms);
  EXPECT_EQ(s.nstat(),
            (Nstat{{Mib::TcpPassiveOpens, 1}, {Mib::TcpExtListenOverflows, 1}, {Mib::TcpExtListenDrops, 1}}));
}

// --- The child (the server's ESTABLISHED socket) ------------------------------

// Disabled: the model's child ignores a SYN. 6.x tcp_rcv_established ->
// tcp_validate_incoming(): an old SYN passes tcp_sequence() and gets a
// challenge ACK (RFC 5961 4.2; TcpInErrs, TCPSYNChallenge, TCPChallengeACK),
// as the model's client does for a SYN-ACK. Enable when the model is fixed.
TEST(Child, DISABLED_RetransmittedSynGetsChallengeAckOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.in(2ms, syn());
  s.out(2ms, ack(1, 1));
}

// Disabled, likewise: 2.6.12 tcp_rcv_established slow path -> tcp_data_queue()
// "A retransmit" (end_seq <= rcv_nxt): an immediate ACK with a D-SACK block,
// as the model's client does for a SYN-ACK (kernel-handshake.md §6.3 O).
TEST(Child, DISABLED_RetransmittedSynGetsDupAckWithDsackOnLinux2566) {
  StackScript s(kLinux2566);
  s.listen(0ms, 8);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.in(2ms, syn());
  s.out(2ms, ack(1, 1).with_sack(0, 1));
}

// --- Syncookies ---------------------------------------------------------------

TEST(Syncookies, ValidCookieAckCreatesTheChildOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));  // cookie
  s.in(1ms, data(1, 5, 1).on(1));   // its ACK, with data
  s.out(1ms, ack(1, 6).on(1));
  EXPECT_EQ(s.conn(1).child.state, ChildState::established);
  EXPECT_TRUE(s.conn(1).child.from_cookie);
  EXPECT_EQ(s.conn(1).child.bytes_received, 5u);
  EXPECT_EQ(queued(s.listener().accept_queue), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(s.listener().qlen, 1);  // c0's request, untouched
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpPassiveOpens, 1},
                              {Mib::TcpExtTCPReqQFullDoCookies, 1},
                              {Mib::TcpExtSyncookiesSent, 1},
                              {Mib::TcpExtSyncookiesRecv, 1}}));
}

TEST(Syncookies, CookieSynAckIsNeverRetransmittedOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.out(1024ms, syn_ack(0, 1));  // c0's request timer; nothing for c1
  s.out(3040ms, syn_ack(0, 1));
  s.no_output_until(7s);
}

TEST(Syncookies, AckAfterTheCookieWindowIsAnsweredWithRstOnLinux618) {
  // cookie_v4_check looks at an ACK only within 120 s of the listener's
  // last cookie (tcp_synq_no_recent_overflow); later it goes to the
  // listener, which resets it.
  StackScript s(kLinux618);
  s.listen(0ms, 0);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(0ms, syn().on(1));
  s.out(0ms, syn_ack(0, 1).on(1));
  s.out(1024ms, syn_ack(0, 1));
  s.out(3040ms, syn_ack(0, 1));
  s.out(7168ms, syn_ack(0, 1));
  s.out(15360ms, syn_ack(0, 1));
  s.out(31488ms, syn_ack(0, 1));
  s.in(121s, ack(1, 1).on(1));
  s.out(121s, rst(1).on(1));
  EXPECT_EQ(s.conn(1).child.state, ChildState::none);
  EXPECT_EQ(s.nstat().count(Mib::TcpExtSyncookiesRecv), 0u);
}

TEST(Syncookies, AckWithoutARequestCountsSyncookiesFailedOnLinux2566) {
  // 2.6.12 cookie_v4_check: with syncookies on, every ACK that reaches the
  // listener is checked; without a cookie sent in the last 3 s it fails,
  // and the listener resets it.
  StackScript s(Kernel{.profile = "linux-2.5.66", .sysctls = {{"net.ipv4.tcp_syncookies", 1}}});
  s.listen(0ms, 8);
  s.in(0ms, ack(1, 1));
  s.out(0ms, rst(1));
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpOutRsts, 1}, {Mib::TcpExtSyncookiesFailed, 1}}));
}

// --- TCP_DEFER_ACCEPT on the listener ------------------------------------------

TEST(DeferAccept, BareFinalAckIsDroppedAndMarksRequestAckedOnLinux618) {
  StackScript s(kLinux618);
  s.listen(0ms, 8, 30s);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.no_output_until(1ms);
  EXPECT_TRUE(s.conn(0).req.live);
  EXPECT_TRUE(s.conn(0).req.acked);
  EXPECT_EQ(s.listener().ack_backlog, 0);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpExtTCPDeferAcceptDrop, 1}}));
}

TEST(DeferAccept, BareFinalAckIsDroppedAndMarksRequestAckedOnLinux2566) {
  StackScript s(kLinux2566);
  s.listen(0ms, 8, 30s);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.no_output_until(1ms);
  EXPECT_TRUE(s.conn(0).req.live);
  EXPECT_TRUE(s.conn(0).req.acked);
  EXPECT_EQ(s.listener().ack_backlog, 0);
  EXPECT_EQ(s.nstat(), Nstat{});  // no counter in this era
}

TEST(DeferAccept, DataAfterTheBareAckCreatesTheChild) {
  for (const Era& era : kEras) {
    SCOPED_TRACE(era.profile);
    StackScript s(Kernel{.profile = era.profile});
    s.listen(0ms, 8, 30s);
    s.in(0ms, syn());
    s.out(0ms, syn_ack(0, 1));
    s.in(1ms, ack(1, 1));
    s.in(50ms, data(1, 5, 1));
    s.out(50ms, ack(1, 6));
    EXPECT_FALSE(s.conn(0).req.live);
    EXPECT_EQ(s.conn(0).child.bytes_received, 5u);
    EXPECT_EQ(queued(s.listener().accept_queue), (std::vector<std::uint32_t>{0}));
  }
}

TEST(DeferAccept, AckedRequestGetsNoSynAckUntilItsLastDeferPeriodOnLinux618) {
  // 30 s is 5 retransmission periods (secs_to_retrans: 1+2+4+8+16 >= 30).
  // syn_ack_recalc: an acked request is resent a SYN-ACK only from
  // num_timeout >= defer - 1 = 4, and expires at num_timeout 5.
  StackScript s(kLinux618);
  s.listen(0ms, 8, 30s);
  EXPECT_EQ(s.listener().defer_accept, 5);
  s.in(0ms, syn());
  s.out(0ms, syn_ack(0, 1));
  s.in(1ms, ack(1, 1));
  s.out(31488ms, syn_ack(0, 1));  // the 5th firing; the first four were silent
  s.at(65535ms);
  EXPECT_TRUE(s.conn(0).req.live);
  s.at(65536ms);  // the 6th firing: expired, silently
  EXPECT_FALSE(s.conn(0).req.live);
  s.no_output_until(70s);
  EXPECT_EQ(s.nstat(), (Nstat{{Mib::TcpRetransSegs, 1},
                              {Mib::TcpExtTCPDeferAcceptDrop, 1},
                              {Mib::TcpExtTCPTimeouts, 6},
                              {Mib::TcpExtTCPSynRetrans, 1}}));
}

}  // namespace
}  // namespace synsim::tcp::testing
