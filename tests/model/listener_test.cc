// The listener's rules (kernel-handshake.md §2-§5, linux-6.18), one
// behaviour per test.
#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ReasonKind;
using outcome::SegmentWord;

// `n` clients connecting 1 ms apart to a listener that never accepts.
Scenario queue_filler(std::int64_t backlog, std::uint32_t n) {
  Scenario sc = scenario_named("filler", sec(3));
  sc.server.backlog = backlog;
  never_accept(sc);
  ClientGroup& c = add_clients(sc, "c", n);
  c.spacing = ms(1);
  return sc;
}

TEST(AcceptQueue, HoldsBacklogPlusOneChildren) {
  const Outcome out = model::run(queue_filler(2, 4));
  // c#0..c#2 get children (backlog 2 -> 3 slots); c#3's SYN finds it full.
  for (const char* n : {"c#0", "c#1", "c#2"}) EXPECT_TRUE(has_reason(out, n, ReasonKind::child_created)) << n;
  const outcome::Reason full = first_reason(out, "c#3", ReasonKind::syn_dropped_acceptq_full);
  EXPECT_EQ(full.a, 3u);  // children queued
  EXPECT_EQ(full.b, 3u);  // backlog + 1
}

TEST(AcceptQueue, SynArrivingWhileFullIsDroppedSilentlyAndRetransmitted) {
  const Outcome out = model::run(queue_filler(2, 4));
  EXPECT_EQ(times(out, "c#3", Seg::server_rst).size(), 0u);
  EXPECT_EQ(times(out, "c#3", Seg::synack).size(), 0u);
  // SYNs at 0, 1, 2 s (tcp_syn_linear_timeouts=4), each dropped.
  const auto syns = seconds_since(out, "c#3", Seg::syn, times(out, "c#3", Seg::syn).front());
  expect_times_near(syns, {0, 1.0, 2.0}, 0.064, "c#3 SYNs");  // 1 s timers: +4..32 ms each, accumulating
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 3);
  EXPECT_EQ(counter(out, "TcpExtListenDrops"), 3);
}

TEST(AcceptQueue, ListenBacklogIsClampedBySomaxconn) {
  Scenario sc = queue_filler(1000, 4);
  set_sysctl(sc, "net.core.somaxconn", 1);  // backlog becomes 1: two slots
  const Outcome out = model::run(sc);
  const outcome::Reason full = first_reason(out, "c#2", ReasonKind::syn_dropped_acceptq_full);
  EXPECT_EQ(full.a, 2u);
  EXPECT_EQ(full.b, 2u);
}

TEST(AcceptQueue, FullQueueDropsFinalAckAndMarksRequestAcked) {
  // One child already waits (backlog 1: two slots). Two clients whose
  // final ACKs are held on the link both get request socks (qlen 0 and
  // 1 <= backlog); the first final ACK takes the last slot, the second is
  // dropped.
  Scenario sc = scenario_named("race", sec(2));
  sc.server.backlog = 1;
  never_accept(sc);
  add_clients(sc, "pre", 1);
  add_clients(sc, "x", 2, ms(10));
  for (const char* name : {"x#0", "x#1"}) {
    scenario::LinkRule hold;
    hold.connection = name;
    hold.segment = scenario::SegmentKind::final_ack;
    hold.delay = ms(5);
    sc.link.rules.push_back(hold);
  }
  const Outcome out = model::run(sc);
  EXPECT_TRUE(has_reason(out, "x#0", ReasonKind::child_created));
  EXPECT_EQ(first_reason(out, "x#1", ReasonKind::acceptq_full_request_kept).segment, SegmentWord::final_ack);
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), counter(out, "TcpExtListenDrops"));
  // The client believes it is connected.
  EXPECT_TRUE(record(out, "x#1").connect_done.has_value());
}

TEST(SynQueue, LimitIsBacklogAndOverflowGetsASyncookie) {
  Scenario sc = scenario_named("synq", sec(1));
  sc.server.backlog = 1;
  ClientGroup& x = add_clients(sc, "x", 3);
  x.defer_final_ack = true;  // keep the requests in the SYN queue
  const Outcome out = model::run(sc);
  // qlen 0 and 1 are <= backlog 1: real requests; the third sees qlen 2 > 1.
  EXPECT_FALSE(record(out, "x#0").syncookie);
  EXPECT_FALSE(record(out, "x#1").syncookie);
  EXPECT_TRUE(record(out, "x#2").syncookie);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesSent"), 1);
  EXPECT_EQ(counter(out, "TcpExtTCPReqQFullDoCookies"), 1);
}

