// compare's statistical verdict reads a summary-detail model run (every
// connection counted, few recorded) exactly as it reads a full-detail one:
// every figure, the per-connection sums, the cookies and the straggler
// groups. This is what lets compare run the model side of a load scenario in
// summary detail (30-60x faster than recording every packet) without
// changing a verdict.
#include <gtest/gtest.h>

#include "sim/compare/statistics.h"
#include "sim/compare/statistics_render.h"
#include "sim/model/run.h"
#include "tests/model/harness.h"

namespace synsim::compare {
namespace {

outcome::Outcome run_load(model::RunOptions::Detail detail) {
  // c1024-b8 cut to 6,000 connections: SYNs dropped, cookies, requests
  // stalled over 190 ms in groups; a few seconds of model time.
  scenario::Scenario sc = testing::load_shipped("scenarios/load/c1024-b8.yaml");
  sc.clients.at(0).count = 6000;
  sc.duration = sec(8);
  model::RunOptions options;
  options.seed = 3;
  options.detail = detail;
  if (detail == model::RunOptions::Detail::summary) {
    options.record_packets = false;
    options.record_sockets = false;
  }
  return model::run(sc, options);
}

TEST(SummaryDetailStatistics, EveryFigureAndGroupIsTheFullDetailRunsOne) {
  const outcome::Outcome full = run_load(model::RunOptions::Detail::full);
  const outcome::Outcome summary = run_load(model::RunOptions::Detail::summary);
  ASSERT_TRUE(summary.summary.has_value());
  ASSERT_FALSE(full.summary.has_value());
  ASSERT_LT(summary.connections.size(), full.connections.size()) << "the summary run recorded every connection";

  const StatOptions options;
  const SideStatistics f = side_statistics(full, options);
  const SideStatistics s = side_statistics(summary, options);
  // Not a vacuous equality: the load drops SYNs, retransmits data, sends
  // cookies and delivers stalled requests in groups.
  ASSERT_GT(f.syn_retransmits, 100);
  ASSERT_GT(f.data_retransmits, 0);
  ASSERT_GT(f.syncookies.value_or(0), 0);
  ASSERT_GT(f.stalled_over_noise_floor, 0);
  ASSERT_FALSE(f.groups.empty());

  for (std::size_t i = 0; i < kFigures; ++i) {
    const auto figure = static_cast<Figure>(i);
    EXPECT_EQ(figure_value(s, figure), figure_value(f, figure)) << figure_text(figure, figure_value(f, figure));
  }
  EXPECT_EQ(s.connections, f.connections);
  EXPECT_EQ(s.completed, f.completed);
  EXPECT_EQ(s.syn_retransmits, f.syn_retransmits);
  EXPECT_EQ(s.synack_retransmits, f.synack_retransmits);
  EXPECT_EQ(s.data_retransmits, f.data_retransmits);
  EXPECT_EQ(s.syncookies, f.syncookies);
  ASSERT_EQ(s.groups.size(), f.groups.size());
  for (std::size_t i = 0; i < f.groups.size(); ++i) {
    EXPECT_EQ(s.groups[i].delivered, f.groups[i].delivered) << "group " << i;
    EXPECT_EQ(s.groups[i].size, f.groups[i].size) << "group " << i;
  }
  // And the whole rendered comparison, against the same stand-in kernel side.
  EXPECT_EQ(render_statistics_text(compare_statistics(summary, full)),
            render_statistics_text(compare_statistics(full, full)));
}

}  // namespace
}  // namespace synsim::compare
