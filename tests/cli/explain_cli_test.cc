// `synsim explain CAPTURE --scenario OUT.yaml --remedies` as a user runs it:
// the scenario written whole (and loadable), or nothing written and exit 2
// on a bad capture; the remedies table in the text and HTML outputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/run_synsim.h"

namespace {

namespace fs = std::filesystem;
using synsim::testing::Result;
using synsim::testing::synsim;

std::string src(const std::string& rel) { return std::string(SYNSIM_SOURCE_DIR) + "/" + rel; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// One capture for every test: the model's pcap of the 2003 stall.
class ExplainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("synsim-explain-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const Result run = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format summary --out " +
                              (dir_ / "run").string());
    ASSERT_EQ(run.exit_code, 0) << run.output;
    pcap_ = (dir_ / "run" / "capture.pcap").string();
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_;
  static std::string pcap_;
};
fs::path ExplainCli::dir_;
std::string ExplainCli::pcap_;

TEST_F(ExplainCli, ScenarioIsWrittenWithItsInferencesAndLoads) {
  const fs::path out = dir_ / "derived.yaml";
  const Result r = synsim("explain " + pcap_ + " --scenario " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string yaml = read(out);
  EXPECT_NE(yaml.find("name: capture\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("  backlog: 2\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("# At each of the 3 overflows"), std::string::npos) << yaml;
  const Result check = synsim("check " + out.string());
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

// --out DIR: the renderings `--format` prints, and the derived scenario, as
// `run --out` writes them; never over a directory of someone else's files.
TEST_F(ExplainCli, OutWritesEveryRenderingAndTheDerivedScenario) {
  const fs::path out = dir_ / "explained";
  const Result r = synsim("explain " + pcap_ + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap", "trace.json", "report.html",
                        "summary.md", "scenario.yaml"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  EXPECT_EQ(read(out / "summary.txt"), synsim("explain " + pcap_ + " --format summary 2>/dev/null").output);
  const fs::path derived = dir_ / "derived-for-out.yaml";
  ASSERT_EQ(synsim("explain " + pcap_ + " --scenario " + derived.string()).exit_code, 0);
  EXPECT_EQ(read(out / "scenario.yaml"), read(derived));
  EXPECT_EQ(synsim("check " + (out / "scenario.yaml").string()).exit_code, 0);

  const fs::path foreign = dir_ / "foreign";
  fs::create_directories(foreign);
  std::ofstream(foreign / "notes.txt") << "mine\n";
  const Result refused = synsim("explain " + pcap_ + " --out " + foreign.string());
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_FALSE(fs::exists(foreign / "summary.txt"));
}

TEST_F(ExplainCli, ATruncatedCaptureWritesNothingAndExitsTwo) {
  const std::string pcap = read(pcap_);
  const fs::path cut = dir_ / "cut.pcap";
  std::ofstream(cut, std::ios::binary) << pcap.substr(0, 24 + 16 + 20);  // header, one record cut short
  const fs::path out = dir_ / "never.yaml";
  const Result r = synsim("explain " + cut.string() + " --scenario " + out.string() + " --remedies");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cut.pcap: packet 1:"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_EQ(e.path().filename().string().find(".never"), std::string::npos);
}

// The default summary reads the capture as a stream: a capture cut short in
// its last record is still refused whole, naming the packet, with nothing
// on stdout (no summary of the packets before it).
TEST_F(ExplainCli, ASummaryOfACaptureCutInItsLastPacketPrintsNothingAndExitsTwo) {
  const std::string pcap = read(pcap_);
  const fs::path cut = dir_ / "cut-at-end.pcap";
  std::ofstream(cut, std::ios::binary) << pcap.substr(0, pcap.size() - 3);
  const Result out = synsim::testing::shell(std::string(SYNSIM_BINARY) + " explain " + cut.string() + " 2>/dev/null");
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_EQ(out.output, "");
  const Result err = synsim("explain " + cut.string());
  EXPECT_EQ(err.exit_code, 2);
  EXPECT_NE(err.output.find("cut-at-end.pcap: packet "), std::string::npos) << err.output;
  EXPECT_EQ(err.output.find("packet 1:"), std::string::npos) << err.output;  // the last one, not the first
}

TEST_F(ExplainCli, RemediesEndTheTextAndAreASectionOfTheHtml) {
  const Result text = synsim("explain " + pcap_ + " --remedies");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("remedies played on capture"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("larger backlog + somaxconn"), std::string::npos) << text.output;
  const Result html = synsim("explain " + pcap_ + " --remedies --format html");
  ASSERT_EQ(html.exit_code, 0);
  EXPECT_NE(html.output.find("<section id=\"remedies\">"), std::string::npos);
  EXPECT_NE(html.output.find("tcp_abort_on_overflow=1"), std::string::npos);
}

}  // namespace
