// `synsim compare` on the real kernel: a statistical comparison runs the
// kernel side without packet capture (on this 2-CPU machine the capture's
// thread competes with the loader and the server for the CPUs and changes
// how many SYNs a load run drops: reports/load/capture.md), says so, and
// `--capture` keeps the packets; a packet-by-packet comparison always
// captures, since the packets are what it aligns.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/kernel/namespaces.h"
#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::synsim;

nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// 150 closed-loop exchanges: over compare's 100-connection line, so --mode
// auto would judge it statistically too.
constexpr const char* kLoad =
    "name: small-load\n"
    "description: a short closed loop for the capture option\n"
    "duration: 1s\n"
    "server: {backlog: 128, on_data: {respond_bytes: 100, close: after_response}}\n"
    "clients:\n"
    "  - {name: c, count: 150, arrival: {concurrency: 4}, send: {bytes: 5, after: 0}, close: after_response,\n"
    "     close_style: rst}\n";

class CompareCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("synsim-compare-capture-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "load.yaml") << kLoad;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // The kernel side's outcome.json of `compare ... --out`.
  nlohmann::json kernel_outcome(const std::string& extra, Result& r) {
    r = synsim("compare " + (dir_ / "load.yaml").string() + " " + extra + " --out " + (dir_ / "cmp").string());
    return read_json(dir_ / "cmp" / "kernel" / "outcome.json");
  }
  std::filesystem::path dir_;
};

TEST_F(CompareCapture, StatisticalModeRunsTheKernelWithoutCaptureAndSaysSo) {
  SKIP_WITHOUT_NAMESPACES();
  Result r;
  const nlohmann::json k = kernel_outcome("--mode statistical", r);
  ASSERT_LE(r.exit_code, 1) << r.output;
  EXPECT_EQ(k["info"]["captured"], false);
  EXPECT_TRUE(k["packets"].empty());
  EXPECT_EQ(k["connections"].size(), 150u);
  // No --loader: the plain epoll loader plays a plain closed loop.
  EXPECT_EQ(k["info"]["loader"], "epoll");
  EXPECT_GT(k["counters"]["TcpActiveOpens"].get<int>(), 0);
  EXPECT_NE(r.output.find("no packet capture, which perturbs load runs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(1 run, no packet capture)"), std::string::npos) << r.output;
  // Retransmissions per connection are unknown, not zero.
  const std::string table = [&] {
    std::ifstream in(dir_ / "cmp" / "comparison.txt");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  EXPECT_NE(table.find("not captured: see the counters"), std::string::npos) << table;
}

TEST_F(CompareCapture, CaptureOptionKeepsThePackets) {
  SKIP_WITHOUT_NAMESPACES();
  Result r;
  const nlohmann::json k = kernel_outcome("--mode statistical --capture", r);
  ASSERT_LE(r.exit_code, 1) << r.output;
  EXPECT_EQ(k["info"]["captured"], true);
  // At least SYN, SYN-ACK and ACK of every connection.
  EXPECT_GE(k["packets"].size(), 3u * 150u);
  EXPECT_NE(r.output.find("(1 run, packets captured)"), std::string::npos) << r.output;
}

TEST_F(CompareCapture, PacketByPacketModeAlwaysCaptures) {
  SKIP_WITHOUT_NAMESPACES();
  Result r;
  const nlohmann::json k = kernel_outcome("--mode connections", r);
  ASSERT_LE(r.exit_code, 1) << r.output;
  EXPECT_EQ(k["info"]["captured"], true);
  EXPECT_FALSE(k["packets"].empty());
}

}  // namespace
