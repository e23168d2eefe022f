// A saved outcome is the outcome: the model's runs of shipped scenarios,
// written as JSON and read back, have the same annotations and explanations
// (kinds, figures and times, compared as values, not as words), and render
// to the same text. The reasons in them are the model's real ones, so this
// covers the kinds a run produces with the figures it gives them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "sim/expect/evaluate.h"
#include "sim/report/json.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "tests/model/harness.h"
#include "tests/model/shipped_scenarios.h"

namespace synsim::testing {
namespace {

// The reproduction scenarios, with stalls, overflows, syncookies, resets and
// both kernel eras (stall/ holds the 2.5.66 replay).
std::vector<std::string> saved_scenarios() {
  std::vector<std::string> paths;
  for (const std::string& p : shipped_scenarios()) {
    if (p.starts_with("scenarios/stall/") || p.starts_with("scenarios/measured/") ||
        p.starts_with("scenarios/wire/")) {
      paths.push_back(p);
    }
  }
  return paths;
}

class SavedOutcome : public ::testing::TestWithParam<std::string> {};

TEST_P(SavedOutcome, ReadsBackEqualToTheModelsOutcome) {
  const Outcome out = model::run(load_shipped(GetParam()));
  const Outcome back = report::outcome_from_json(report::render_json(out));

  ASSERT_FALSE(out.annotations.empty());
  ASSERT_EQ(back.annotations.size(), out.annotations.size());
  for (std::size_t i = 0; i < out.annotations.size(); ++i) {
    EXPECT_EQ(back.annotations[i], out.annotations[i]) << "annotations[" << i << "] "
                                                       << outcome::debug_string(out.annotations[i].reason);
  }
  ASSERT_EQ(back.connections.size(), out.connections.size());
  for (std::size_t i = 0; i < out.connections.size(); ++i) {
    EXPECT_EQ(back.connections[i].explanation, out.connections[i].explanation) << out.connections[i].name;
  }
  // Read back, the outcome renders as the fresh one does.
  EXPECT_EQ(report::render_tcpdump(back), report::render_tcpdump(out));
  EXPECT_EQ(report::render_summary(back), report::render_summary(out));
}

// The kernel run checked in under reports/ was written by an older synsim
// (format version 1, no "expect"): it still reads, as an outcome whose
// expectations nobody judged.
TEST(SavedOutcomeFile, ACheckedInRunWrittenBeforeExpectResultsStillReads) {
  std::ifstream in(std::string(SYNSIM_SOURCE_DIR) + "/reports/e1-accept-at-500ms/kernel/outcome.json");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_EQ(text.str().find("\"expect\""), std::string::npos);
  const Outcome back = report::outcome_from_json(text.str());
  EXPECT_EQ(back.info.scenario, "e1-accept-at-500ms");
  EXPECT_FALSE(back.connections.empty());
  EXPECT_FALSE(back.expect.has_value());
}

// A judged run's results are part of what is saved and read back.
TEST(SavedOutcomeFile, AJudgedRunReadsBackWithItsResults) {
  const Scenario sc = load_shipped("scenarios/stall/loopback-stall-2003.yaml");
  Outcome out = model::run(sc);
  expect::judge(sc.expect, out);
  ASSERT_TRUE(out.expect.has_value());
  ASSERT_FALSE(out.expect->empty());
  EXPECT_EQ(report::outcome_from_json(report::render_json(out)).expect, out.expect);
}

INSTANTIATE_TEST_SUITE_P(Shipped, SavedOutcome, ::testing::ValuesIn(saved_scenarios()),
                         [](const auto& info) { return test_name_of(info.param); });

}  // namespace
}  // namespace synsim::testing
