// The client socket's rules (kernel-handshake.md §6, §8; linux-6.18).
#include <gtest/gtest.h>

#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

using outcome::ReasonKind;

// A client whose SYNs are all dropped: the accept queue (backlog 0) is
// held by a connection nobody accepts.
Scenario syn_blackhole(Duration duration) {
  Scenario sc = scenario_named("syn-blackhole", duration);
  sc.server.backlog = 0;
  never_accept(sc);
  add_clients(sc, "pre", 1);
  add_clients(sc, "x", 1, ms(1));
  return sc;
}

TEST(ClientSyn, RetransmitsLinearlyFourTimesThenDoublesAndGivesUpAt131s) {
  const Outcome out = model::run(syn_blackhole(sec(140)));
  const Time first = times(out, "x#0", Seg::syn).front();
  // v6.5+: 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67; ETIMEDOUT at 131 s (nominal).
  // Each timer is re-armed from its (late) firing, so the timer wheel's
  // lateness accumulates: up to 8 jiffies per 1-2 s timer, 64 per 4-16 s
  // one, 512 (2.048 s) per 32-64 s one.
  expect_times_near_rel(seconds_since(out, "x#0", Seg::syn, first), {0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67}, 0.05,
                        "x#0 SYNs");
  const auto& x = record(out, "x#0");
  EXPECT_EQ(x.outcome, outcome::ConnectionOutcome::timed_out);
  EXPECT_EQ(x.error, "ETIMEDOUT");
  ASSERT_TRUE(x.closed.has_value());
  EXPECT_NEAR(static_cast<double>(to_ns(*x.closed - first)) / 1e9, 131.0, 131.0 * 0.05);
  EXPECT_EQ(counter(out, "TcpExtTCPAbortOnTimeout"), 1);
}

TEST(ClientSyn, WithoutLinearTimeoutsBacksOffFromTheStart) {
  Scenario sc = syn_blackhole(sec(140));
  set_sysctl(sc, "net.ipv4.tcp_syn_linear_timeouts", 0);
  const Outcome out = model::run(sc);
  const Time first = times(out, "x#0", Seg::syn).front();
  // v3.1-6.4 schedule: 0, 1, 3, 7, 15, 31, 63; ETIMEDOUT at 127 s.
  expect_times_near_rel(seconds_since(out, "x#0", Seg::syn, first), {0, 1, 3, 7, 15, 31, 63}, 0.05, "x#0 SYNs");
  const auto& x = record(out, "x#0");
  EXPECT_NEAR(static_cast<double>(to_ns(*x.closed - first)) / 1e9, 127.0, 127.0 * 0.05);
}

TEST(ClientData, TailLossProbeThenRtoDoublingCappedAt120s) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e3-never-accept.yaml"));
  const auto data = seconds_since(out, "b#0", Seg::client_data, at_ns(20500000));
  // kernel-measured-rules.md rule 11: TLP ~0.207, then +0.415, +0.83, +1.66,
  // +3.33, +6.66, +13.3, +26.6, +53.2, +106.5 s after the send.
  expect_times_near(data, {0, 0.207, 0.415, 0.83, 1.66, 3.33, 6.66, 13.3, 26.6, 53.2, 106.5}, 2.048,
                    "b#0 data transmissions");
  EXPECT_EQ(counter(out, "TcpExtTCPLossProbes"), 1);
}

TEST(ClientData, NoTailLossProbeWhenEarlyRetransIsOff) {
  Scenario sc = load_shipped("scenarios/measured/e1-accept-at-500ms.yaml");
  set_sysctl(sc, "net.ipv4.tcp_early_retrans", 0);
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtTCPLossProbes"), 0);
  const auto data = seconds_since(out, "b#0", Seg::client_data, at_ns(20500000));
  // RTO chain straight away: 0.208, 0.64 (level-1 rounding) ...
  EXPECT_NEAR(data.at(1), 0.2075, 0.004);
}

TEST(ClientData, RtoFollowsTcpRtoMinUs) {
  Scenario sc = load_shipped("scenarios/measured/e1-accept-at-500ms.yaml");
  set_sysctl(sc, "net.ipv4.tcp_rto_min_us", 50000);  // 50 ms: RTO = ceil(50.02 ms / 4 ms) = 52 ms
  const Outcome out = model::run(sc);
  const auto data = seconds_since(out, "b#0", Seg::client_data, at_ns(20500000));
  EXPECT_NEAR(data.at(1), 0.056, 0.004);  // TLP: 13 jiffies + 1 tick
}