TEST(SynQueue, FullWithoutSyncookiesDropsTheSyn) {
  Scenario sc = scenario_named("synq-nocookies", sec(1) + ms(500));
  sc.server.backlog = 1;
  set_sysctl(sc, "net.ipv4.tcp_syncookies", 0);
  ClientGroup& x = add_clients(sc, "x", 3);
  x.defer_final_ack = true;
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtTCPReqQFullDrop"), 1);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesSent"), 0);
  EXPECT_TRUE(has_reason(out, "x#2", ReasonKind::syn_dropped_synq_full));
  EXPECT_EQ(record(out, "x#2").syn_retransmits, 1u);  // retried at 1 s
}

TEST(SynQueue, Syncookies2AnswersEverySynWithACookie) {
  Scenario sc = scenario_named("cookies-always", sec(1));
  set_sysctl(sc, "net.ipv4.tcp_syncookies", 2);
  ClientGroup& x = add_clients(sc, "x", 2);
  send_after_connect(x, 5);
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesSent"), 2);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesRecv"), 2);
  EXPECT_EQ(record(out, "x#1").outcome, outcome::ConnectionOutcome::completed);
}

TEST(SynQueue, CookieConnectionIsNeverRetransmittedAndRecoversOnlyThroughClientData) {
  // E1's client a is a cookie connection; here its data meets a full queue.
  Scenario sc = scenario_named("cookie-recovery", sec(3));
  sc.server.backlog = 0;
  accept_from(sc, ms(600));
  ClientGroup& pre = add_clients(sc, "pre", 1);
  pre.defer_final_ack = true;  // holds the only SYN-queue slot until it writes
  send_at(pre, 1, ms(5));      // ...and then fills the accept queue
  ClientGroup& k = add_clients(sc, "k", 1, ms(1));
  k.defer_final_ack = true;
  send_at(k, 5, ms(10));
  const Outcome out = model::run(sc);
  EXPECT_TRUE(record(out, "k#0").syncookie);
  EXPECT_EQ(times(out, "k#0", Seg::synack).size(), 1u);  // never retransmitted
  EXPECT_TRUE(has_reason(out, "k#0", ReasonKind::acceptq_full_cookie_dropped));
  EXPECT_EQ(first_reason(out, "k#0", ReasonKind::cookie_child_created).segment, SegmentWord::data_segment);
  EXPECT_EQ(record(out, "k#0").outcome, outcome::ConnectionOutcome::completed);
}

TEST(RequestSock, SynAckRetransmittedAt1s3s7s15s31sThenExpiresSilently) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e3-never-accept.yaml"));
  const auto synacks = times(out, "b#0", Seg::synack);
  ASSERT_EQ(synacks.size(), 6u);
  std::vector<double> rel;
  for (std::size_t i = 1; i < synacks.size(); ++i) rel.push_back(static_cast<double>(to_ns(synacks[i] - synacks[0])) / 1e9);
  // Measured on M-lab: +1.012, +3.028, +7.188, +15.380, +31.509 s.
  expect_times_near(rel, {1.012, 3.028, 7.188, 15.380, 31.509}, 0.256, "SYN-ACK retransmits");
  EXPECT_NEAR(rel[4], 31.509, 2.048);
  EXPECT_EQ(counter(out, "TcpExtTCPSynRetrans"), 5);
}

TEST(RequestSock, TcpSynackRetriesLimitsRetransmissionsAndLifetime) {
  Scenario sc = load_shipped("scenarios/measured/e3-never-accept.yaml");
  set_sysctl(sc, "net.ipv4.tcp_synack_retries", 2);
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "b#0").synack_retransmits, 2u);
  // "the request then expires silently at about 7 s with tcp_synack_retries=2"
  bool found = false;
  for (const outcome::Annotation& a : annotations_of(out, "b#0")) {
    if (a.reason.kind != ReasonKind::request_expired) continue;
    found = true;
    EXPECT_EQ(a.reason.a, 2u);  // SYN-ACK retransmissions
    ASSERT_TRUE(a.at.has_value());  // the request timer decided it, after the last packet
    EXPECT_NEAR(static_cast<double>(to_ns(*a.at)) / 1e9, 7.5, 0.5);
  }
  EXPECT_TRUE(found);
}

