// Profile linux-2.5.66: the rules of the 2003 report's kernel
// (kernel-handshake.md §2-§7, column O; read in 2.6.12-rc2 and 2.4.20).
#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ReasonKind;

Scenario old_scenario(const std::string& name, Duration duration) {
  Scenario sc = scenario_named(name, duration);
  sc.kernel = "linux-2.5.66";
  return sc;
}

// The accept queue (backlog 2: three slots) is full and nobody accepts.
Scenario full_queue(Duration duration) {
  Scenario sc = old_scenario("full-queue", duration);
  sc.server.backlog = 2;
  never_accept(sc);
  add_clients(sc, "pre", 3);
  return sc;
}

TEST(OldEra, SynIsAnsweredWhileTheAcceptQueueIsFullIfAtMostOneRequestIsYoung) {
  Scenario sc = full_queue(sec(1));
  add_clients(sc, "x", 1, ms(10));
  const Outcome out = model::run(sc);
  EXPECT_TRUE(has_reason(out, "x#0", ReasonKind::synack_while_acceptq_full_2_5));
  EXPECT_EQ(first_reason(out, "x#0", ReasonKind::acceptq_full_request_kept).segment, outcome::SegmentWord::ack);
  EXPECT_TRUE(record(out, "x#0").connect_done.has_value());
}

TEST(OldEra, SynIsDroppedWhenTheAcceptQueueIsFullAndTwoRequestsAreYoung) {
  Scenario sc = full_queue(ms(500));
  add_clients(sc, "x", 3, ms(10));  // x#0 and x#1 become young requests; x#2 is refused
  const Outcome out = model::run(sc);
  EXPECT_EQ(first_reason(out, "x#2", ReasonKind::syn_dropped_acceptq_full_2_5).c, 2u);  // young requests
  EXPECT_GE(counter(out, "TcpAttemptFails"), 1);
  EXPECT_EQ(counter(out, "TcpExtTCPReqQFullDrop"), 0);  // no such counter then
}

TEST(OldEra, SynQueueSizeComesFromTcpMaxSynBacklogNotTheBacklog) {
  Scenario sc = old_scenario("synq-size", ms(100));
  sc.server.backlog = 1000;
  never_accept(sc);
  set_sysctl(sc, "net.ipv4.tcp_max_syn_backlog", 50);  // rounded up to 64
  set_sysctl(sc, "net.ipv4.tcp_syncookies", 1);
  ClientGroup& x = add_clients(sc, "x", 70);
  x.defer_final_ack = true;  // keep the requests in the SYN queue
  const Outcome out = model::run(sc);
  EXPECT_FALSE(record(out, "x#63").syncookie);
  EXPECT_TRUE(record(out, "x#64").syncookie);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesSent"), 6);
}

TEST(OldEra, TheListenersSweepRetransmitsSynAcksAt3s9s21s45s93sPlusItsLag) {
  Scenario sc = full_queue(sec(200));
  add_clients(sc, "x", 1, ms(10));
  const Outcome out = model::run(sc);
  const auto synacks = times(out, "x#0", Seg::synack);
  ASSERT_EQ(synacks.size(), 6u);
  const double nominal[] = {3, 9, 21, 45, 93};
  for (int i = 0; i < 5; ++i) {
    const double rel = static_cast<double>(to_ns(synacks[i + 1] - synacks[0])) / 1e9;
    // Each step fires at the first 200 ms sweep that reaches the request's
    // bucket at or after its expiry: 0 to 1.4 s late, and lateness accumulates.
    EXPECT_GE(rel, nominal[i]) << i;
    EXPECT_LE(rel, nominal[i] + 1.6 * (i + 1)) << i;
  }
  // Dropped at the first sweep >= S+189 s: no sixth retransmission, a note.
  EXPECT_EQ(first_reason(out, "x#0", ReasonKind::request_dropped_2_5).a, 5u);  // SYN-ACK retransmissions
}