TEST(ClientData, RetransmissionsGiveUpAfterTcpRetries2WithEtimedout) {
  Scenario sc = load_shipped("scenarios/measured/e3-never-accept.yaml");
  set_sysctl(sc, "net.ipv4.tcp_retries2", 3);         // (2^4 - 1) * 200 ms = 3 s after the first RTO
  set_sysctl(sc, "net.ipv4.tcp_synack_retries", 10);  // keep the request alive
  const Outcome out = model::run(sc);
  const auto& b = record(out, "b#0");
  EXPECT_EQ(b.outcome, outcome::ConnectionOutcome::timed_out);
  ASSERT_TRUE(b.closed.has_value());
  // First RTO at T0+0.416; kill at the first RTO firing >= 3 s later (T0+6.66).
  EXPECT_NEAR(static_cast<double>(to_ns(*b.closed - at_ns(20500000))) / 1e9, 6.66, 0.256);
}

TEST(ClientEstablished, RetransmittedSynAckGetsAChallengeAck) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e2-accept-at-13s.yaml"));
  EXPECT_TRUE(has_reason(out, "b#0", ReasonKind::challenge_ack));
  EXPECT_EQ(counter(out, "TcpInErrs"), 3);
}

TEST(ClientEstablished, ChallengeAcksAreRateLimitedByTcpInvalidRatelimit) {
  // With the per-socket limit raised to 5 s, the SYN-ACK at ~3 s comes too
  // soon after the challenge ACK of ~1 s (tcp_oow_rate_limited).
  Scenario sc = load_shipped("scenarios/measured/e2-accept-at-13s.yaml");
  set_sysctl(sc, "net.ipv4.tcp_invalid_ratelimit", 5000);  // 5 s: covers SYN-ACKs at 1 and 3 s
  const Outcome out = model::run(sc);
  EXPECT_EQ(counter(out, "TcpExtTCPChallengeACK"), 2);        // 1 s and 7 s
  EXPECT_EQ(counter(out, "TcpExtTCPACKSkippedChallenge"), 1);  // 3 s
}

TEST(ClientDeferredAck, FinalAckRidesOnTheFirstData) {
  const Outcome out = model::run(load_shipped("scenarios/measured/e1-accept-at-500ms.yaml"));
  // b#0 never sends a bare ACK before its data.
  const auto acks = times(out, "b#0", Seg::client_ack);
  const auto data = times(out, "b#0", Seg::client_data);
  ASSERT_FALSE(data.empty());
  for (Time t : acks) EXPECT_GT(t, data.front());
  EXPECT_TRUE(has_reason(out, "b#0", ReasonKind::deferred_ack_on_data));
}

TEST(ClientDeferredAck, FinalAckGoesAfter200msWithoutData) {
  Scenario sc = scenario_named("deferred-ack-alone", sec(1));
  ClientGroup& x = add_clients(sc, "x", 1);
  x.defer_final_ack = true;
  const Outcome out = model::run(sc);
  const auto acks = times(out, "x#0", Seg::client_ack);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_NEAR(static_cast<double>(to_ns(acks[0])) / 1e9, 0.204, 0.004);  // TCP_DELACK_MAX, 50 jiffies + 1
}

TEST(ClientClose, RstCloseSendsAnRstAndCountsEstabResets) {
  Scenario sc = scenario_named("rst-close", sec(1));
  sc.server.on_data.respond_bytes = 10;
  ClientGroup& x = add_clients(sc, "x", 1);
  send_after_connect(x, 5);
  x.close.kind = scenario::CloseSpec::Kind::after_response;
  x.close_style = scenario::CloseStyle::rst;
  const Outcome out = model::run(sc);
  EXPECT_EQ(record(out, "x#0").outcome, outcome::ConnectionOutcome::completed);
  EXPECT_EQ(counter(out, "TcpEstabResets"), 1);
  EXPECT_EQ(counter(out, "TcpOutRsts"), 1);
}

TEST(ClientClose, FinCloseCompletesTheExchange) {
  Scenario sc = scenario_named("fin-close", sec(1));
  sc.server.on_data.respond_bytes = 10;
  sc.server.on_data.close = scenario::ServerClose::after_response;
  ClientGroup& x = add_clients(sc, "x", 3);
  send_after_connect(x, 5);
  x.close.kind = scenario::CloseSpec::Kind::after_response;
  const Outcome out = model::run(sc);
  for (const char* n : {"x#0", "x#1", "x#2"}) {
    const auto& r = record(out, n);
    EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::completed) << n;
    EXPECT_TRUE(r.response_received.has_value()) << n;
    EXPECT_TRUE(r.closed.has_value()) << n;
    EXPECT_TRUE(r.explanation.empty()) << n;
  }
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 0);
}

}  // namespace
}  // namespace synsim::testing
