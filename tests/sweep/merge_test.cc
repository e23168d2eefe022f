// sweep-merge: the shards of a sweep, given in any order, come back as the
// bytes one unsharded sweep writes; anything that is not one whole sweep is
// refused with the file and line that break it.
#include <gtest/gtest.h>

#include "sim/sweep/execute.h"
#include "sim/sweep/merge.h"

namespace synsim::sweep {
namespace {

const std::string kScenario = std::string(SYNSIM_SOURCE_DIR) + "/scenarios/sweeps/backlog-vs-rate.yaml";
const std::vector<std::string> kGrid = {"server.backlog=4,16,128", "clients.load.arrival.rate=500/s,4000/s"};

// The JSON lines `synsim sweep` writes for kGrid x 2 seeds, shard `shard`.
std::string sweep_text(Shard shard = {}, const std::vector<std::string>& grids = kGrid) {
  GridsParse g = parse_grid(grids);
  std::string error;
  std::optional<SweepPlan> plan = SweepPlan::make(g.axes, 2, shard, &error);
  EXPECT_TRUE(plan) << error;
  Preparation p = prepare_sweep(kScenario, {}, std::move(*plan));
  EXPECT_TRUE(p.sweep);
  std::string text;
  ExecuteOptions options;
  options.on_record = [&](const SweepRecord& r) { text += to_json_line(r) + '\n'; };
  EXPECT_FALSE(execute_sweep(*p.sweep, options));
  return text;
}

std::string joined(const MergeResult& m) {
  std::string text;
  for (const SweepRecord& r : m.records) text += to_json_line(r) + '\n';
  return text;
}

std::string all_errors(const MergeResult& m) {
  std::string s;
  for (const std::string& e : m.errors) s += e + '\n';
  return s;
}

TEST(SweepMerge, ShardsInAnyOrderAreTheUnshardedSweepByteForByte) {
  const std::string whole = sweep_text();
  const MergeResult m = merge_sweep_texts({{"part-3", sweep_text(Shard{3, 3})},
                                           {"part-1", sweep_text(Shard{1, 3})},
                                           {"part-2", sweep_text(Shard{2, 3})}});
  ASSERT_TRUE(m.errors.empty()) << all_errors(m);
  EXPECT_TRUE(m.warnings.empty());
  EXPECT_EQ(joined(m), whole);
  // Concatenation alone is not the unsharded file: the merge is what orders it.
  EXPECT_NE(sweep_text(Shard{3, 3}) + sweep_text(Shard{1, 3}) + sweep_text(Shard{2, 3}), whole);
}

TEST(SweepMerge, AMissingShardIsRefusedWithItsIndices) {
  const MergeResult m = merge_sweep_texts({{"part-1", sweep_text(Shard{1, 3})}, {"part-3", sweep_text(Shard{3, 3})}});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0], "runs missing: 4 of the indices 0..11 are in no file (1, 4, 7, 10): a shard did not finish or "
                         "was not given");
  EXPECT_TRUE(m.records.empty());
}

TEST(SweepMerge, AShardGivenTwiceIsKeptOnceWithAWarning) {
  const std::string part1 = sweep_text(Shard{1, 2});
  const MergeResult m =
      merge_sweep_texts({{"part-1", part1}, {"part-2", sweep_text(Shard{2, 2})}, {"part-1-again", part1}});
  ASSERT_TRUE(m.errors.empty()) << all_errors(m);
  EXPECT_EQ(joined(m), sweep_text());
  ASSERT_EQ(m.warnings.size(), 6u);
  EXPECT_EQ(m.warnings[0], "part-1-again:1: run 0 given twice (also part-1:1), kept once");
}

TEST(SweepMerge, ARunGivenTwiceWithOtherContentIsRefused) {
  std::string part1 = sweep_text(Shard{1, 2});
  std::string changed = part1.substr(0, part1.find('\n'));
  changed.replace(changed.find("\"events\":"), 9, "\"events\":1");  // another build's count
  const MergeResult m = merge_sweep_texts(
      {{"part-1", part1}, {"part-2", sweep_text(Shard{2, 2})}, {"other", changed + '\n'}});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0], "other:1: run 0 differs from the run 0 of part-1:1 (another build or scenario?)");
}

TEST(SweepMerge, AnotherSweepsLinesAreRefused) {
  const MergeResult m = merge_sweep_texts(
      {{"a", sweep_text(Shard{1, 2})}, {"b", sweep_text(Shard{2, 2}, {"server.backlog=4,16,128,256"})}});
  ASSERT_FALSE(m.errors.empty());
  EXPECT_EQ(m.errors[0].substr(0, 5), "b:1: ");
  EXPECT_NE(m.errors[0].find("another sweep: scenario 'backlog-vs-rate' over grid server.backlog where a:1 has "
                             "'backlog-vs-rate' over grid server.backlog, clients.load.arrival.rate"),
            std::string::npos)
      << m.errors[0];
}

TEST(SweepMerge, ABadLineIsNamedAndNothingIsMerged) {
  const MergeResult m = merge_sweep_texts({{"part-1", sweep_text(Shard{1, 2})}, {"part-2", "{\"sweep\":\"x\"}\n"}});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0], "part-2:1: missing key 'index'");
  EXPECT_TRUE(m.records.empty());
  EXPECT_EQ(merge_sweep_texts({{"empty", "\n"}}).errors,
            std::vector<std::string>{"no runs to merge: the files hold no line"});
}

}  // namespace
}  // namespace synsim::sweep
