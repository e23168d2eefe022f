// Statistical comparison of load runs (sim/compare/statistics.h) on
// hand-made outcomes: the judging rule at its edges, stall counts and
// quantiles, straggler groups and their most common size.
#include "sim/compare/statistics.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "sim/compare/statistics_render.h"

namespace synsim::compare {
namespace {

using outcome::ConnectionOutcome;
using outcome::ConnectionRecord;
using outcome::Outcome;

// A completed connection whose request was sent at `sent` and read by the
// server application `stall` later.
ConnectionRecord delivered(Time sent, Duration stall) {
  ConnectionRecord r;
  r.name = "x#" + std::to_string(to_ns(sent));
  r.first_data_sent = sent;
  r.data_delivered = sent + stall;
  r.outcome = ConnectionOutcome::completed;
  return r;
}

Outcome side(const char* source, std::vector<ConnectionRecord> records) {
  Outcome o;
  o.info.scenario = "hand-made";
  o.info.source = source;
  o.connections = std::move(records);
  o.accept_queue_limit = 9;
  return o;
}

// `n` requests sent at 0 and stalled `stall`, delivered `spacing` apart from `first_delivery`.
std::vector<ConnectionRecord> group_of(int n, Time first_delivery, Duration spacing, Duration stall) {
  std::vector<ConnectionRecord> v;
  for (int i = 0; i < n; ++i) v.push_back(delivered(first_delivery + i * spacing - stall, stall));
  return v;
}

TEST(StatisticalRule, TheKernelsRangeIsWidenedByAFactorOfThreeOrTheSlack) {
  // Large values: x3 either way (rounded outward).
  EXPECT_EQ(widened(40, 40, kCountSlack).lo, 13);
  EXPECT_EQ(widened(40, 40, kCountSlack).hi, 120);
  EXPECT_EQ(widened(1214, 1214, kCountSlack).lo, 404);
  EXPECT_EQ(widened(1214, 1214, kCountSlack).hi, 3642);
  // Several runs: the band spans them all.
  EXPECT_EQ(widened(90, 318, kCountSlack).lo, 30);
  EXPECT_EQ(widened(90, 318, kCountSlack).hi, 954);
  // Small values: the slack is wider than the factor.
  EXPECT_EQ(widened(0, 0, kCountSlack).lo, 0);
  EXPECT_EQ(widened(0, 0, kCountSlack).hi, 5);
  EXPECT_EQ(widened(2, 2, kCountSlack).lo, 0);
  EXPECT_EQ(widened(2, 2, kCountSlack).hi, 7);
  // A duration that never ended widens to "never" only upward.
  EXPECT_EQ(widened(to_ns(sec(2)), kUnfinished, to_ns(kDurationSlack)).hi, kUnfinished);
  EXPECT_EQ(widened(kUnfinished, kUnfinished, to_ns(kDurationSlack)).lo, kUnfinished);
  EXPECT_NE(tolerance_rule().find("x3 either way"), std::string::npos) << tolerance_rule();
  EXPECT_NE(tolerance_rule().find("±5 (counts)"), std::string::npos) << tolerance_rule();
}

TEST(StatisticalMode, AutoIsStatisticalAboveOneHundredConnections) {
  EXPECT_EQ(mode_for(3), Mode::connections);
  EXPECT_EQ(mode_for(100), Mode::connections);
  EXPECT_EQ(mode_for(101), Mode::statistical);
}

TEST(Statistics, StallsAreCountedStrictlyAboveTheThresholdAndTheNoiseFloor) {
  const Outcome o = side("model", {delivered(kTimeZero, sec(1)), delivered(kTimeZero, sec(1) + ns(1)),
                                   delivered(kTimeZero, ms(190)), delivered(kTimeZero, ms(191))});
  const SideStatistics s = side_statistics(o, StatOptions{});
  EXPECT_EQ(s.stalled_over_threshold, 1);
  EXPECT_EQ(s.stalled_over_noise_floor, 3);
  StatOptions half;
  half.stall_threshold = ms(500);
  EXPECT_EQ(side_statistics(o, half).stalled_over_threshold, 2);
}

TEST(Statistics, QuantilesAreNearestRankOverDeliveredRequestsOnly) {
  std::vector<ConnectionRecord> v;
  for (int i = 1; i <= 1000; ++i) v.push_back(delivered(kTimeZero, ms(i)));
  ConnectionRecord never;  // sent, never delivered: no stall
  never.first_data_sent = kTimeZero;
  never.outcome = ConnectionOutcome::reset;
  v.push_back(never);
  const SideStatistics s = side_statistics(side("model", v), StatOptions{});
  ASSERT_EQ(s.quantiles.size(), 5u);
  EXPECT_EQ(s.delivered, 1000);
  EXPECT_EQ(s.completed, 1000);
  EXPECT_EQ(s.reset, 1);
  EXPECT_EQ(s.quantiles[0].name, "p50");
  EXPECT_EQ(s.quantiles[0].value, ms(500));
  EXPECT_EQ(s.quantiles[1].value, ms(900));
  EXPECT_EQ(s.quantiles[2].value, ms(990));
  EXPECT_EQ(s.quantiles[3].name, "p99.9");
  EXPECT_EQ(s.quantiles[3].value, ms(999));
  EXPECT_EQ(s.quantiles[4].value, ms(1000));
  EXPECT_EQ(s.longest_tail, ms(1000));
}

TEST(Statistics, NoDeliveredRequestGivesNoQuantiles) {
  const SideStatistics s = side_statistics(side("model", {}), StatOptions{});
  EXPECT_FALSE(s.quantiles[0].value.has_value());
  EXPECT_FALSE(s.longest_tail.has_value());
  EXPECT_EQ(s.common_group_count, 0);
}

TEST(StragglerGroups, StalledDeliveriesWithinTwentyMillisecondsFormOneGroup) {
  // Two bursts of 9 (1 ms apart inside), a 20 ms gap that stays in a group,
  // a gap of 20 ms + 1 ns that starts a new one, and fast deliveries that
  // are not stragglers at all.
  std::vector<ConnectionRecord> v = group_of(9, at_ns(1'000'000'000), ms(1), sec(1));
  for (auto& r : group_of(9, at_ns(3'000'000'000), ms(1), sec(3))) v.push_back(r);
  for (auto& r : group_of(2, at_ns(7'000'000'000), ms(20), sec(7))) v.push_back(r);
  for (auto& r : group_of(1, at_ns(7'040'000'001), ms(1), sec(7))) v.push_back(r);
  for (auto& r : group_of(50, at_ns(2'000'000'000), ms(1), us(10))) v.push_back(r);
  const std::vector<StragglerGroup> g = straggler_groups(side("model", v), StatOptions{});
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].delivered, at_ns(1'000'000'000));
  EXPECT_EQ(g[0].size, 9);
  EXPECT_EQ(g[1].size, 9);
  EXPECT_EQ(g[2].size, 2);
  EXPECT_EQ(g[3].delivered, at_ns(7'040'000'001));
  EXPECT_EQ(g[3].size, 1);
  const SideStatistics s = side_statistics(side("model", v), StatOptions{});
  EXPECT_EQ(s.common_group_size, 9);
  EXPECT_EQ(s.common_group_count, 2);
  EXPECT_EQ(s.accept_queue_limit, 9);
  EXPECT_EQ(s.longest_tail, sec(7));
}

TEST(StragglerGroups, MostCommonSizeTieGoesToTheLargerGroup) {
  std::vector<ConnectionRecord> v = group_of(3, at_ns(1'000'000'000), ms(1), sec(1));
  for (auto& r : group_of(9, at_ns(3'000'000'000), ms(1), sec(3))) v.push_back(r);
  const SideStatistics s = side_statistics(side("model", v), StatOptions{});
  EXPECT_EQ(s.common_group_size, 9);
  EXPECT_EQ(s.common_group_count, 1);
}

TEST(Statistics, OnlyTheModelKnowsSyncookies) {
  ConnectionRecord r = delivered(kTimeZero, us(10));
  r.syncookie = true;
  EXPECT_EQ(side_statistics(side("model", {r}), StatOptions{}).syncookies, 1);
  EXPECT_FALSE(side_statistics(side("kernel", {r}), StatOptions{}).syncookies.has_value());
}

// A connection whose connect() took `connect` and whose whole exchange
// (connect() call to response) took `total`, starting at `start`.
ConnectionRecord exchanged(Time start, Duration connect, Duration total) {
  ConnectionRecord r;
  r.name = "x#" + std::to_string(to_ns(start));
  r.connect_start = start;
  r.connect_done = start + connect;
  r.first_data_sent = start + connect;
  r.data_delivered = start + total - us(10);
  r.response_received = start + total;
  r.closed = start + total;
  r.outcome = ConnectionOutcome::completed;
  return r;
}

// `n` connections of which `slow` waited a second in connect() (a SYN
// dropped and retransmitted at 1 s), the rest 100 us in all.
Outcome load(const char* source, int n, int slow, std::int64_t overflows) {
  std::vector<ConnectionRecord> v;
  for (int i = 0; i < n; ++i) {
    const Time start = at_ns(std::int64_t{i} * 1'000'000);
    v.push_back(i < slow ? exchanged(start, ms(1024), ms(1025)) : exchanged(start, us(20), us(100)));
  }
  Outcome o = side(source, std::move(v));
  o.info.duration = sec(12);
  if (overflows > 0) {
    o.counters["TcpExtListenOverflows"] = overflows;
    o.counters["TcpExtListenDrops"] = overflows;
    o.counters["TcpExtTCPSynRetrans"] = slow;
    o.counters["TcpRetransSegs"] = slow;
  }
  return o;
}

const Judged& judged(const StatisticalComparison& c, Figure f) { return c.judged.at(static_cast<std::size_t>(f)); }

TEST(StatisticalComparison, HundredsOfSynDropsAgainstNoneIsDisagree) {
  // The run that used to be judged AGREE: the kernel dropped SYNs (its users
  // waited a second in connect()), the model dropped none. Every request,
  // once connected, went through at once on both sides, so a verdict on the
  // stall after the first data byte alone could not see the difference.
  const StatisticalComparison c = compare_statistics(load("model", 5000, 0, 0), load("kernel", 5000, 1214, 1434));
  EXPECT_FALSE(c.agree());
  EXPECT_TRUE(judged(c, Figure::stalled).agree);  // the old verdict's only count
  EXPECT_FALSE(judged(c, Figure::total_over_1s).agree);
  EXPECT_FALSE(judged(c, Figure::connect_over_1s).agree);
  EXPECT_FALSE(judged(c, Figure::listen_overflows).agree);
  EXPECT_FALSE(judged(c, Figure::listen_drops).agree);
  EXPECT_FALSE(judged(c, Figure::syn_retransmits).agree);
  EXPECT_TRUE(judged(c, Figure::completed).agree);
  EXPECT_EQ(judged(c, Figure::connect_over_1s).kernel, std::vector<std::int64_t>{1214});
  EXPECT_EQ(judged(c, Figure::connect_over_1s).model_median, 0);
  EXPECT_NE(render_statistics_text(c).find("verdict: DISAGREE"), std::string::npos);
}

TEST(StatisticalComparison, TheSameLoadOnBothSidesAgrees) {
  const StatisticalComparison c = compare_statistics(load("model", 5000, 1100, 1300), load("kernel", 5000, 1214, 1434));
  EXPECT_TRUE(c.agree()) << fmt::format("{}", fmt::join(c.misses, "\n"));
}

TEST(StatisticalComparison, ThePercentileOfUnfinishedConnectionsIsUnfinished) {
  // 2% of the kernel's connections never got their response: its p99 is
  // "unfinished", which no finished model p99 matches.
  Outcome k = load("kernel", 100, 0, 0);
  for (int i = 0; i < 2; ++i) {
    k.connections[static_cast<std::size_t>(i)].response_received.reset();
    k.connections[static_cast<std::size_t>(i)].outcome = ConnectionOutcome::open_at_end;
  }
  const StatisticalComparison c = compare_statistics(load("model", 100, 0, 0), k);
  EXPECT_EQ(judged(c, Figure::total_p99).kernel, std::vector<std::int64_t>{kUnfinished});
  EXPECT_FALSE(judged(c, Figure::total_p99).agree);
  // Unfinished ones waited until the run's end (12 s): they count over 1 s.
  EXPECT_EQ(judged(c, Figure::total_over_1s).kernel, std::vector<std::int64_t>{2});
  EXPECT_EQ(judged(c, Figure::unfinished).kernel, std::vector<std::int64_t>{2});
}

TEST(StatisticalComparison, TheModelsMedianSeedIsJudgedAgainstTheKernelsRangeOfRuns) {
  // Kernel runs 90, 189, 318 slow connections: band 30..954.
  const std::vector<Outcome> kernels = {load("kernel", 2000, 90, 90), load("kernel", 2000, 189, 189),
                                        load("kernel", 2000, 318, 318)};
  const std::vector<Outcome> inside = {load("model", 2000, 20, 20), load("model", 2000, 400, 400),
                                       load("model", 2000, 450, 450)};
  EXPECT_TRUE(judged(compare_statistics(inside, kernels), Figure::connect_over_1s).agree);
  // A wide model spread that overlaps the band does not agree when its
  // median run lies outside it.
  const std::vector<Outcome> wide = {load("model", 2000, 10, 10), load("model", 2000, 20, 20),
                                     load("model", 2000, 300, 300)};
  const StatisticalComparison c = compare_statistics(wide, kernels);
  EXPECT_FALSE(judged(c, Figure::connect_over_1s).agree);
  EXPECT_EQ(c.misses.front(),
            "total > 1s: model 20 (median of 10, 20, 300), kernel 90, 189, 318 (band 30..954): outside the band");
}

TEST(StatisticalComparison, KernelRunsThatFallOutsideEachOthersBandAreNamed) {
  // Two runs with no overflow and one in the other regime (hundreds of SYNs
  // dropped): the kernel's own runs differ beyond the rule.
  const std::vector<Outcome> regimes = {load("kernel", 2000, 0, 0), load("kernel", 2000, 0, 0),
                                        load("kernel", 2000, 300, 300)};
  const StatisticalComparison c = compare_statistics({load("model", 2000, 0, 0)}, regimes);
  ASSERT_FALSE(c.unsettled.empty());
  EXPECT_EQ(c.unsettled.front(), "total > 1s: run 3 (300) outside runs 1, 2 (band 0..5)");
  const std::string text = render_statistics_text(c);
  EXPECT_NE(text.find("note: the kernel's own runs spread beyond the rule on"), std::string::npos) << text;
  EXPECT_NE(text.find("  TcpExtListenOverflows: run 3 (300) outside runs 1, 2"), std::string::npos) << text;
  // Runs that settle within each other's band name nothing; one run cannot
  // measure its spread, which the text says.
  const std::vector<Outcome> settled = {load("kernel", 2000, 280, 280), load("kernel", 2000, 300, 300)};
  EXPECT_TRUE(compare_statistics({load("model", 2000, 0, 0)}, settled).unsettled.empty());
  const StatisticalComparison one = compare_statistics(load("model", 2000, 0, 0), load("kernel", 2000, 300, 300));
  EXPECT_TRUE(one.unsettled.empty());
  EXPECT_NE(render_statistics_text(one).find("note: one kernel run: its spread from run to run is unmeasured"),
            std::string::npos);
  EXPECT_EQ(render_statistics_text(compare_statistics({load("model", 2000, 0, 0)}, settled)).find("note:"),
            std::string::npos);
}

TEST(StatisticalComparison, AKernelRunOnASlowerPhaseOfTheMachineIsNamed) {
  // Loopback cycles 21.0, 22.0 and 31.5 us: the third is x1.50 the fastest.
  std::vector<Outcome> kernels = {load("kernel", 2000, 0, 0), load("kernel", 2000, 0, 0), load("kernel", 2000, 0, 0)};
  const std::int64_t cycles[] = {21'000, 22'000, 31'500};
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    kernels[i].info.host = outcome::HostLoad{};
    kernels[i].info.host->loopback_cycle = Duration{cycles[i]};
  }
  const StatisticalComparison c = compare_statistics({load("model", 2000, 0, 0)}, kernels);
  ASSERT_EQ(c.slow_kernel_runs.size(), 1u);
  EXPECT_EQ(c.slow_kernel_runs[0], "run 3: loopback cycle 31.5 us, x1.50 the fastest run's 21.0 us");
  EXPECT_NE(render_statistics_text(c).find("warning: 1 of 3 kernel runs on a slower machine"), std::string::npos);
  // Within x1.3 (27.3 us), or unmeasured: nothing said.
  kernels[2].info.host->loopback_cycle = Duration{27'300};
  EXPECT_TRUE(compare_statistics({load("model", 2000, 0, 0)}, kernels).slow_kernel_runs.empty());
  kernels[0].info.host.reset();
  kernels[2].info.host->loopback_cycle = Duration{0};
  EXPECT_TRUE(compare_statistics({load("model", 2000, 0, 0)}, kernels).slow_kernel_runs.empty());
}

TEST(StatisticalComparison, EachJudgedMissSaysByHowMuch) {
  // Model 12 stalled > 1s of 100, kernel 40 of 100: outside 13..120.
  std::vector<ConnectionRecord> m = group_of(12, at_ns(2'000'000'000), ms(1), sec(2));
  for (auto& r : group_of(88, at_ns(100'000), us(1), us(10))) m.push_back(r);
  std::vector<ConnectionRecord> k = group_of(40, at_ns(2'000'000'000), ms(1), sec(2));
  for (auto& r : group_of(60, at_ns(100'000), us(1), us(10))) k.push_back(r);
  const StatisticalComparison c = compare_statistics(side("model", m), side("kernel", k));
  ASSERT_FALSE(c.agree());
  ASSERT_EQ(c.misses.size(), 1u) << fmt::format("{}", fmt::join(c.misses, "\n"));  // completed: 100 and 100
  EXPECT_EQ(c.misses[0], "stalled > 1s: model 12 (median of 12), kernel 40 (band 13..120): outside the band");
  EXPECT_NE(render_statistics_text(c).find("verdict: DISAGREE (statistical: 1 miss)"), std::string::npos);
}

TEST(StatisticalComparison, SmallCountsAgreeWithinTheSlack) {
  const auto eleven = side("kernel", group_of(11, at_ns(2'000'000'000), ms(1), sec(2)));
  const auto two = side("model", group_of(2, at_ns(2'000'000'000), ms(1), sec(2)));
  const auto four = side("model", group_of(4, at_ns(2'000'000'000), ms(1), sec(2)));
  // 11 widens to 3..33: x3 is wider than ±5 here.
  EXPECT_FALSE(judged(compare_statistics(two, eleven), Figure::stalled).agree);
  const auto three = side("kernel", group_of(3, at_ns(2'000'000'000), ms(1), sec(2)));
  // 3 widens to 0..8 by the slack.
  EXPECT_TRUE(judged(compare_statistics(four, three), Figure::stalled).agree);
}

TEST(StatisticalComparison, JsonCarriesTheJudgedCountsAndBothSides) {
  const Outcome o = side("model", group_of(9, at_ns(2'000'000'000), ms(1), sec(2)));
  StatisticalComparison c = compare_statistics(o, o);
  c.model_wall = ms(3);
  const auto j = nlohmann::json::parse(render_statistics_json(c));
  EXPECT_EQ(j["mode"], "statistical");
  EXPECT_EQ(j["verdict"], "AGREE");
  EXPECT_EQ(j["judged"][5]["what"], "stalled > 1s");
  EXPECT_EQ(j["judged"][5]["kernel"], nlohmann::json::array({9}));
  EXPECT_EQ(j["judged"][5]["band"], nlohmann::json::array({3, 27}));
  EXPECT_EQ(j["judged"][0]["what"], "total > 1s");
  EXPECT_EQ(j["model"]["latency"]["total"]["started"], 0);
  EXPECT_EQ(j["model"]["stall_ns"]["p99.9"], 2'000'000'000);
  EXPECT_EQ(j["model"]["common_group_size"], 9);
  EXPECT_EQ(j["kernel"]["straggler_groups"].size(), 1u);
  EXPECT_EQ(j["model_wall_ns"], 3'000'000);
  EXPECT_TRUE(j["kernel_wall_ns"].is_null());
}

}  // namespace
}  // namespace synsim::compare
