// run_indices(): every index once, whatever the jobs; the lowest failing
// index's exception; and `run --seeds N -j J` prints the same bytes for
// every J.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "sim/cli/parallel_runs.h"
#include "tests/run_synsim.h"

namespace synsim::cli {
namespace {

TEST(ParallelRuns, EveryIndexRunsOnceAndDoneCountsThemAll) {
  for (const unsigned jobs : {1u, 2u, 7u, 0u}) {
    std::vector<std::atomic<int>> ran(100);
    std::vector<std::size_t> done;
    run_indices(
        ran.size(), jobs, [&](std::size_t i) { ++ran[i]; }, [&](std::size_t k) { done.push_back(k); });
    for (std::size_t i = 0; i < ran.size(); ++i) EXPECT_EQ(ran[i], 1) << "index " << i << ", jobs " << jobs;
    ASSERT_EQ(done.size(), ran.size());
    for (std::size_t k = 0; k < done.size(); ++k) EXPECT_EQ(done[k], k + 1);
  }
}

TEST(ParallelRuns, TheLowestFailingIndexsExceptionIsRethrown) {
  for (const unsigned jobs : {1u, 2u, 4u}) {
    try {
      run_indices(
          40, jobs,
          [](std::size_t i) {
            if (i == 3 || i == 17) throw std::runtime_error("run " + std::to_string(i));
          },
          [](std::size_t) {});
      ADD_FAILURE() << "nothing thrown, jobs " << jobs;
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "run 3") << "jobs " << jobs;
    }
  }
}

TEST(ParallelRuns, RunSeedsPrintsTheSameBytesWhateverTheJobs) {
  const std::string args =
      std::string(SYNSIM_SOURCE_DIR) + "/scenarios/load/c64-b8.yaml --set duration=2s --seeds 4 --format json";
  const testing::Result one = testing::shell(std::string(SYNSIM_BINARY) + " run " + args + " -j 1 2>/dev/null");
  const testing::Result two = testing::shell(std::string(SYNSIM_BINARY) + " run " + args + " -j 2 2>/dev/null");
  ASSERT_EQ(one.exit_code, two.exit_code);
  ASSERT_GT(one.output.size(), 1000u);
  EXPECT_EQ(one.output, two.output);
}

}  // namespace
}  // namespace synsim::cli
