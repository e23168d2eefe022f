// The sweep report page: structure, averaging over seeds, escaping, shards.
#include <gtest/gtest.h>

#include "sim/sweep/heatmap.h"

namespace synsim::sweep {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

SweepRecord run(std::uint64_t index, std::vector<std::pair<std::string, std::string>> params, std::uint64_t stalled,
                std::uint64_t seed = 1) {
  SweepRecord r;
  r.sweep = "backlog-vs-rate";
  r.index = index;
  r.params = std::move(params);
  r.seed = seed;
  r.summary.connections = 100;
  r.summary.stalled = stalled;
  r.events = 1000;
  return r;
}

// backlog 4,16,128 x rate 500/s,4000/s, 2 seeds each: stalled = 10*(b+1)*(r+1) + seed.
std::vector<SweepRecord> grid_runs() {
  const std::vector<std::string> backlogs = {"4", "16", "128"};
  const std::vector<std::string> rates = {"500/s", "4000/s"};
  std::vector<SweepRecord> runs;
  std::uint64_t index = 0;
  for (std::size_t b = 0; b < backlogs.size(); ++b) {
    for (std::size_t r = 0; r < rates.size(); ++r) {
      for (std::uint64_t seed = 1; seed <= 2; ++seed) {
        runs.push_back(run(index++, {{"server.backlog", backlogs[b]}, {"clients.load.arrival.rate", rates[r]}},
                           10 * (b + 1) * (r + 1) + seed, seed));
      }
    }
  }
  return runs;
}

Metric metric(const std::string& name) {
  std::string error;
  const std::optional<Metric> m = find_metric(name, &error);
  EXPECT_TRUE(m) << error;
  return *m;
}

TEST(Heatmap, IsOneSelfContainedPageWithAHeatMapLegendAndAxes) {
  const HeatmapResult page = render_heatmap_html(grid_runs(), metric("stall_fraction"));
  ASSERT_TRUE(page.errors.empty());
  const std::string& h = page.html;
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(h, "<svg"), 2u);  // the legend and one heat map
  EXPECT_EQ(count(h, "class=\"heatmap\""), 1u);
  EXPECT_EQ(count(h, "class=\"legend\""), 1u);
  EXPECT_EQ(count(h, "<g class=\"cell\">"), 6u);
  EXPECT_EQ(count(h, "class=\"x-label\""), 3u);
  EXPECT_EQ(count(h, "class=\"y-label\""), 2u);
  EXPECT_NE(h.find(">server.backlog</text>"), std::string::npos);  // x axis title
  EXPECT_NE(h.find(">clients.load.arrival.rate</text>"), std::string::npos);  // y axis title
  EXPECT_NE(h.find("<linearGradient"), std::string::npos);
  EXPECT_EQ(h.find(" src="), std::string::npos);  // nothing fetched
  EXPECT_EQ(h.find("href="), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(count(h, "<html"), 1u);
  EXPECT_EQ(count(h, "</html>"), 1u);
}

TEST(Heatmap, CellsAverageOverSeeds) {
  const HeatmapResult page = render_heatmap_html(grid_runs(), metric("stalled"));
  // backlog 128, rate 4000/s: stalled 61 and 62 -> 61.5
  EXPECT_NE(page.html.find(">61.5</text>"), std::string::npos);
  EXPECT_NE(page.html.find("server.backlog=128, clients.load.arrival.rate=4000/s: 61.5 (2 of 2 runs with a value)"),
            std::string::npos);
  const HeatmapResult fraction = render_heatmap_html(grid_runs(), metric("stall_fraction"));
  EXPECT_NE(fraction.html.find(">62%</text>"), std::string::npos);  // 61.5 of 100
}

TEST(Heatmap, ShardsInAnyOrderDrawTheSamePage) {
  std::vector<SweepRecord> runs = grid_runs();
  const std::string in_order = render_heatmap_html(runs, metric("stalled")).html;
  std::reverse(runs.begin(), runs.end());
  std::rotate(runs.begin(), runs.begin() + 5, runs.end());
  EXPECT_EQ(render_heatmap_html(runs, metric("stalled")).html, in_order);
}

TEST(Heatmap, EscapesEveryStringFromTheRecords) {
  std::vector<SweepRecord> runs = {
      run(0, {{"description", "<script>alert('x')</script>"}, {"a&b", "\"q\""}}, 1),
      run(1, {{"description", "plain"}, {"a&b", "<b>"}}, 2),
  };
  for (SweepRecord& r : runs) r.sweep = "name<&>";
  const HeatmapResult page = render_heatmap_html(runs, metric("counter:<img src=x>"));
  ASSERT_TRUE(page.errors.empty());
  const std::string& h = page.html;
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<img"), std::string::npos);
  EXPECT_EQ(h.find("<b>"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(h.find("name&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(h.find("a&amp;b"), std::string::npos);
  EXPECT_NE(h.find("&quot;q&quot;"), std::string::npos);
}

TEST(Heatmap, OneKeyIsABarChart) {
  const std::vector<SweepRecord> runs = {run(0, {{"server.backlog", "8"}}, 30), run(1, {{"server.backlog", "64"}}, 0)};
  const HeatmapResult page = render_heatmap_html(runs, metric("stall_fraction"));
  EXPECT_EQ(count(page.html, "class=\"bars\""), 1u);
  EXPECT_EQ(count(page.html, "<g class=\"bar\">"), 2u);
  EXPECT_NE(page.html.find(">30%</text>"), std::string::npos);
}

TEST(Heatmap, NoKeyIsOneBar) {
  const HeatmapResult page = render_heatmap_html({run(0, {}, 5), run(1, {}, 15)}, metric("stalled"));
  ASSERT_TRUE(page.errors.empty());
  EXPECT_EQ(count(page.html, "<g class=\"bar\">"), 1u);
  EXPECT_NE(page.html.find(">10</text>"), std::string::npos);
}

TEST(Heatmap, ThirdKeyMakesOnePanelPerValue) {
  std::vector<SweepRecord> runs;
  std::uint64_t i = 0;
  for (const char* k : {"linux-6.18", "linux-2.5.66"}) {
    for (const char* b : {"8", "64"}) {
      for (const char* r : {"1000/s", "4000/s"}) {
        runs.push_back(run(i, {{"server.backlog", b}, {"clients.load.arrival.rate", r}, {"kernel", k}}, i));
        ++i;
      }
    }
  }
  const HeatmapResult page = render_heatmap_html(runs, metric("stalled"));
  EXPECT_EQ(count(page.html, "class=\"heatmap\""), 2u);
  EXPECT_NE(page.html.find("<h2>kernel=linux-6.18</h2>"), std::string::npos);
  EXPECT_NE(page.html.find("<h2>kernel=linux-2.5.66</h2>"), std::string::npos);
}

TEST(Heatmap, MissingRunsAreShownAndCounted) {
  std::vector<SweepRecord> runs = grid_runs();
  runs.erase(runs.begin() + 2, runs.begin() + 4);  // (4, 4000/s), both seeds: a lost shard
  const HeatmapResult page = render_heatmap_html(runs, metric("stalled"));
  EXPECT_NE(page.html.find("1 of 6 grid points have no runs"), std::string::npos);
  EXPECT_NE(page.html.find(": no runs</title>"), std::string::npos);
}

TEST(Heatmap, QuantileWithoutStallsIsNoValueNotZero) {
  std::vector<SweepRecord> runs = {run(0, {{"server.backlog", "8"}}, 3), run(1, {{"server.backlog", "64"}}, 0)};
  runs[0].summary.stall_p99_ns = 832'260'000;
  const HeatmapResult page = render_heatmap_html(runs, metric("stall_p99"));
  EXPECT_NE(page.html.find(">832ms</text>"), std::string::npos);
  EXPECT_NE(page.html.find("server.backlog=64: no value in 1 runs"), std::string::npos);
}

TEST(Heatmap, DuplicateRunsAreCountedOnceWithAWarning) {
  std::vector<SweepRecord> runs = grid_runs();
  const std::vector<SweepRecord> twice = runs;
  runs.insert(runs.end(), twice.begin(), twice.end());
  const HeatmapResult page = render_heatmap_html(runs, metric("stalled"));
  ASSERT_TRUE(page.errors.empty());
  ASSERT_EQ(page.warnings.size(), 1u);
  EXPECT_NE(page.html.find("12 run(s) appear more than once"), std::string::npos);
  EXPECT_NE(page.html.find(">61.5</text>"), std::string::npos);
}

TEST(Heatmap, RunsOfDifferentSweepsAreRefused) {
  std::vector<SweepRecord> runs = grid_runs();
  runs[3].sweep = "other";
  EXPECT_FALSE(render_heatmap_html(runs, metric("stalled")).errors.empty());
  runs = grid_runs();
  runs[3].params.pop_back();
  EXPECT_FALSE(render_heatmap_html(runs, metric("stalled")).errors.empty());
  runs = grid_runs();
  runs[3].summary.stalled = 99;
  runs.push_back(grid_runs()[3]);  // same index, different result
  EXPECT_FALSE(render_heatmap_html(runs, metric("stalled")).errors.empty());
  EXPECT_FALSE(render_heatmap_html({}, metric("stalled")).errors.empty());
}

TEST(Metric, UnknownNameListsTheKnownOnes) {
  std::string error;
  EXPECT_FALSE(find_metric("stall_p98", &error));
  EXPECT_NE(error.find("stall_p99"), std::string::npos);
  EXPECT_NE(error.find("counter:NAME"), std::string::npos);
}

TEST(Metric, ValuesAreFormattedForPeople) {
  EXPECT_EQ(format_metric_value(metric("stall_fraction"), 0.615), "62%");
  EXPECT_EQ(format_metric_value(metric("stall_fraction"), 0.035), "3.5%");
  EXPECT_EQ(format_metric_value(metric("stall_fraction"), 0), "0%");
  EXPECT_EQ(format_metric_value(metric("stalled"), 3.26), "3.3");
  EXPECT_EQ(format_metric_value(metric("stalled"), 1234), "1234");
  EXPECT_EQ(format_metric_value(metric("stall_max"), 7'000'000'000), "7s");
  EXPECT_EQ(format_metric_value(metric("stall_p99"), 1'024'000'000), "1.02s");
  EXPECT_EQ(format_metric_value(metric("stall_p50"), 37'500), "37.5us");
  EXPECT_EQ(format_metric_value(metric("connect_p99"), 812), "812ns");
}

}  // namespace
}  // namespace synsim::sweep
