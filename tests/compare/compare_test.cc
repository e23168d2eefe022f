#include "sim/compare/compare.h"

#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

Outcome e2() { return model::run(load_shipped("scenarios/measured/e2-accept-at-13s.yaml")); }

TEST(Compare, AnOutcomeAgreesWithItself) {
  const Outcome o = e2();
  const compare::Comparison c = compare::compare(o, o);
  EXPECT_TRUE(c.agree()) << compare::render_text(c);
  EXPECT_EQ(c.packets.size(), o.packets.size());
}

// A kernel may send the request's tail with the FIN on it; compare pairs
// that segment with the other side's request, so it is "data".
TEST(Compare, PacketKindNamesAFinCarryingPayloadData) {
  outcome::Packet p;
  p.flags = outcome::kFin | outcome::kPsh | outcome::kAck;
  p.length = 1;
  EXPECT_EQ(compare::packet_kind(p), "client data");
  p.length = 0;
  EXPECT_EQ(compare::packet_kind(p), "client FIN");
  p.from_client = false;
  p.flags = outcome::kSyn | outcome::kAck;
  EXPECT_EQ(compare::packet_kind(p), "server SYN-ACK");
}

TEST(Compare, ToleranceFollowsTheTimerWheelGranuleAtThatDelay) {
  compare::Options o;
  o.noise = Duration{0};
  EXPECT_EQ(compare::tolerance_for(ms(200), o), ms(8));      // level 0: 4 ms granule, twice
  EXPECT_EQ(compare::tolerance_for(ms(830), o), ms(64));     // level 1: 32 ms
  EXPECT_EQ(compare::tolerance_for(sec(13), o), ms(512));    // level 2: 256 ms
  EXPECT_EQ(compare::tolerance_for(sec(106), o), ms(4096));  // level 3: 2.048 s
}

TEST(Compare, ATimeBeyondToleranceIsADisagreementListedFirstByKind) {
  const Outcome m = e2();
  Outcome k = m;
  // Move b#0's TLP (0.2061 s after T0, 4 ms granule) by 200 ms.
  int seen = 0;
  for (outcome::Packet& p : k.packets) {
    if (p.connection == "b#0" && p.from_client && p.length > 0 && ++seen == 2) p.time += ms(200);
  }
  const compare::Comparison c = compare::compare(m, k);
  ASSERT_FALSE(c.agree());
  EXPECT_NE(c.disagreements.front().find("b#0 client data #2"), std::string::npos) << c.disagreements.front();
}

TEST(Compare, OneHundredMillisecondHiccupIsForgivenOncePerConnection) {
  const Outcome m = e2();
  Outcome k = m;
  int seen = 0;
  for (outcome::Packet& p : k.packets) {
    if (p.connection == "b#0" && p.from_client && p.length > 0 && ++seen == 2) p.time += ms(100);
  }
  EXPECT_TRUE(compare::compare(m, k).agree());
}

TEST(Compare, PacketsOnOneSideOnlyAreListed) {
  const Outcome m = e2();
  Outcome k = m;
  k.packets.pop_back();
  const compare::Comparison c = compare::compare(m, k);
  ASSERT_FALSE(c.agree());
  bool listed = false;
  for (const std::string& d : c.disagreements) listed |= d.find("model only") != std::string::npos;
  EXPECT_TRUE(listed);
}

TEST(Compare, CountersAndOutcomesAreComparedByName) {
  const Outcome m = e2();
  Outcome k = m;
  k.counters["TcpExtListenOverflows"] += 1;
  k.connections[0].outcome = outcome::ConnectionOutcome::reset;
  const compare::Comparison c = compare::compare(m, k);
  ASSERT_GE(c.disagreements.size(), 2u);
  EXPECT_NE(c.disagreements.front().find("outcome"), std::string::npos);  // outcomes first
  EXPECT_NE(compare::render_text(c).find("DISAGREE"), std::string::npos);
}

TEST(Compare, TheClosingExchangeIsShownButNotJudged) {
  // The 2003 scenario's connections close after their response; an extra
  // kernel ACK in that exchange (close() racing the FIN's delivery) is not a
  // disagreement, but a missing request retransmission is.
  const Outcome m = model::run(load_shipped("scenarios/stall/loopback-stall-2003.yaml"));
  Outcome k = m;
  outcome::Packet extra = k.packets.back();
  extra.time += us(1);
  extra.flags = outcome::kAck;
  extra.from_client = true;
  extra.length = 0;
  k.packets.push_back(extra);
  EXPECT_TRUE(compare::compare(m, k).agree());
}

}  // namespace
}  // namespace synsim::testing
