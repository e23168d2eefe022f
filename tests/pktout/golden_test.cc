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

#include <string>

#include "tests/golden_file.h"
#include "tests/pktout/written.h"

namespace synsim::pktout {
namespace {

using testing::Case;

class GoldenScript : public ::testing::TestWithParam<Case> {};

TEST_P(GoldenScript, MatchesTheCheckedInOne) {
  const Case c = GetParam();
  const std::string text = testing::written(c.scenario, c.connection);
  synsim::testing::expect_golden(text, std::string(SYNSIM_SOURCE_DIR) + "/tests/golden/pkt/" + c.name + ".pkt",
                                 std::string("the script of ") + c.connection + " of " + c.scenario);
}

INSTANTIATE_TEST_SUITE_P(Deterministic, GoldenScript, ::testing::ValuesIn(testing::kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace synsim::pktout