TEST(RequestSock, AbortOnOverflowResetsInsteadOfMarkingAcked) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e4-abort-on-overflow.yaml"));
  // The segment that met the full accept queue is answered with an RST...
  EXPECT_TRUE(has_reason(out, "b#0", ReasonKind::acceptq_full_abort));
  EXPECT_FALSE(has_reason(out, "b#0", ReasonKind::acceptq_full_request_kept));
  ASSERT_EQ(times(out, "b#0", Seg::server_rst).size(), 1u);
  EXPECT_EQ(first_reason(out, "b#0", ReasonKind::abort_on_overflow_rst).kind, ReasonKind::abort_on_overflow_rst);
  EXPECT_EQ(counter(out, "TcpExtEmbryonicRsts"), counter(out, "TcpExtListenOverflows"));
  // ...and the client's connection is reset, not left waiting.
  const auto& b = record(out, "b#0");
  EXPECT_EQ(b.outcome, outcome::ConnectionOutcome::reset);
  EXPECT_EQ(b.error, "ECONNRESET");
  EXPECT_TRUE(has_reason(out, "b#0", ReasonKind::connection_reset));
  EXPECT_FALSE(b.data_delivered.has_value());
}

TEST(RequestSock, ChildCreatedByADataSegmentDeliversItsPayload) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e1-accept-at-500ms.yaml"));
  EXPECT_EQ(first_reason(out, "b#0", ReasonKind::child_created).segment, SegmentWord::data_segment);
  EXPECT_EQ(first_reason(out, "b#0", ReasonKind::request_queued).a, 5u);  // request bytes
  EXPECT_EQ(record(out, "b#0").outcome, outcome::ConnectionOutcome::completed);
}

TEST(RequestSock, ChallengeAckCreatesTheChildWithoutData) {
  // Accept at 2.5 s: the SYN-ACK retransmit at ~3 s draws a challenge ACK
  // that finds room, so the child exists before the data arrives (rule 10).
  Scenario sc = load_shipped("scenarios/measured/e2-accept-at-13s.yaml");
  accept_from(sc, ms(2500));
  const Outcome out = model::run(sc);
  EXPECT_EQ(first_reason(out, "b#0", ReasonKind::child_created).segment, SegmentWord::ack);
  const auto& b = record(out, "b#0");
  ASSERT_TRUE(b.accepted && b.data_delivered);
  EXPECT_LT(*b.accepted, *b.data_delivered);  // accepted first, request later
  // Delivered by the RTO at ~T0+3.33 s, after the child was created at ~3.04 s.
  EXPECT_NEAR(static_cast<double>(to_ns(*b.data_delivered)) / 1e9, 3.35, 0.05);
}

TEST(ListenerDeferAccept, BareAckIsDroppedAndRequestMarkedAcked) {
  Scenario sc = scenario_named("defer-accept", sec(2));
  sc.server.defer_accept = sec(5);
  ClientGroup& x = add_clients(sc, "x", 1);
  send_at(x, 5, ms(300));
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtTCPDeferAcceptDrop"), 1);
  EXPECT_TRUE(has_reason(out, "x#0", ReasonKind::defer_accept_ack_dropped));
  EXPECT_EQ(record(out, "x#0").outcome, outcome::ConnectionOutcome::completed);  // the data creates it
}

}  // namespace
}  // namespace synsim::testing

namespace synsim::testing {
namespace {

// Every bare ACK from the clients is lost: the final ACK and the
// challenge ACKs that answer SYN-ACK retransmissions.
void drop_client_acks(Scenario& sc) {
  for (auto kind : {scenario::SegmentKind::final_ack, scenario::SegmentKind::ack}) {
    scenario::LinkRule r;
    r.segment = kind;
    r.action = scenario::LinkRule::Action::drop;
    sc.link.rules.push_back(r);
  }
}

TEST(RequestSock, PruningCutsRetriesWhenTheSynQueueIsMoreThanHalfFullOfOldRequests) {
  // backlog 10: 11 requests whose final ACKs are lost. 2*qlen = 22 >
  // max(8, 10), and once every timer has fired young is 0, so each
  // halving of the young fraction costs a retry: down to the floor of 2.
  Scenario sc = scenario_named("prune", sec(70));
  sc.server.backlog = 10;
  add_clients(sc, "x", 11);
  drop_client_acks(sc);
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "x#0").synack_retransmits, 2u);
  EXPECT_EQ(first_reason(out, "x#0", ReasonKind::request_expired).a, 2u);
}

