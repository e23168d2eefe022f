// `synsim kernel` judges the scenario's `expect:` section as `synsim run`
// does: the results in every output it prints or writes, each failure on
// stderr, exit 1 when one failed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/kernel/namespaces.h"
#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::shell;
using synsim::testing::synsim;

// Two short exchanges through a listener that keeps up: no overflow, no
// stall. `counter` is the hypothesis about the overflows.
std::string scenario(const std::string& counter) {
  return "name: kernel-expect\n"
         "description: two exchanges, judged by a hypothesis that holds and one given as an argument\n"
         "duration: 1s\n"
         "server: {backlog: 8, on_data: {respond_bytes: 5, close: after_response}}\n"
         "clients:\n"
         "  - {name: c, count: 2, start: 0s, send: {bytes: 5, at: 10ms}, close: after_response}\n"
         "expect:\n"
         "  stalls: {longer_than: 1s, count: 0}\n"
         "  counters:\n"
         "    " + counter + "\n";
}

class KernelExpect : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("synsim-kernel-expect-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  std::filesystem::path dir_;
};

TEST_F(KernelExpect, AFailedExpectationIsInEveryOutputAndExitsOne) {
  SKIP_WITHOUT_NAMESPACES();
  const std::string failing = file("failing.yaml", scenario("TcpExtListenOverflows: {at_least: 1}"));
  const std::filesystem::path out = dir_ / "out";
  const std::string failed = "TcpExtListenOverflows at least 1: got 0";
  // stdout alone: the summary opens with the banner.
  const Result r = shell(std::string(SYNSIM_BINARY) + " kernel " + failing + " --format summary --out " +
                         out.string() + " 2>" + (dir_ / "stderr").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("FAILED: 1 of 2 expectations\n  " + failed, 0), 0u) << r.output.substr(0, 400);
  EXPECT_NE(read(dir_ / "stderr").find("expectation failed: " + failed), std::string::npos) << read(dir_ / "stderr");
  // Every file of --out carries it.
  const nlohmann::json j = nlohmann::json::parse(read(out / "outcome.json"));
  ASSERT_TRUE(j.contains("expect")) << "outcome.json has no expect results";
  ASSERT_EQ(j["expect"].size(), 2u);
  for (const nlohmann::json& e : j["expect"]) {
    EXPECT_EQ(e["passed"], e["kind"] != "counter") << e.dump();
  }
  EXPECT_EQ(read(out / "summary.txt"), r.output);
  EXPECT_NE(read(out / "summary.md").find("> **FAILED: 1 of 2 expectations**"), std::string::npos);
  EXPECT_NE(read(out / "report.html").find("<h2>FAILED: 1 of 2 expectations</h2>"), std::string::npos);
}

TEST_F(KernelExpect, ExpectationsThatHoldExitZeroWithTheirResults) {
  SKIP_WITHOUT_NAMESPACES();
  const std::string holding = file("holding.yaml", scenario("TcpExtListenOverflows: 0"));
  const Result r = shell(std::string(SYNSIM_BINARY) + " kernel " + holding + " --format json 2>/dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output.substr(0, 400);
  const nlohmann::json j = nlohmann::json::parse(r.output);
  ASSERT_TRUE(j.contains("expect"));
  ASSERT_EQ(j["expect"].size(), 2u);
  EXPECT_EQ(j["expect"][0]["passed"], true);
  EXPECT_EQ(j["expect"][1]["passed"], true);
}

}  // namespace
