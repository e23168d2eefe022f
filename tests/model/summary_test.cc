// Summary detail (model::RunOptions::Detail::summary) counts what full
// detail records: the same run (trace hash, events, counters), the same
// outcome counts and stalls, and the records it keeps are the full run's.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "sim/outcome/latency.h"
#include "sim/expect/evaluate.h"
#include "sim/report/expect_text.h"
#include "sim/report/tables.h"
#include "sim/scenario/load.h"
#include "sim/sweep/summary.h"
#include "tests/model/harness.h"
#include "tests/model/shipped_scenarios.h"

namespace synsim::testing {
namespace {

model::RunOptions summary_options() {
  model::RunOptions o;
  o.record_packets = false;
  o.detail = model::RunOptions::Detail::summary;
  o.summary_first = 3;
  return o;
}

void expect_summary_agrees_with_full(const Scenario& sc) {
  model::RunOptions full_options;
  full_options.record_packets = false;
  const Outcome full = model::run(sc, full_options);
  const Outcome sum = model::run(sc, summary_options());
  ASSERT_TRUE(sum.summary.has_value());
  const outcome::ConnectionSummary& s = *sum.summary;
  EXPECT_EQ(full.info.trace_hash, sum.info.trace_hash);
  EXPECT_EQ(full.info.events, sum.info.events);
  EXPECT_EQ(full.counters, sum.counters);
  EXPECT_EQ(s.total, full.connections.size());

  std::uint64_t outcomes[5] = {};
  std::vector<std::int64_t> stalls;
  std::uint64_t stalled = 0;
  std::uint32_t max_syn = 0;
  std::uint32_t max_synack = 0;
  std::uint32_t max_data = 0;
  for (const outcome::ConnectionRecord& r : full.connections) {
    ++outcomes[static_cast<std::size_t>(r.outcome)];
    if (const auto st = r.stall()) {
      stalls.push_back(to_ns(*st));
      if (*st > s.stall_threshold) ++stalled;
    }
    max_syn = std::max(max_syn, r.syn_retransmits);
    max_synack = std::max(max_synack, r.synack_retransmits);
    max_data = std::max(max_data, r.data_retransmits);
  }
  for (std::size_t o = 0; o < 5; ++o) EXPECT_EQ(s.outcomes[o], outcomes[o]) << "outcome " << o;
  std::sort(stalls.begin(), stalls.end());
  EXPECT_EQ(s.stalls, stalls);
  EXPECT_EQ(s.stalled, stalled);
  EXPECT_EQ(s.max_syn_retransmits, max_syn);
  EXPECT_EQ(s.max_synack_retransmits, max_synack);
  EXPECT_EQ(s.max_data_retransmits, max_data);
  EXPECT_EQ(s.folded + s.unrecorded + sum.connections.size(), s.total);
  // Latency as users see it, every wait of every connection, finished or not.
  const outcome::UserLatencies from_records = outcome::user_latencies(full);
  for (const outcome::Latency which : outcome::kLatencies) {
    EXPECT_EQ(s.latencies[which].finished, from_records[which].finished) << outcome::to_string(which);
    EXPECT_EQ(s.latencies[which].unfinished, from_records[which].unfinished) << outcome::to_string(which);
  }
  EXPECT_EQ(s.latencies[outcome::Latency::connect].finished, outcome::sorted_connect_latencies(full));

  // What a sweep remembers of a run, and stall hypotheses, come out the
  // same from either detail.
  EXPECT_EQ(sweep::summarize(sum, {}), sweep::summarize(full, {}));
  const scenario::LoadResult hypotheses = scenario::load_string(
      "name: t\ndescription: t\nduration: 1s\nexpect:\n  stalls: {longer_than: 150ms, count: {at_least: 0}}\n"
      "  stall_quantiles: {p50: {at_most: 1s}, p99: {at_most: 1s}, p100: {at_most: 1s}}\n",
      "hypotheses.yaml");
  ASSERT_TRUE(hypotheses.ok());
  const auto from_full = expect::evaluate(hypotheses.scenario->expect, full);
  const auto from_summary = expect::evaluate(hypotheses.scenario->expect, sum);
  ASSERT_EQ(from_full.size(), from_summary.size());
  for (std::size_t i = 0; i < from_full.size(); ++i) {
    EXPECT_EQ(from_full[i], from_summary[i]) << report::expectation_text(from_full[i]);
  }

  // Every kept record is the full run's record of that connection.
  std::map<std::string, const outcome::ConnectionRecord*> by_name;
  for (const outcome::ConnectionRecord& r : full.connections) by_name[r.name] = &r;
  for (const outcome::ConnectionRecord& r : sum.connections) {
    const auto it = by_name.find(r.name);
    ASSERT_NE(it, by_name.end()) << r.name;
    const outcome::ConnectionRecord& f = *it->second;
    EXPECT_EQ(r.outcome, f.outcome) << r.name;
    EXPECT_EQ(r.error, f.error) << r.name;
    EXPECT_EQ(r.client_port, f.client_port) << r.name;
    EXPECT_EQ(r.connect_start, f.connect_start) << r.name;
    EXPECT_EQ(r.data_delivered, f.data_delivered) << r.name;
    EXPECT_EQ(r.closed, f.closed) << r.name;
    EXPECT_EQ(r.synack_retransmits, f.synack_retransmits) << r.name;
    // Summary detail keeps no socket series (model::RunOptions::
    // record_sockets), so its stories lack the netstat line; the rest is the
    // full run's story.
    EXPECT_TRUE(r.sockets.client.empty() && r.sockets.server.empty()) << r.name;
    std::vector<outcome::ExplanationStep> story = f.explanation;
    std::erase_if(story, [](const outcome::ExplanationStep& step) {
      return step.reason.kind == outcome::ReasonKind::sockets_while_waiting;
    });
    EXPECT_EQ(r.explanation, story) << r.name;
  }
  // A stalled or failed connection keeps its record and its whole story.
  for (const outcome::ConnectionRecord& f : full.connections) {
    const auto st = f.stall();
    if (f.outcome == outcome::ConnectionOutcome::completed && !(st && *st > s.stall_threshold)) continue;
    if (s.unrecorded > 0) break;
    bool kept = false;
    for (const outcome::ConnectionRecord& r : sum.connections) kept = kept || r.name == f.name;
    EXPECT_TRUE(kept) << f.name;
  }
}

// Every quantile synsim prints or judges (sweeps, compare, expect, summaries).
TEST(Quantile, IsNearestRank) {
  std::vector<std::int64_t> v(100);
  std::iota(v.begin(), v.end(), 1);  // 1..100
  EXPECT_EQ(outcome::nearest_rank(v, 500), 50);
  EXPECT_EQ(outcome::nearest_rank(v, 900), 90);
  EXPECT_EQ(outcome::nearest_rank(v, 990), 99);
  EXPECT_EQ(outcome::nearest_rank(v, 1000), 100);
  const std::vector<std::int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(outcome::nearest_rank(ten, 500), 5);
  EXPECT_EQ(outcome::nearest_rank(ten, 990), 10);  // ceil(9.9) = 10th
  EXPECT_EQ(outcome::nearest_rank({7}, 500), 7);
  EXPECT_EQ(outcome::nearest_rank({7}, 0), 7);
}

// Nearest rank over the sorted stalls, as expect's stall_quantiles.
TEST(ConnectionSummary, QuantilesAreNearestRank) {
  outcome::ConnectionSummary s;
  EXPECT_FALSE(s.stall_quantile(500).has_value());
  s.stalls = {10, 20, 20, 30, 1000};
  EXPECT_EQ(s.stall_count(), 5u);
  EXPECT_EQ(s.stall_quantile(0), Duration{10});     // rank 1 at least
  EXPECT_EQ(s.stall_quantile(200), Duration{10});   // rank 1
  EXPECT_EQ(s.stall_quantile(201), Duration{20});   // rank 2
  EXPECT_EQ(s.stall_quantile(600), Duration{20});   // rank 3
  EXPECT_EQ(s.stall_quantile(800), Duration{30});   // rank 4
  EXPECT_EQ(s.stall_quantile(1000), Duration{1000});
}

class SummaryDetail : public ::testing::TestWithParam<std::string> {};

TEST_P(SummaryDetail, CountsWhatFullDetailRecords) { expect_summary_agrees_with_full(load_shipped(GetParam())); }

INSTANTIATE_TEST_SUITE_P(Shipped, SummaryDetail, ::testing::ValuesIn(shipped_scenarios()),
                         [](const auto& info) { return test_name_of(info.param); });

// The report's load, scaled down: 30,000 connections/s, RST closes, ports
// running out once the loader falls behind.
Scenario report_load(std::uint32_t count, const char* duration) {
  scenario::LoadResult r =
      scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml",
                          {"clients.load.count=" + std::to_string(count), std::string("duration=") + duration});
  EXPECT_TRUE(r.ok());
  return std::move(*r.scenario);
}

TEST(SummaryDetail, ReportLoadCountsWhatFullDetailRecords) {
  expect_summary_agrees_with_full(report_load(40000, "1500ms"));
}

TEST(SummaryDetail, SameSeedTwiceGivesTheSameSummary) {
  const Scenario sc = report_load(20000, "1s");
  const Outcome a = model::run(sc, summary_options());
  const Outcome b = model::run(sc, summary_options());
  EXPECT_EQ(a.info.trace_hash, b.info.trace_hash);
  EXPECT_EQ(report::render_summary(a), report::render_summary(b));
}

TEST(SummaryDetail, ReportsMemoryPerLiveConnection) {
  const Outcome out = model::run(report_load(20000, "1s"), summary_options());
  ASSERT_TRUE(out.memory.has_value());
  EXPECT_GT(out.memory->peak_live_connections, 0u);
  // Stack states are recycled once a counted connection is unreferenced
  // (Stack::retire): about a thousand at once, not one per connection.
  EXPECT_LT(out.memory->peak_live_connections, 2000u);
  EXPECT_GT(out.memory->bytes_per_live_connection, 0u);
}

// Closing with FIN leaves each side waiting for the other's FIN and ACK:
// a state is recycled only after both, and the run is the full run still.
TEST(SummaryDetail, FinClosedLoadRecyclesStatesAndCountsWhatFullDetailRecords) {
  scenario::LoadResult r =
      scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml",
                          {"clients.load.count=20000", "duration=1500ms", "clients.load.close_style=fin"});
  ASSERT_TRUE(r.ok());
  expect_summary_agrees_with_full(*r.scenario);
  const Outcome out = model::run(*r.scenario, summary_options());
  ASSERT_TRUE(out.memory.has_value());
  EXPECT_LT(out.memory->peak_live_connections, 2000u);
}

