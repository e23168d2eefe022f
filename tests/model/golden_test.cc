// Golden timelines: the full text output of every shipped scenario (its
// expect: results last, as `synsim run` prints them), checked
// in under tests/golden/. A change in the model's behaviour shows up as a
// diff here and is accepted on purpose by regenerating:
//
//   SYNSIM_UPDATE_GOLDEN=1 ctest -L golden
//
// Golden files hold behaviour only: virtual times, no wall-clock times, no
// absolute paths.
#include <gtest/gtest.h>


#include "sim/expect/evaluate.h"
#include "sim/report/expect_text.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "tests/model/harness.h"
#include "tests/golden_file.h"
#include "tests/model/shipped_scenarios.h"

namespace synsim::testing {
namespace {

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, TimelineMatchesTheCheckedInOne) {
  const std::string path = GetParam();
  const Scenario sc = load_shipped(path);
  // Judged, as `synsim run` judges it: the summary ends with its expect: results.
  Outcome out = model::run(sc);
  expect::judge(sc.expect, out);
  // Load scenarios keep only their summary: a timeline of thousands of
  // packets would drown the diff that matters.
  const bool full = out.packets.size() <= 3000;
  const std::string text = (full ? report::render_tcpdump(out) + "\n" : std::string("# timeline omitted: ") +
                                                                         std::to_string(out.packets.size()) +
                                                                         " packets\n\n") +
                           report::render_summary(out);
  std::string golden_name = path.substr(std::string("scenarios/").size());
  for (char& c : golden_name) {
    if (c == '/') c = '-';
  }
  golden_name.replace(golden_name.size() - 5, 5, ".txt");
  testing::expect_golden(text, std::string(SYNSIM_SOURCE_DIR) + "/tests/golden/" + golden_name,
                         "timeline of " + path);
}

// Every shipped scenario's `expect:` hypotheses hold on the model.
TEST_P(Golden, ExpectationsHoldOnTheModel) {
  const Scenario sc = load_shipped(GetParam());
  const Outcome out = model::run(sc);
  for (const expect::Result& r : expect::evaluate(sc.expect, out)) {
    EXPECT_TRUE(r.passed) << GetParam() << ": " << report::expectation_text(r) << ": got "
                          << report::expectation_actual_text(r);
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, Golden, ::testing::ValuesIn(shipped_scenarios()),
                         [](const auto& info) { return test_name_of(info.param); });

}  // namespace
}  // namespace synsim::testing
