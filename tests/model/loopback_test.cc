// Loopback delivery and the timer wheel: why retransmissions come in
// lockstep bursts and why a burst admits exactly backlog+1 connections
// (kernel-measured-rules.md rules 5 and 6).
#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ReasonKind;

TEST(Loopback, SameTickBurstProcessesAllSynsBeforeTheirAcks) {
  Scenario sc = scenario_named("burst", ms(100));
  sc.server.backlog = 3;
  never_accept(sc);
  add_clients(sc, "x", 10);  // ten connect() calls at t=0
  const Outcome out = model::run(sc);
  std::size_t last_syn = 0;
  std::size_t first_ack = out.packets.size();
  for (std::size_t i = 0; i < out.packets.size(); ++i) {
    if (is(out.packets[i], Seg::syn) && out.packets[i].time == kTimeZero) last_syn = i;
    if (is(out.packets[i], Seg::client_ack) && i < first_ack) first_ack = i;
  }
  EXPECT_LT(last_syn, first_ack);
  // All ten SYNs were answered (4 requests, 6 cookies), then exactly
  // backlog+1 final ACKs found room.
  int children = 0;
  for (int i = 0; i < 10; ++i) {
    const std::string x = "x#" + std::to_string(i);
    if (has_reason(out, x, ReasonKind::child_created) || has_reason(out, x, ReasonKind::cookie_child_created)) {
      ++children;
    }
  }
  EXPECT_EQ(children, 4);
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 6);
}

TEST(Loopback, ApplicationDoesNotAcceptInTheMiddleOfASoftirqBatch) {
  // Six connects from one thread, accept() from 0.5 s: x#0 and x#1 fill the
  // two slots, the four other SYNs are dropped (accept queue full) and
  // retransmitted ~1 s later in one timer tick. That batch is processed
  // breadth-first on the timer's CPU: four SYNs (two request socks, two
  // cookies), four SYN-ACKs, four ACKs; the first ACKs refill the emptied
  // queue before the woken server thread gets to accept(), so two more
  // overflow: groups of backlog+1 per lockstep burst.
  Scenario sc = scenario_named("burst-accepting", sec(2));
  sc.server.backlog = 1;
  sc.server.accept.start = ms(500);
  add_clients(sc, "x", 6);
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtTCPSynRetrans"), 4);
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 4 + 2);
}

TEST(Loopback, LinkRuleHoldsAFinalAck) {
  Scenario sc = scenario_named("hold", sec(1));
  add_clients(sc, "x", 1);
  scenario::LinkRule rule;
  rule.connection = "x#0";
  rule.segment = scenario::SegmentKind::final_ack;
  rule.delay = ms(100);
  sc.link.rules.push_back(rule);
  const Outcome out = model::run(sc);
  const auto& x = record(out, "x#0");
  ASSERT_TRUE(x.accepted.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*x.accepted)) / 1e9, 0.100, 0.001);
}

TEST(Loopback, LinkRuleDropsASyn) {
  Scenario sc = scenario_named("drop-syn", sec(2));
  add_clients(sc, "x", 1);
  scenario::LinkRule rule;
  rule.connection = "x#0";
  rule.segment = scenario::SegmentKind::syn;
  rule.nth = 1;
  rule.action = scenario::LinkRule::Action::drop;
  sc.link.rules.push_back(rule);
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "x#0").syn_retransmits, 1u);
  EXPECT_NEAR(static_cast<double>(to_ns(*record(out, "x#0").connect_done)) / 1e9, 1.024, 0.001);
}

}  // namespace
}  // namespace synsim::testing