TEST(OldEra, RetransmittedSynAckIsAnsweredWithADsackDuplicateAck) {
  Scenario sc = full_queue(sec(5));
  add_clients(sc, "x", 1, ms(10));
  const Outcome out = model::run(sc);
  bool dsack = false;
  for (const outcome::Packet& p : out.packets) {
    if (p.connection == "x#0" && is(p, Seg::client_ack) && p.options.sack.size() == 1) {
      dsack = true;
      EXPECT_EQ(p.options.sack[0].right - p.options.sack[0].left, 1u);  // {0:1}: the SYN
    }
  }
  EXPECT_TRUE(dsack);
  EXPECT_EQ(counter(out, "TcpExtTCPDSACKOldSent"), 1);
  EXPECT_EQ(counter(out, "TcpExtDelayedACKLost"), 1);
  EXPECT_EQ(counter(out, "TcpExtTCPChallengeACK"), 0);
}

TEST(OldEra, NoTailLossProbeAndTheFirstRtoIs201Jiffies) {
  Scenario sc = full_queue(sec(3));
  ClientGroup& x = add_clients(sc, "x", 1, ms(10));
  send_at(x, 5, ms(50));
  const Outcome out = model::run(sc);
  const auto data = seconds_since(out, "x#0", Seg::client_data, at_ns(50000000));
  // kernel-handshake.md §13.2: 0, 0.201, 0.603, 1.407 (HZ=1000, exact jiffies)
  expect_times_near(data, {0, 0.201, 0.603, 1.407}, 0.0011, "x#0 data");
  EXPECT_EQ(counter(out, "TcpExtTCPLossProbes"), 0);
  EXPECT_EQ(counter(out, "TcpExtTCPTimeouts"), 1);  // counted once per loss episode then
}

TEST(OldEra, WithoutTimestampsTheDataRtoIs3s) {
  Scenario sc = full_queue(sec(4));
  set_sysctl(sc, "net.ipv4.tcp_timestamps", 0);
  ClientGroup& x = add_clients(sc, "x", 1, ms(10));
  send_at(x, 5, ms(50));
  const Outcome out = model::run(sc);
  const auto data = seconds_since(out, "x#0", Seg::client_data, at_ns(50000000));
  expect_times_near(data, {0, 3.0}, 0.0011, "x#0 data");
}

TEST(OldEra, SynScheduleIs3s9s21s45s93sAndConnectGivesUpAt189s) {
  Scenario sc = old_scenario("syn-blackhole", sec(200));
  add_clients(sc, "x", 1);
  scenario::LinkRule drop_syns;  // every SYN of x#0 is lost
  drop_syns.connection = "x#0";
  drop_syns.segment = scenario::SegmentKind::syn;
  drop_syns.action = scenario::LinkRule::Action::drop;
  sc.link.rules.push_back(drop_syns);
  const Outcome out = model::run(sc);
  const Time first = times(out, "x#0", Seg::syn).front();
  expect_times_near(seconds_since(out, "x#0", Seg::syn, first), {0, 3, 9, 21, 45, 93}, 0.0011, "x#0 SYNs");
  const auto& x = record(out, "x#0");
  EXPECT_EQ(x.outcome, outcome::ConnectionOutcome::timed_out);
  ASSERT_TRUE(x.closed.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*x.closed - first)) / 1e9, 189.0, 0.0011);
}

TEST(OldEra, DataRetransmissionsAreKilledByCountNotByTime) {
  Scenario sc = full_queue(sec(30));
  set_sysctl(sc, "net.ipv4.tcp_retries2", 3);
  ClientGroup& x = add_clients(sc, "x", 1, ms(10));
  send_at(x, 5, ms(50));
  const Outcome out = model::run(sc);
  const auto& r = record(out, "x#0");
  EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::timed_out);
  EXPECT_EQ(r.data_retransmits, 3u);
  // Killed at the 4th RTO firing: 0.05 + 0.201 + 0.402 + 0.804 + 1.608 s.
  EXPECT_NEAR(static_cast<double>(to_ns(*r.closed)) / 1e9, 3.065, 0.002);
}

