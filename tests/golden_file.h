// A golden file: `text` must equal the file checked in at `golden`, or, with
// SYNSIM_UPDATE_GOLDEN set, becomes it (the test is then skipped, saying so).
// `what` names the output in the failure message.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace synsim::testing {

inline void expect_golden(const std::string& text, const std::string& golden, const std::string& what) {
  if (std::getenv("SYNSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << text;
    GTEST_SKIP() << "regenerated " << golden;
  }
  std::ifstream in(golden, std::ios::binary);
  ASSERT_TRUE(in) << "no golden file " << golden << "; run SYNSIM_UPDATE_GOLDEN=1 ctest -L golden";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(text, expected.str()) << what << " changed; if on purpose, regenerate with "
                                  << "SYNSIM_UPDATE_GOLDEN=1 ctest -L golden";
}

}  // namespace synsim::testing
