// Golden scripts: what `synsim run SCENARIO --format pkt --connection NAME`
// writes for each deterministic scenario, checked in under
// tests/golden/pkt/. A change in the writer or in the model's behaviour
// shows up as a diff here and is accepted on purpose by regenerating:
//
//   SYNSIM_UPDATE_GOLDEN=1 ctest -L golden
//
// The scripts hold behaviour only: virtual times, the scenario named by its
// path in the source tree, no absolute paths.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/pktout/written.h"

namespace synsim::pktout {
namespace {

using testing::Case;

class GoldenScript : public ::testing::TestWithParam<Case> {};

TEST_P(GoldenScript, MatchesTheCheckedInOne) {
  const Case c = GetParam();
  const std::string text = testing::written(c.scenario, c.connection);
  const std::string golden = std::string(SYNSIM_SOURCE_DIR) + "/tests/golden/pkt/" + c.name + ".pkt";
  if (std::getenv("SYNSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << text;
    GTEST_SKIP() << "regenerated " << golden;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in) << "no golden file " << golden << "; run SYNSIM_UPDATE_GOLDEN=1 ctest -L golden";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(text, expected.str()) << "the script of " << c.connection << " of " << c.scenario
                                  << " changed; if on purpose, regenerate with SYNSIM_UPDATE_GOLDEN=1 ctest -L golden";
}

INSTANTIATE_TEST_SUITE_P(Deterministic, GoldenScript, ::testing::ValuesIn(testing::kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace synsim::pktout
