// The project's own packetdrill scripts (scenarios/packetdrill/), one per
// passive-open rule the model holds: each holds on the model, and `synsim
// run` says so by its exit code, as it says a wrong script fails (1) and an
// unreadable one cannot run (2).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "tests/packetdrill/flipped_scripts.h"
#include "tests/run_synsim.h"

namespace synsim::packetdrill {
namespace {

TEST(PacketdrillShippedScripts, EachHoldsOnTheModel) {
  const std::vector<std::string> scripts = shipped_scripts();
  EXPECT_GE(scripts.size(), 5u);
  for (const std::string& path : scripts) {
    auto parsed = parse_file(path);
    ASSERT_TRUE(std::holds_alternative<Script>(parsed)) << std::get<ParseError>(parsed).message();
    auto r = play_on_model(std::get<Script>(parsed), PlayOptions{});
    ASSERT_TRUE(std::holds_alternative<PlayResult>(r)) << std::get<ParseError>(r).message();
    EXPECT_TRUE(std::get<PlayResult>(r).held) << render(std::get<PlayResult>(r));
  }
}

// The two overflow scripts differ only in tcp_abort_on_overflow: each must
// fail with the other's value, at the line where the rule shows.
TEST(PacketdrillShippedScripts, TheOverflowScriptsFailWithTheOtherAbortOnOverflow) {
  for (const auto& [name, line] : {std::pair{"final-ack-dropped-on-full-accept-queue", 43u},
                                   std::pair{"abort-on-overflow", 35u}}) {
    auto parsed = parse_script(flipped_abort_on_overflow(name), std::string(name) + ".pkt", defaults_sh);
    ASSERT_TRUE(std::holds_alternative<Script>(parsed)) << std::get<ParseError>(parsed).message();
    auto r = play_on_model(std::get<Script>(parsed), PlayOptions{});
    ASSERT_TRUE(std::holds_alternative<PlayResult>(r)) << std::get<ParseError>(r).message();
    const PlayResult& result = std::get<PlayResult>(r);
    EXPECT_FALSE(result.held) << render(result);
    EXPECT_EQ(first_failed_line(result), line) << render(result);
  }
}

TEST(PacketdrillShippedScripts, RunExitsZeroWhenAScriptHoldsOneWhenItDoesNotTwoWhenItCannotRun) {
  const std::string src = SYNSIM_SOURCE_DIR;
  const testing::Result holds = testing::synsim("run " + src + "/scenarios/packetdrill/synack-backoff-and-expiry.pkt");
  EXPECT_EQ(holds.exit_code, 0) << holds.output;
  const testing::Result wrong = testing::synsim("run " + src + "/tests/packetdrill/data/wrong-synack-backoff.pkt");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(wrong.output.find("wrong-synack-backoff.pkt:12: timing error"), std::string::npos) << wrong.output;
  const testing::Result binary = testing::synsim("run " + src + "/tests/packetdrill/data/binary.pkt");
  EXPECT_EQ(binary.exit_code, 2) << binary.output;
  EXPECT_NE(binary.output.find("binary.pkt:1:"), std::string::npos) << binary.output;
}

}  // namespace
}  // namespace synsim::packetdrill
