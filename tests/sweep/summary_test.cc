// A run's summary: outcome counts, nearest-rank stall quantiles, counters,
// hypotheses.
#include <gtest/gtest.h>

#include "sim/sweep/summary.h"

namespace synsim::sweep {
namespace {

outcome::ConnectionRecord connection(std::int64_t stall_ns, outcome::ConnectionOutcome result = outcome::ConnectionOutcome::completed) {
  outcome::ConnectionRecord c;
  c.connect_start = at_ns(0);
  c.connect_done = at_ns(20'000);
  c.first_data_sent = at_ns(20'000);
  c.data_delivered = at_ns(20'000 + stall_ns);
  c.outcome = result;
  return c;
}

TEST(Summary, CountsOutcomesStallsAndQuantilesOfAKnownOutcome) {
  outcome::Outcome out;
  // 10 delivered requests: stalls 10us x 6, 200ms, 190ms (not > 190ms), 1s, 7s.
  for (int i = 0; i < 6; ++i) out.connections.push_back(connection(10'000));
  out.connections.push_back(connection(200'000'000));
  out.connections.push_back(connection(190'000'000));
  out.connections.push_back(connection(1'000'000'000));
  out.connections.push_back(connection(7'000'000'000));
  // Two that never delivered: no stall, no connect time for the refused one.
  outcome::ConnectionRecord reset;
  reset.connect_start = at_ns(0);
  reset.connect_done = at_ns(3'000'000'000);
  reset.outcome = outcome::ConnectionOutcome::reset;
  out.connections.push_back(reset);
  outcome::ConnectionRecord refused;
  refused.connect_start = at_ns(0);
  refused.outcome = outcome::ConnectionOutcome::refused;
  out.connections.push_back(refused);
  out.counters = {{"TcpExtListenOverflows", 4}, {"TcpRetransSegs", 9}};

  const RunSummary s = summarize(out, {});
  EXPECT_EQ(s.connections, 12u);
  EXPECT_EQ(s.completed, 10u);
  EXPECT_EQ(s.reset, 1u);
  EXPECT_EQ(s.refused, 1u);
  EXPECT_EQ(s.timed_out, 0u);
  EXPECT_EQ(s.open_at_end, 0u);
  EXPECT_EQ(s.stalled, 3u);  // 200ms, 1s, 7s: strictly longer than 190ms
  EXPECT_EQ(s.stall_p50_ns, 10'000);          // 5th of 10
  EXPECT_EQ(s.stall_p90_ns, 1'000'000'000);   // 9th
  EXPECT_EQ(s.stall_p99_ns, 7'000'000'000);   // 10th
  EXPECT_EQ(s.stall_max_ns, 7'000'000'000);
  EXPECT_EQ(s.connect_p99_ns, 3'000'000'000);  // 11 connect times, the 11th
  EXPECT_EQ(s.counters, out.counters);
  EXPECT_FALSE(s.expectations_passed.has_value());  // no expect: section
}

TEST(Summary, NoDeliveredRequestMeansNoQuantiles) {
  outcome::Outcome out;
  outcome::ConnectionRecord c;
  c.outcome = outcome::ConnectionOutcome::timed_out;
  out.connections.push_back(c);
  const RunSummary s = summarize(out, {});
  EXPECT_EQ(s.timed_out, 1u);
  EXPECT_FALSE(s.stall_p50_ns);
  EXPECT_FALSE(s.stall_max_ns);
  EXPECT_FALSE(s.connect_p99_ns);
}

TEST(Summary, CountsWhatUsersWaitedForUnfinishedOnesIncluded) {
  // One connection took 1.5 s in connect() and got its response at 1.6 s;
  // one never connected in a 10 s run (unfinished, over 1 s); one was fast.
  outcome::Outcome out;
  out.info.duration = sec(10);
  outcome::ConnectionRecord slow;
  slow.connect_start = kTimeZero;
  slow.connect_done = kTimeZero + ms(1500);
  slow.first_data_sent = kTimeZero + ms(1500);
  slow.data_delivered = kTimeZero + ms(1550);
  slow.response_received = kTimeZero + ms(1600);
  slow.outcome = outcome::ConnectionOutcome::completed;
  outcome::ConnectionRecord stuck;
  stuck.connect_start = kTimeZero;
  stuck.outcome = outcome::ConnectionOutcome::open_at_end;
  outcome::ConnectionRecord fast = slow;
  fast.connect_done = kTimeZero + us(10);
  fast.first_data_sent = kTimeZero + us(10);
  fast.data_delivered = kTimeZero + us(50);
  fast.response_received = kTimeZero + us(90);
  out.connections = {slow, stuck, fast};
  const RunSummary s = summarize(out, {});
  EXPECT_EQ(s.total_over_1s, 2u);
  EXPECT_EQ(s.connect_over_1s, 2u);
  EXPECT_TRUE(s.total_p99_unfinished);  // the 3rd of 3 ranks among the unfinished
  EXPECT_FALSE(s.total_p99_ns);
  out.connections = {slow, fast};
  const RunSummary finished = summarize(out, {});
  EXPECT_EQ(finished.total_p99_ns, to_ns(ms(1600)));
  EXPECT_FALSE(finished.total_p99_unfinished);
}

TEST(Summary, ExpectationsPassOnlyWhenAllDo) {
  outcome::Outcome out;
  expect::Result ok;
  ok.passed = true;
  expect::Result failed;
  EXPECT_EQ(summarize(out, {ok, ok}).expectations_passed, true);
  EXPECT_EQ(summarize(out, {ok, failed}).expectations_passed, false);
}

TEST(Summary, StallThresholdIsAParameter) {
  outcome::Outcome out;
  out.connections.push_back(connection(50'000'000));
  EXPECT_EQ(summarize(out, {}, ms(40)).stalled, 1u);
  EXPECT_EQ(summarize(out, {}).stalled, 0u);
}

}  // namespace
}  // namespace synsim::sweep