// Port exhaustion is a result of its own: counted apart from the other
// refusals, with the range and what frees ports (issue 16). The client
// closes first, so every closed connection keeps its port in TIME_WAIT for
// 60 s: at 30,000/s the 28,233 ports of 2.5's range last about a second.
TEST(SummaryDetail, PortExhaustionIsReportedAsSuchWithTheRangeAndTheFix) {
  const std::vector<std::string> sets = {"clients.load.count=60000", "duration=2s", "kernel=linux-2.5.66",
                                         "server.on_data.close=never", "clients.load.close_style=fin"};
  scenario::LoadResult r =
      scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml", sets);
  ASSERT_TRUE(r.ok());
  const Outcome out = model::run(*r.scenario, summary_options());
  const outcome::ConnectionSummary& s = *out.summary;
  EXPECT_GT(s.ports_exhausted, 1000u);
  EXPECT_EQ(s.ports_exhausted, s.outcomes[static_cast<std::size_t>(outcome::ConnectionOutcome::refused)]);
  const std::string text = report::render_summary(out);
  const std::size_t row = text.find("\nrefused ");
  ASSERT_NE(row, std::string::npos) << text;
  const std::size_t next = text.find('\n', row + 1);
  const std::string line = text.substr(next + 1, text.find('\n', next + 1) - next - 1);
  EXPECT_TRUE(line.starts_with("  of which no free port ")) << line;  // right under "refused"
  EXPECT_TRUE(line.ends_with(" " + std::to_string(s.ports_exhausted))) << line;
  EXPECT_NE(text.find(fmt::format("ports exhausted: {} connect()s failed with EADDRNOTAVAIL: all 28233 ports of "
                                  "net.ipv4.ip_local_port_range 32768-61000 were taken",
                                  s.ports_exhausted)),
            std::string::npos)
      << text;

  // The same load closed by the server first: no exhaustion, no such line.
  scenario::LoadResult fine = scenario::load_file(
      std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml",
      {"clients.load.count=60000", "duration=2s", "kernel=linux-2.5.66"});
  ASSERT_TRUE(fine.ok());
  const Outcome ok = model::run(*fine.scenario, summary_options());
  EXPECT_EQ(ok.summary->ports_exhausted, 0u);
  EXPECT_EQ(report::render_summary(ok).find("no free port"), std::string::npos);
}

}  // namespace
}  // namespace synsim::testing
