// A sweep side by side as Markdown: one row a run, in run order, the grid's
// keys first (a sweep over `kernel`: the profiles side by side).
#include "sim/sweep/markdown.h"

#include <gtest/gtest.h>

#include <sstream>

namespace synsim::sweep {
namespace {

SweepRecord kernel_run(std::uint64_t index, const std::string& profile, std::int64_t overflows,
                       std::optional<std::int64_t> longest_ns, std::optional<bool> held) {
  SweepRecord r;
  r.sweep = "loopback-stall-2003";
  r.index = index;
  r.params = {{"kernel", profile}};
  r.seed = 7;
  r.summary.connections = 6;
  r.summary.completed = 6;
  r.summary.stalled = 4;
  r.summary.stall_max_ns = longest_ns;
  r.summary.counters["TcpExtListenOverflows"] = overflows;
  r.summary.expectations_passed = held;
  return r;
}

Metric metric(const std::string& name) {
  std::string error;
  return *find_metric(name, &error);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(SweepMarkdown, AKernelSweepIsOneRowPerProfileInRunOrder) {
  // Shards arrive out of order: the table follows the run index.
  const std::string md = render_sweep_markdown(
      {kernel_run(1, "linux-6.1", 22, 6'832'000'000, true), kernel_run(0, "linux-2.5.66", 15, 6'231'000'000, false)},
      metric("stalled"));
  const std::vector<std::string> l = lines_of(md);
  ASSERT_EQ(l.size(), 6U) << md;
  EXPECT_EQ(l[2].rfind("| kernel | connections | completed | stalled > 190 ms | longest stall |", 0), 0U) << l[2];
  EXPECT_EQ(l[4], "| linux-2.5.66 | 6 | 6 | 4 | 6.23s | - | 15 | 0 | 0 | 0 | 0 | fails |");
  EXPECT_EQ(l[5], "| linux-6.1 | 6 | 6 | 4 | 6.83s | - | 22 | 0 | 0 | 0 | 0 | holds |");
}

TEST(SweepMarkdown, SeedsGetAColumnOnlyWhenTheyDifferAndMetricsBeyondTheFixedOnesAddOne) {
  SweepRecord a = kernel_run(0, "linux-6.18", 1, std::nullopt, std::nullopt);
  SweepRecord b = kernel_run(1, "linux-6.18", 2, std::nullopt, std::nullopt);
  b.seed = 8;
  const std::string md = render_sweep_markdown({a, b}, metric("stall_fraction"));
  EXPECT_NE(md.find("| kernel | seed | connections"), std::string::npos) << md;
  EXPECT_NE(md.find("| fraction of connections stalled > 190 ms | expect: |"), std::string::npos) << md;
  EXPECT_NE(md.find("| linux-6.18 | 8 | 6 |"), std::string::npos) << md;
  // A run index seen twice (overlapping shards) is one row.
  EXPECT_EQ(lines_of(render_sweep_markdown({a, a}, metric("stalled"))).size(), 5U);
}

TEST(SweepMarkdown, AValueHoldingAPipeDoesNotSplitItsCell) {
  SweepRecord r = kernel_run(0, "a|b", 0, std::nullopt, std::nullopt);
  EXPECT_NE(render_sweep_markdown({r}, metric("stalled")).find("| a\\|b |"), std::string::npos);
}

}  // namespace
}  // namespace synsim::sweep
