// Run order, seeds and shards: shards partition the sweep.
#include <gtest/gtest.h>

#include <set>

#include "sim/sweep/plan.h"

namespace synsim::sweep {
namespace {

std::vector<GridAxis> axes(const std::vector<std::string>& options) {
  GridsParse g = parse_grid(options);
  EXPECT_TRUE(g.errors.empty());
  return g.axes;
}

SweepPlan plan_of(const std::vector<std::string>& options, std::uint64_t seeds, Shard shard = {}) {
  std::string error;
  std::optional<SweepPlan> p = SweepPlan::make(axes(options), seeds, shard, &error);
  EXPECT_TRUE(p) << error;
  return *p;
}

TEST(Shard, ParsesOneBasedIndexOverCount) {
  std::string error;
  const std::optional<Shard> s = parse_shard("3/8", &error);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 8u);
}

TEST(Shard, RejectsZeroIndexBeyondCountAndGarbage) {
  std::string error;
  EXPECT_FALSE(parse_shard("0/8", &error));
  EXPECT_EQ(error, "--shard: '0/8': I must be in [1, 8] (shards are numbered from 1)");
  EXPECT_FALSE(parse_shard("9/8", &error));
  EXPECT_FALSE(parse_shard("1/0", &error));
  EXPECT_EQ(error, "--shard: '1/0': N must be in [1, 1000000]");
  EXPECT_FALSE(parse_shard("3", &error));
  EXPECT_EQ(error, "--shard: '3' is not I/N (e.g. 3/8: the third of 8 shards)");
  EXPECT_FALSE(parse_shard("a/b", &error));
  EXPECT_FALSE(parse_shard("-1/4", &error));
  EXPECT_FALSE(parse_shard("1/4 ", &error));
}

TEST(Plan, FirstKeyChangesSlowestAndSeedsAreInnermost) {
  const SweepPlan p = plan_of({"a=1,2", "b=x,y,z"}, 2);
  EXPECT_EQ(p.point_count(), 6u);
  EXPECT_EQ(p.run_count(), 12u);
  const RunPoint r = p.run_at(7);  // point 3 = (a=2, b=x), seed number 2
  EXPECT_EQ(r.point, 3u);
  EXPECT_EQ(r.seed_number, 2u);
  EXPECT_EQ(p.overrides(r), (std::vector<std::string>{"a=2", "b=x"}));
  EXPECT_EQ(p.params(p.run_at(5)), (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "z"}}));
  EXPECT_EQ(p.run_at(0).seed_number, 1u);
}

TEST(Plan, NoGridIsOnePointOfSeeds) {
  const SweepPlan p = plan_of({}, 5);
  EXPECT_EQ(p.point_count(), 1u);
  EXPECT_EQ(p.run_count(), 5u);
  EXPECT_TRUE(p.overrides(p.run_at(4)).empty());
}

TEST(Plan, ShardsPartitionTheSweep) {
  for (std::uint64_t n = 1; n <= 13; ++n) {
    std::multiset<std::uint64_t> all;
    for (std::uint64_t i = 1; i <= n; ++i) {
      const SweepPlan p = plan_of({"a=1,2,3", "b=1,2,3,4"}, 2, Shard{i, n});
      const std::vector<std::uint64_t> runs = p.shard_runs();
      EXPECT_TRUE(std::is_sorted(runs.begin(), runs.end()));
      for (std::uint64_t r : runs) {
        EXPECT_EQ(r % n, i - 1) << "shard " << i << "/" << n;
        all.insert(r);
      }
    }
    ASSERT_EQ(all.size(), 24u) << "N = " << n;  // disjoint: no index twice
    std::uint64_t expected = 0;
    for (std::uint64_t r : all) EXPECT_EQ(r, expected++) << "N = " << n;  // complete
  }
}

TEST(Plan, MoreShardsThanRunsLeavesSomeShardsEmpty) {
  const SweepPlan p = plan_of({"a=1,2"}, 1, Shard{5, 8});
  EXPECT_TRUE(p.shard_runs().empty());
}

TEST(Plan, SeedsAndSizeAreLimited) {
  std::string error;
  EXPECT_FALSE(SweepPlan::make({}, 0, Shard{}, &error));
  EXPECT_EQ(error, "--seeds must be in [1, 1000000], got 0");
  std::vector<std::string> big;
  std::string values;
  for (int i = 0; i < 1000; ++i) values += (i ? "," : "") + std::to_string(i);
  for (char k : std::string("abc")) big.push_back(std::string(1, k) + "=" + values);  // 10^9 points
  EXPECT_FALSE(SweepPlan::make(axes(big), 1, Shard{}, &error));
  EXPECT_EQ(error, "the sweep has more than 100000000 runs (grid points x seeds)");
  EXPECT_FALSE(SweepPlan::make(axes({"a=" + values}), 1'000'000, Shard{}, &error));
}

}  // namespace
}  // namespace synsim::sweep
