// The measured worked examples of kernel-handshake.md §11 (M-lab: Linux
// 6.18.44, HZ=250), reproduced by the model within the timer wheel's
// granularity at each delay: 4 ms below 252 ms ahead, 32 ms up to ~2 s,
// 256 ms up to ~16 s, 2.048 s up to ~129 s (jiffies.h). The kernel's jiffy
// phase at T0 was arbitrary; the model's is fixed, hence the tolerances.
#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ReasonKind;

constexpr Time kT0 = at_ns(20500000);  // b's first data segment in the E scenarios

TEST(MeasuredE1, DataDeliveredBySecondRtoBeforeAnySynAckRetransmit) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e1-accept-at-500ms.yaml"));
  // Observed: 0 (dropped), 0.2064 TLP, 0.4144 RTO1, 0.8303 RTO2 (accepted).
  const auto data = seconds_since(out, "b#0", Seg::client_data, kT0);
  ASSERT_EQ(data.size(), 4u);
  // The scripted write() leaves after the thread's wakeup (drawn from the
  // measured distribution, p99 138 us) and the call's cost (machine.cc).
  EXPECT_NEAR(data[0], 0.0, 200e-6);
  EXPECT_NEAR(data[1], 0.2064, 0.004);
  EXPECT_NEAR(data[2], 0.4144, 0.004);
  EXPECT_NEAR(data[3], 0.8303, 0.032);
  // "none: the request was converted at 0.83, before its 1 s timer"
  EXPECT_TRUE(times(out, "b#0", Seg::synack).size() == 1u);
  const auto& b = record(out, "b#0");
  ASSERT_TRUE(b.data_delivered.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*b.data_delivered - kT0)) / 1e9, 0.830, 0.032);
  // §13.1 without the deferred bare ACK: data, TLP and RTO1 overflow.
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 3);
  EXPECT_EQ(counter(out, "TcpExtListenDrops"), 3);
  EXPECT_EQ(counter(out, "TcpExtTCPLossProbes"), 1);
  EXPECT_EQ(counter(out, "TcpExtTCPTimeouts"), 2);
  EXPECT_EQ(counter(out, "TcpRetransSegs"), 3);
  EXPECT_EQ(counter(out, "TcpExtTCPSynRetrans"), 0);
}

TEST(MeasuredE2, ThreeSynAckRetransmitsEachGetAChallengeAckAndDataArrivesAt13s) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e2-accept-at-13s.yaml"));
  // Observed data: 0, 0.2061, 0.4143, 0.8341, 1.6662, 3.3301, 6.6582, 13.3141.
  const auto data = seconds_since(out, "b#0", Seg::client_data, kT0);
  expect_times_near(data, {0, 0.2061, 0.4143, 0.8341, 1.6662, 3.3301, 6.6582, 13.3141},
                    0.256, "b#0 data transmissions");
  EXPECT_NEAR(data[1], 0.2061, 0.004);
  EXPECT_NEAR(data[2], 0.4143, 0.004);
  EXPECT_NEAR(data[3], 0.8341, 0.032);
  EXPECT_NEAR(data[4], 1.6662, 0.032);
  // SYN-ACK retransmits relative to the first SYN-ACK: +1.0148, +3.0308, +7.1908.
  const auto synacks = times(out, "b#0", Seg::synack);
  ASSERT_EQ(synacks.size(), 4u);
  std::vector<double> rel;
  for (std::size_t i = 1; i < synacks.size(); ++i) rel.push_back(static_cast<double>(to_ns(synacks[i] - synacks[0])) / 1e9);
  expect_times_near(rel, {1.0148, 3.0308, 7.1908}, 0.032, "SYN-ACK retransmits");
  EXPECT_NEAR(rel[2], 7.1908, 0.256);
  // Each answered by a plain challenge ACK (dropped as overflow).
  EXPECT_EQ(counter(out, "TcpExtTCPChallengeACK"), 3);
  EXPECT_EQ(counter(out, "TcpExtTCPSYNChallenge"), 3);
  EXPECT_EQ(times(out, "b#0", Seg::client_ack).size(), 3u);
  const auto& b = record(out, "b#0");
  ASSERT_TRUE(b.data_delivered.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*b.data_delivered - kT0)) / 1e9, 13.314, 0.256);
  EXPECT_EQ(b.synack_retransmits, 3u);
}

TEST(MeasuredE3, ExpiredRequestMeansTheNextRetransmissionGetsAnRst) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e3-never-accept.yaml"));
  const auto& b = record(out, "b#0");
  EXPECT_EQ(b.outcome, outcome::ConnectionOutcome::reset);
  EXPECT_EQ(b.error, "ECONNRESET");
  EXPECT_EQ(b.synack_retransmits, 5u);  // 1, 3, 7, 15, 31 s; expiry at ~63 s
  // The request expired silently: no RST until b's data retransmission.
  const auto rsts = seconds_since(out, "b#0", Seg::server_rst, kT0);
  ASSERT_EQ(rsts.size(), 1u);
  EXPECT_NEAR(rsts[0], 106.24, 2.048);  // M-lab: 106.24 s
  EXPECT_EQ(first_reason(out, "b#0", ReasonKind::request_expired).a, 5u);
  EXPECT_EQ(counter(out, "TcpExtSyncookiesFailed"), 1);  // a cookie was sent < 120 s earlier
  ASSERT_TRUE(b.closed.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*b.closed - kT0)) / 1e9, 106.24, 2.048);
}

TEST(MeasuredE4, AbortOnOverflowAnswersWithRstWithinMicroseconds) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e4-abort-on-overflow.yaml"));
  const auto& b = record(out, "b#0");
  EXPECT_EQ(b.outcome, outcome::ConnectionOutcome::reset);
  ASSERT_TRUE(b.closed.has_value());
  EXPECT_LT(to_ns(*b.closed - kT0), 100000);  // within 100 us
  EXPECT_EQ(counter(out, "TcpExtEmbryonicRsts"), 1);
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 1);
  EXPECT_EQ(counter(out, "TcpOutRsts"), 1);
  // The RST carries seq = the offending segment's ack_seq and no ACK flag.
  const auto rst = std::find_if(out.packets.begin(), out.packets.end(),
                                [](const outcome::Packet& p) { return is(p, Seg::server_rst); });
  ASSERT_NE(rst, out.packets.end());
  EXPECT_EQ(rst->flags, outcome::kRst);
  EXPECT_EQ(times(out, "b#0", Seg::client_data).size(), 1u);  // nothing retransmitted
}

}  // namespace
}  // namespace synsim::testing