TEST(RequestSock, NoPruningWhileTheSynQueueIsAtMostHalfFull) {
  Scenario sc = scenario_named("no-prune", sec(70));
  sc.server.backlog = 100;
  add_clients(sc, "x", 11);
  drop_client_acks(sc);
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "x#0").synack_retransmits, 5u);
}

TEST(RequestSock, TcpSyncntOnTheListenerOverridesTcpSynackRetries) {
  Scenario sc = scenario_named("syncnt", sec(70));
  sc.server.syncnt = 1;
  add_clients(sc, "x", 1);
  drop_client_acks(sc);
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "x#0").synack_retransmits, 1u);
}

TEST(RequestSock, RetransmittedSynGetsTheSynAckAgainAndPushesTheTimer) {
  // The SYN-ACK is lost once: the client's SYN retransmit at 1 s finds the
  // request and gets a SYN-ACK at once (tcp_check_req -> inet_rtx_syn_ack).
  Scenario sc = scenario_named("syn-rtx", sec(3));
  add_clients(sc, "x", 1);
  scenario::LinkRule r;
  r.segment = scenario::SegmentKind::synack;
  r.nth = 1;
  r.action = scenario::LinkRule::Action::drop;
  sc.link.rules.push_back(r);
  const Outcome out = model::run(sc);
  EXPECT_TRUE(has_reason(out, "x#0", ReasonKind::synack_rtx_for_syn));
  // The client's SYN and the request timer's SYN-ACK fire in the same tick
  // (both 1 s timers armed at ~0), then the SYN draws one more SYN-ACK.
  EXPECT_EQ(counter(out, "TcpExtTCPSynRetrans"), 3);
  EXPECT_NEAR(static_cast<double>(to_ns(*record(out, "x#0").connect_done)) / 1e9, 1.024, 0.001);
}

TEST(Loopback, PacketsBeyondNetdevMaxBacklogAreDropped) {
  Scenario sc = scenario_named("netdev", ms(500));
  set_sysctl(sc, "net.core.netdev_max_backlog", 100);
  // Connects from one thread are processed one handshake at a time; a burst
  // comes from timers: every first SYN is lost, so 150 SYN retransmissions
  // fire in the same tick about 1 s later and queue on one CPU's backlog.
  add_clients(sc, "x", 150);
  sc.duration = sec(2);
  for (int i = 0; i < 150; ++i) {
    scenario::LinkRule drop;
    drop.connection = "x#" + std::to_string(i);
    drop.segment = scenario::SegmentKind::syn;
    drop.nth = 1;
    drop.action = scenario::LinkRule::Action::drop;
    sc.link.rules.push_back(drop);
  }
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "SoftnetDropped"), 50);
  EXPECT_TRUE(has_reason(out, "x#149", ReasonKind::backlog_full_dropped));
}

// tcp_make_synack(): a SYN-ACK sent with a cookie (no request sock) and one
// sent from a request sock carry the same window and SYN options.
TEST(SynAck, CookieAndRequestSockSynAcksCarryTheSameOptions) {
  auto first_synack = [](std::int64_t syncookies) {
    Scenario sc = queue_filler(8, 1);
    set_sysctl(sc, "net.ipv4.tcp_syncookies", syncookies);  // 2: every SYN answered with a cookie
    const Outcome out = model::run(sc);
    EXPECT_EQ(out.connections.front().syncookie, syncookies == 2);
    for (const outcome::Packet& p : out.packets) {
      if (is(p, Seg::synack)) return p;
    }
    ADD_FAILURE() << "no SYN-ACK with tcp_syncookies=" << syncookies;
    return outcome::Packet{};
  };
  const outcome::Packet cookie = first_synack(2);
  const outcome::Packet request = first_synack(1);
  EXPECT_EQ(cookie.window, request.window);
  EXPECT_EQ(cookie.options.mss, request.options.mss);
  EXPECT_EQ(cookie.options.sack_permitted, request.options.sack_permitted);
  EXPECT_EQ(cookie.options.wscale, request.options.wscale);
  EXPECT_EQ(cookie.options.has_timestamp, request.options.has_timestamp);
  EXPECT_NE(cookie.options.mss, 0);
}

}  // namespace
}  // namespace synsim::testing
