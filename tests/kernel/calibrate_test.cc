// `synsim calibrate` on this machine's kernel: it measures the closed loop's
// pace, fits the model's machine.costs to it, and prints --set arguments
// that `synsim run` takes.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/kernel/namespaces.h"
#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::synsim;

TEST(Calibrate, FitsTheModelsCostsToThisMachine) {
  SKIP_WITHOUT_NAMESPACES();
  const Result r = synsim("calibrate --runs 1");
  if (r.exit_code == 4) GTEST_SKIP() << "this machine cannot run the calibration loop: " << r.output;
  // 1: measured on a busy machine (CI builds beside it) or no factor fits;
  // the figures are printed either way.
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.output;
  EXPECT_NE(r.output.find("kernel    connect() calls 500 to 4,500"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("model     as shipped (machine.costs x1.000)"), std::string::npos) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(fitted    machine.costs x(\d+\.\d{3}))"))) << r.output;
  const double factor = std::stod(m[1]);
  EXPECT_GE(factor, 0.125);
  EXPECT_LE(factor, 16.0);
  // The split one factor cannot fit: each role's CPU a connection on both sides.
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\nthreads   kernel: loader \d+\.\d us CPU a connection)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\nthreads   model at x\d+\.\d{3}: loader \d+\.\d us CPU a )"
                                                     R"(connection .*; the model's loader x\d+\.\d\d the kernel's)")))
      << r.output;
  // The printed arguments make a scenario's model this machine's.
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(\nuse +(.*)\n)"))) << r.output;
  const std::string sets = m[1];
  EXPECT_NE(sets.find("--set machine.costs.softirq_packet="), std::string::npos) << sets;
  const Result run = synsim("run " + std::string(SYNSIM_SOURCE_DIR) +
                            "/scenarios/load/c64-b128.yaml --set clients.load.count=200 --set duration=1s " + sets +
                            " --format summary");
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST(Calibrate, FitsEachRolesCpuAConnectionWithFitCpu) {
  SKIP_WITHOUT_NAMESPACES();
  const Result r = synsim("calibrate --runs 1 --fit cpu");
  if (r.exit_code == 4) GTEST_SKIP() << "this machine cannot run the calibration loop: " << r.output;
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(fitted    machine.costs x(\d+\.\d{3}): accept and serve x(\d+\.\d{3}) more; )"
                                                        R"(loader (\d+\.\d) us, server (\d+\.\d) us CPU a connection)")))
      << r.output;
  // The kernel's figures the fit aimed at.
  std::smatch k;
  ASSERT_TRUE(std::regex_search(r.output, k, std::regex(R"(threads   kernel: loader (\d+\.\d) us CPU a connection .*, server )"
                                                        R"((\d+\.\d) us)")))
      << r.output;
  if (r.exit_code == 0) {
    EXPECT_NEAR(std::stod(m[3]), std::stod(k[1]), std::stod(k[1]) * 0.03 + 0.1) << r.output;
    EXPECT_NEAR(std::stod(m[4]), std::stod(k[2]), std::stod(k[2]) * 0.03 + 0.1) << r.output;
  }
  EXPECT_EQ(synsim("calibrate --fit speed").exit_code, 2);
}

TEST(Calibrate, RefusesBadArguments) {
  EXPECT_EQ(synsim("calibrate --runs 0").exit_code, 2);
  EXPECT_EQ(synsim("calibrate --format yaml").exit_code, 2);
  // Saved kernel runs were measured on the machine as it was then.
  const Result saved = synsim("compare " + std::string(SYNSIM_SOURCE_DIR) +
                              "/scenarios/load/c64-b128.yaml --calibrate --kernel-outcome /nonexistent.json");
  EXPECT_EQ(saved.exit_code, 2) << saved.output;
  EXPECT_NE(saved.output.find("--calibrate measures this machine now"), std::string::npos) << saved.output;
}

// compare --calibrate judges the model fitted to this machine, and says so
// above the verdict.
TEST(Calibrate, CompareJudgesTheCalibratedModel) {
  SKIP_WITHOUT_NAMESPACES();
  const Result r = synsim("compare " + std::string(SYNSIM_SOURCE_DIR) +
                          "/scenarios/load/c64-b128.yaml --set clients.load.count=1000 --set duration=1s "
                          "--mode statistical --runs 1 --calibrate");
  if (r.exit_code == 4) GTEST_SKIP() << "this machine cannot run the calibration loop: " << r.output;
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\nmodel calibrated to this machine: machine.costs x\d+\.\d{3} )")))
      << r.output;
  EXPECT_NE(r.output.find("verdict: "), std::string::npos) << r.output;
}

}  // namespace
