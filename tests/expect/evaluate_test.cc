// Hypotheses checked against outcomes: counters, connection fields, stall
// counts and stall quantiles.
#include "sim/expect/evaluate.h"

#include <gtest/gtest.h>

#include "sim/scenario/load.h"

namespace synsim::expect {
namespace {

outcome::Outcome with_stalls(std::initializer_list<std::int64_t> stall_ms) {
  outcome::Outcome o;
  int i = 0;
  for (std::int64_t s : stall_ms) {
    outcome::ConnectionRecord r;
    r.name = "x#" + std::to_string(i++);
    r.first_data_sent = at_ns(0);
    r.data_delivered = kTimeZero + ms(s);
    r.outcome = outcome::ConnectionOutcome::completed;
    o.connections.push_back(r);
  }
  return o;
}

scenario::ExpectSpec expect_of(const std::string& yaml_expect) {
  const std::string text = "name: t\ndescription: t\nduration: 1s\nclients: [{name: x, count: 10}]\nexpect:\n" +
                           yaml_expect;
  scenario::LoadResult r = scenario::load_string(text, "t.yaml");
  for (const auto& e : r.errors) ADD_FAILURE() << e.str();
  return r.ok() ? r.scenario->expect : scenario::ExpectSpec{};
}

TEST(StallQuantiles, NearestRankOverDeliveredRequests) {
  const auto out = with_stalls({1, 2, 3, 4, 5, 6, 7, 8, 9, 1000});
  const auto results = evaluate(expect_of("  stall_quantiles:\n    p50: {at_most: 5ms}\n    p90: {at_most: 9ms}\n"
                                          "    p99: {at_least: 1s}\n"),
                                out);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].passed) << results[0].actual;  // p50 = 5 ms
  EXPECT_TRUE(results[1].passed) << results[1].actual;  // p90 = 9 ms
  EXPECT_TRUE(results[2].passed) << results[2].actual;  // p99 = 1 s
  EXPECT_EQ(results[2].actual, "1s");
}

TEST(StallQuantiles, AFailedQuantileSaysWhatItWas) {
  const auto out = with_stalls({100, 200, 300});
  const auto results = evaluate(expect_of("  stall_quantiles: {p50: {at_most: 150ms}}\n"), out);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].actual, "200ms");
  EXPECT_NE(render(results).find("FAIL  stall p50 at most 150ms: got 200ms"), std::string::npos) << render(results);
}

TEST(StallQuantiles, PerMilleQuantilesParse) {
  const auto spec = expect_of("  stall_quantiles: {p99.9: {at_most: 1s}, p100: {at_most: 2s}}\n");
  ASSERT_EQ(spec.stall_quantiles.size(), 2u);
  EXPECT_EQ(spec.stall_quantiles[0].permille, 999u);
  EXPECT_EQ(spec.stall_quantiles[1].permille, 1000u);
}

TEST(StallQuantiles, ABadQuantileNameIsALocatedError) {
  scenario::LoadResult r = scenario::load_string(
      "name: t\ndescription: t\nduration: 1s\nexpect:\n  stall_quantiles: {q50: {at_most: 1s}}\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].str().substr(0, 11), "t.yaml:5:21");
  EXPECT_NE(r.errors[0].message.find("not a quantile"), std::string::npos);
}

TEST(Counters, MissingCountersCountAsZero) {
  outcome::Outcome o;
  const auto results = evaluate(expect_of("  counters: {TcpExtListenOverflows: 0, TcpExtTCPTimeouts: {at_least: 1}}\n"), o);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
}

}  // namespace
}  // namespace synsim::expect
