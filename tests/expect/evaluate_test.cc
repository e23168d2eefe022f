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
  EXPECT_EQ(results[0].actual, to_ns(ms(5)));
  EXPECT_EQ(results[1].actual, to_ns(ms(9)));
  EXPECT_EQ(results[2].actual, to_ns(sec(1)));
  for (const Result& r : results) EXPECT_TRUE(r.passed) << r.subject;
}

TEST(StallQuantiles, AFailedQuantileSaysWhatItWas) {
  const auto out = with_stalls({100, 200, 300});
  const auto results = evaluate(expect_of("  stall_quantiles: {p50: {at_most: 150ms}}\n"), out);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_EQ(results[0].kind, outcome::ExpectationKind::stall_quantile);
  EXPECT_EQ(results[0].subject, "p50");
  EXPECT_EQ(results[0].bound, outcome::ExpectationBound::at_most);
  EXPECT_EQ(results[0].expected, to_ns(ms(150)));
  EXPECT_EQ(results[0].actual, to_ns(ms(200)));
}

TEST(StallQuantiles, NoDeliveredRequestIsNoValueAndNoPass) {
  const auto results = evaluate(expect_of("  stall_quantiles: {p50: {at_least: 0s}}\n"), outcome::Outcome{});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_FALSE(results[0].actual.has_value());
  EXPECT_EQ(results[0].missing, outcome::ExpectationMissing::no_delivered_requests);
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

// A result holds what the scenario states in its own fields, what the run
// gave in the same unit, and the line it is stated on.
TEST(Results, HoldTheScenariosFieldsTheMeasuredValueAndTheLine) {
  auto out = with_stalls({100, 2000});
  out.counters["TcpExtListenOverflows"] = 5;
  out.connections[1].outcome = outcome::ConnectionOutcome::reset;
  const auto results = evaluate(expect_of("  counters: {TcpExtListenOverflows: {at_least: 3}}\n"
                                          "  connections:\n"
                                          "    x#1: {data_delivered_at: 1.9s ±50ms, accepted_at: 1s ±1ms, outcome: completed}\n"
                                          "  stalls: {longer_than: 1s, count: 2}\n"),
                                out);
  ASSERT_EQ(results.size(), 5u);
  const Result& counter = results[0];
  EXPECT_EQ(counter.kind, outcome::ExpectationKind::counter);
  EXPECT_EQ(counter.subject, "TcpExtListenOverflows");
  EXPECT_EQ(counter.bound, outcome::ExpectationBound::at_least);
  EXPECT_EQ(counter.expected, 3);
  EXPECT_EQ(counter.actual, 5);
  EXPECT_TRUE(counter.passed);
  EXPECT_EQ(counter.file, "t.yaml");
  EXPECT_EQ(counter.line, 6);
  EXPECT_EQ(counter.column, 14);

  const Result& delivered = results[1];
  EXPECT_EQ(delivered.kind, outcome::ExpectationKind::data_delivered_at);
  EXPECT_EQ(delivered.subject, "x#1");
  EXPECT_EQ(delivered.bound, outcome::ExpectationBound::within);
  EXPECT_EQ(delivered.expected, to_ns(ms(1900)));
  EXPECT_EQ(delivered.tolerance_ns, to_ns(ms(50)));
  EXPECT_EQ(delivered.actual, to_ns(ms(2000)));
  EXPECT_FALSE(delivered.passed);
  EXPECT_EQ(delivered.line, 8);

  const Result& accepted = results[2];  // the record has no accept time
  EXPECT_EQ(accepted.kind, outcome::ExpectationKind::accepted_at);
  EXPECT_FALSE(accepted.actual.has_value());
  EXPECT_EQ(accepted.missing, outcome::ExpectationMissing::never);
  EXPECT_FALSE(accepted.passed);

  const Result& outcome_result = results[3];
  EXPECT_EQ(outcome_result.kind, outcome::ExpectationKind::connection_outcome);
  EXPECT_EQ(outcome_result.expected_outcome, outcome::ConnectionOutcome::completed);
  EXPECT_EQ(outcome_result.actual_outcome, outcome::ConnectionOutcome::reset);
  EXPECT_FALSE(outcome_result.passed);

  const Result& stalls = results[4];
  EXPECT_EQ(stalls.kind, outcome::ExpectationKind::stalls);
  EXPECT_EQ(stalls.longer_than_ns, to_ns(sec(1)));
  EXPECT_EQ(stalls.bound, outcome::ExpectationBound::exact);
  EXPECT_EQ(stalls.expected, 2);
  EXPECT_EQ(stalls.actual, 1);
  EXPECT_FALSE(stalls.passed);
}

TEST(Results, AConnectionTheOutcomeLacksIsSaidForEachStatedField) {
  const auto results =
      evaluate(expect_of("  connections: {x#4: {accepted_at: 1s ±1ms, outcome: completed}}\n"), with_stalls({1}));
  ASSERT_EQ(results.size(), 2u);
  for (const Result& r : results) {
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.missing, outcome::ExpectationMissing::no_such_connection);
  }
}

TEST(Judge, KeepsTheResultsInTheOutcome) {
  auto out = with_stalls({1});
  EXPECT_FALSE(out.expect.has_value());
  judge(expect_of("  counters: {TcpExtListenOverflows: 0}\n"), out);
  ASSERT_TRUE(out.expect.has_value());
  ASSERT_EQ(out.expect->size(), 1u);
  EXPECT_TRUE((*out.expect)[0].passed);
  judge(scenario::ExpectSpec{}, out);  // judged, nothing stated
  ASSERT_TRUE(out.expect.has_value());
  EXPECT_TRUE(out.expect->empty());
}

// A summary-detail run counts every connection and keeps only the
// interesting ones: enough for counters, stall counts and stall quantiles,
// not for an expectation about a named connection.
TEST(ConnectionRecords, NeededOnlyWhenAnExpectationNamesAConnection) {
  EXPECT_FALSE(needs_connection_records(scenario::ExpectSpec{}));
  EXPECT_FALSE(needs_connection_records(expect_of("  counters: {TcpExtListenOverflows: 0}\n"
                                                  "  stalls: {longer_than: 1s, count: 0}\n"
                                                  "  stall_quantiles: {p99: {at_most: 1s}}\n")));
  EXPECT_TRUE(needs_connection_records(expect_of("  connections: {x#4: {outcome: completed}}\n")));
}

}  // namespace
}  // namespace synsim::expect
