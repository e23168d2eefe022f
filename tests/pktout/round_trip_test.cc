// The loop closed on the model: a script written by `synsim run SCENARIO
// --format pkt --connection NAME` holds when `synsim run FILE.pkt` plays it,
// for each deterministic scenario (the 2003 stall, E1-E4), and fails once
// the rule it shows is taken away.
#include <gtest/gtest.h>

#include "tests/pktout/written.h"
#include "tests/run_synsim.h"

namespace synsim::pktout {
namespace {

using testing::Case;

class WrittenScript : public ::testing::TestWithParam<Case> {};

// Both steps through the command, as a user runs them.
TEST_P(WrittenScript, HoldsOnTheModel) {
  const Case c = GetParam();
  const std::string file = testing::saved("", std::string("model-") + c.name);
  const auto w = synsim::testing::shell(std::string("cd ") + SYNSIM_SOURCE_DIR + " && " + SYNSIM_BINARY + " run " +
                                        c.scenario + " --format pkt --connection '" + c.connection + "' > " + file);
  ASSERT_EQ(w.exit_code, 0) << w.output;
  const auto played = synsim::testing::synsim("run " + file);
  EXPECT_EQ(played.exit_code, 0) << played.output;
  EXPECT_NE(played.output.find("the script holds on the model (linux-6.18)"), std::string::npos) << played.output;
}

INSTANTIATE_TEST_SUITE_P(Deterministic, WrittenScript, ::testing::ValuesIn(testing::kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// The stall needs the full accept queue: with one more slot x#1's request
// creates its child at once, where the script says it is dropped.
TEST(WrittenScriptAltered, StallWithARoomierQueueFailsOnTheModel) {
  const std::string text = testing::written("scenarios/stall/loopback-stall-2003.yaml", "x#1");
  const std::string file = testing::saved(testing::altered(text, "listen(3, 2) = 0", "listen(3, 3) = 0"),
                                          "model-stall-roomier");
  const auto played = synsim::testing::synsim("run " + file);
  EXPECT_EQ(played.exit_code, 1) << played.output;
  EXPECT_NE(played.output.find("does not hold on the model"), std::string::npos) << played.output;
}

// E4 without tcp_abort_on_overflow: no RST where the script states one.
TEST(WrittenScriptAltered, AbortOnOverflowTakenAwayFailsOnTheModel) {
  const std::string text = testing::written("scenarios/measured/e4-abort-on-overflow.yaml", "b#0");
  const std::string file =
      testing::saved(testing::altered(text, "`sysctl -q net.ipv4.tcp_abort_on_overflow=1`\n", ""), "model-e4-no-abort");
  const auto played = synsim::testing::synsim("run " + file);
  EXPECT_EQ(played.exit_code, 1) << played.output;
  EXPECT_NE(played.output.find("R 1:1(0)"), std::string::npos) << played.output;
}

}  // namespace
}  // namespace synsim::pktout
