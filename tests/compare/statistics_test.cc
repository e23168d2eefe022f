// Statistical comparison of load runs (sim/compare/statistics.h) on
// hand-made outcomes: the judging rule at its edges, stall counts and
// quantiles, straggler groups and their most common size.
#include "sim/compare/statistics.h"

#include <gtest/gtest.h>

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

TEST(StatisticalRule, CountsAgreeWithinAFactorOfOneAndAHalfEitherWay) {
  EXPECT_TRUE(counts_agree(40, 60));
  EXPECT_TRUE(counts_agree(60, 40));
  EXPECT_FALSE(counts_agree(40, 61));
  EXPECT_FALSE(counts_agree(61, 40));
  EXPECT_TRUE(counts_agree(1000, 1500));
  EXPECT_FALSE(counts_agree(1000, 1501));
}

TEST(StatisticalRule, SmallCountsAgreeWithinTenWhenBothAreAtMostTwenty) {
  EXPECT_TRUE(counts_agree(0, 0));
  EXPECT_TRUE(counts_agree(0, 10));
  EXPECT_FALSE(counts_agree(0, 11));
  EXPECT_TRUE(counts_agree(10, 20));   // x2, but both small and 10 apart
  EXPECT_FALSE(counts_agree(9, 20));   // 11 apart
  EXPECT_FALSE(counts_agree(11, 21));  // 21 is not small; x1.9
  EXPECT_TRUE(counts_agree(14, 21));   // x1.5
  EXPECT_NE(count_rule().find("factor of 1.5"), std::string::npos) << count_rule();
  EXPECT_NE(count_rule().find("±10 when both are <= 20"), std::string::npos) << count_rule();
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

TEST(StatisticalComparison, EachJudgedMissSaysByHowMuch) {
  // Model 12 stalled > 1s of 100, kernel 40 of 100: outside x1.5, and 40 is not small.
  std::vector<ConnectionRecord> m = group_of(12, at_ns(2'000'000'000), ms(1), sec(2));
  for (auto& r : group_of(88, at_ns(100'000), us(1), us(10))) m.push_back(r);
  std::vector<ConnectionRecord> k = group_of(40, at_ns(2'000'000'000), ms(1), sec(2));
  for (auto& r : group_of(60, at_ns(100'000), us(1), us(10))) k.push_back(r);
  const StatisticalComparison c = compare_statistics(side("model", m), side("kernel", k));
  ASSERT_FALSE(c.agree());
  ASSERT_EQ(c.misses.size(), 1u);  // completed: 100 and 100
  EXPECT_EQ(c.misses[0], "model 12 vs kernel 40 stalled > 1s: x3.3, outside x1.5");
  EXPECT_NE(render_statistics_text(c).find("verdict: DISAGREE (statistical: 1 miss)"), std::string::npos);
}

TEST(StatisticalComparison, SmallCountMissSaysHowFarApart) {
  const StatisticalComparison c = compare_statistics(
      side("model", {}), side("kernel", group_of(11, at_ns(2'000'000'000), ms(1), sec(2))));
  ASSERT_EQ(c.misses.size(), 2u);  // stalled and completed, both 0 vs 11
  EXPECT_EQ(c.misses[0], "model 0 vs kernel 11 stalled > 1s: x∞, outside x1.5 and 11 apart, outside ±10");
}

TEST(StatisticalComparison, JsonCarriesTheJudgedCountsAndBothSides) {
  const Outcome o = side("model", group_of(9, at_ns(2'000'000'000), ms(1), sec(2)));
  StatisticalComparison c = compare_statistics(o, o);
  c.model_wall = ms(3);
  const auto j = nlohmann::json::parse(render_statistics_json(c));
  EXPECT_EQ(j["mode"], "statistical");
  EXPECT_EQ(j["verdict"], "AGREE");
  EXPECT_EQ(j["judged"][0]["what"], "stalled > 1s");
  EXPECT_EQ(j["judged"][0]["kernel"], 9);
  EXPECT_EQ(j["model"]["stall_ns"]["p99.9"], 2'000'000'000);
  EXPECT_EQ(j["model"]["common_group_size"], 9);
  EXPECT_EQ(j["kernel"]["straggler_groups"].size(), 1u);
  EXPECT_EQ(j["model_wall_ns"], 3'000'000);
  EXPECT_TRUE(j["kernel_wall_ns"].is_null());
}

}  // namespace
}  // namespace synsim::compare