TEST(OldEra, TheReportsTimelineHasItsShape) {
  const Outcome out = model::run(load_shipped("scenarios/stall/report-2003-linux-2.5.66.yaml"));
  // SYN; SYN-ACK; ACK; P 1:6(5); SYN-ACK retransmitted after the data; dup ACK with sack {0:1}.
  // The client's RTO retransmissions of P come before the first SYN-ACK
  // retransmission; repeated Ps count once.
  std::vector<std::string> squeezed;
  for (const outcome::Packet& p : out.packets) {
    if (p.connection != "x#0" || squeezed.size() >= 6) continue;
    std::string kind;
    if (is(p, Seg::syn)) kind = "S";
    if (is(p, Seg::synack)) kind = "S.";
    if (is(p, Seg::client_data)) kind = "P";
    if (is(p, Seg::client_ack)) kind = p.options.sack.empty() ? "." : ". sack";
    if (kind.empty() || (kind == "P" && !squeezed.empty() && squeezed.back() == "P")) continue;
    squeezed.push_back(kind);
  }
  EXPECT_EQ(squeezed, (std::vector<std::string>{"S", "S.", ".", "P", "S.", ". sack"}));
  const auto& x = record(out, "x#0");
  ASSERT_TRUE(x.accepted && x.data_delivered);
  EXPECT_LT(*x.accepted, *x.data_delivered);  // accept() returns ~9 s before the data arrives
  EXPECT_GT(to_ns(*x.stall()), to_ns(sec(100)));
}

TEST(OldEra, AckedRequestsAreExemptFromPruning) {
  // Q = 64 (tcp_max_syn_backlog 64); a burst of 40 SYNs makes 40 requests.
  // Backlog 0: one final ACK creates a child, the other "acked" requests
  // overflow and stay acked; the "lost" group's ACKs never arrive. With
  // qlen 39 >= Q/2 and no young request left, the threshold falls to 2:
  // the lost requests get 2 SYN-ACK retransmissions, the acked ones all 5.
  Scenario sc = old_scenario("prune-old", sec(200));
  sc.server.backlog = 0;
  never_accept(sc);
  set_sysctl(sc, "net.ipv4.tcp_max_syn_backlog", 64);
  add_clients(sc, "acked", 34);
  add_clients(sc, "lost", 6);
  // Every final ACK is held 20 ms on the link, so all 40 SYNs are answered
  // before the first ACK arrives (one thread's connects are otherwise
  // processed one handshake at a time).
  scenario::LinkRule hold;
  hold.segment = scenario::SegmentKind::final_ack;
  hold.delay = ms(20);
  sc.link.rules.push_back(hold);
  for (int i = 0; i < 6; ++i) {
    for (auto kind : {scenario::SegmentKind::final_ack, scenario::SegmentKind::ack}) {
      scenario::LinkRule r;
      r.connection = "lost#" + std::to_string(i);
      r.segment = kind;
      r.action = scenario::LinkRule::Action::drop;
      sc.link.rules.push_back(r);
    }
  }
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "lost#0").synack_retransmits, 2u);
  EXPECT_EQ(first_reason(out, "lost#0", ReasonKind::request_dropped_2_5).a, 2u);
  EXPECT_EQ(record(out, "acked#5").synack_retransmits, 5u);
}

TEST(OldEra, AnExpiredRequestMeansTheNextDataRetransmissionGetsAnRst) {
  Scenario sc = full_queue(sec(230));
  ClientGroup& x = add_clients(sc, "x", 1, ms(10));
  send_at(x, 5, ms(50));
  const Outcome out = model::run(sc);
  const auto& r = record(out, "x#0");
  EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::reset);
  // Request dropped at the first sweep >= 189 s; the data retransmission
  // at 0.05 + 205.623 s then finds only the listener.
  ASSERT_TRUE(r.closed.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*r.closed)) / 1e9, 205.673, 0.01);
  EXPECT_EQ(times(out, "x#0", Seg::server_rst).size(), 1u);
}

}  // namespace
}  // namespace synsim::testing
