#include "sim/report/out_dir.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "sim/report/html.h"
#include "sim/report/json.h"
#include "sim/report/markdown.h"
#include "sim/report/pcap.h"
#include "sim/report/perfetto.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

namespace fs = std::filesystem;
using testing::handshake_outcome;

class OutDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("synsim_out_dir_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path root_;
};

TEST_F(OutDir, CreatesDirectoryAndWritesEveryRendering) {
  auto o = handshake_outcome();
  fs::path dir = root_ / "a" / "b";
  write_out_dir(dir, o, "name: loopback-stall\n");
  EXPECT_EQ(read(dir / "timeline.txt"), render_tcpdump(o));
  EXPECT_EQ(read(dir / "summary.txt"), render_summary(o));
  EXPECT_EQ(read(dir / "outcome.json"), render_json(o));
  EXPECT_EQ(read(dir / "capture.pcap"), render_pcap(o));
  EXPECT_EQ(read(dir / "trace.json"), render_perfetto(o));
  HtmlReport html;
  html.model = &o;
  html.scenario_text = "name: loopback-stall\n";
  EXPECT_EQ(read(dir / "report.html"), render_html(html));
  EXPECT_EQ(read(dir / "summary.md"), render_markdown(o, nullptr, nullptr));
  EXPECT_EQ(read(dir / "scenario.yaml"), "name: loopback-stall\n");
}

TEST_F(OutDir, CompareSideDirectoriesLeaveTheSharedReportsToCompare) {
  // model/ and kernel/ of `compare --out`: the report, summary.md and trace.json
  // are rendered once for both sides, beside them.
  std::set<std::string> names;
  for (const OutDirFile& f : render_out_dir(handshake_outcome(), "x")) names.insert(f.name);
  EXPECT_EQ(names, (std::set<std::string>{"capture.pcap", "outcome.json", "scenario.yaml", "summary.txt",
                                          "timeline.txt"}));
}

TEST_F(OutDir, LeavesNoTemporaryFiles) {
  write_out_dir(root_, handshake_outcome(), "x");
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(root_)) names.insert(entry.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{".synsim-out", "capture.pcap", "outcome.json", "report.html",
                                          "scenario.yaml", "summary.md", "summary.txt", "timeline.txt",
                                          "trace.json"}));
}

TEST_F(OutDir, ReplacesFilesOfAnEarlierRun) {
  auto o = handshake_outcome();
  write_out_dir(root_, o, "first");
  o.info.seed = 7;
  write_out_dir(root_, o, "second");
  EXPECT_EQ(read(root_ / "scenario.yaml"), "second");
  EXPECT_EQ(read(root_ / "outcome.json"), render_json(o));
}

TEST_F(OutDir, PathThatIsAFileIsAnErrorNamingIt) {
  fs::create_directories(root_);
  std::ofstream(root_ / "plain") << "x";
  try {
    write_out_dir(root_ / "plain", handshake_outcome(), "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((root_ / "plain").string()), std::string::npos) << e.what();
  }
}

TEST_F(OutDir, UnrenderableOutcomeWritesNothing) {
  auto o = handshake_outcome();
  o.packets[0].src_addr = "::1";  // no IPv4 header for it
  EXPECT_THROW(write_out_dir(root_, o, "x"), std::runtime_error);
  EXPECT_FALSE(fs::exists(root_));
}

// --out DIR never replaces files synsim did not write.

TEST_F(OutDir, MarksTheDirectoryAsSynsimOutput) {
  write_out_dir(root_, handshake_outcome(), "x");
  EXPECT_TRUE(fs::is_regular_file(root_ / kOutDirMarker));
}

TEST_F(OutDir, WritesIntoAnEmptyExistingDirectory) {
  fs::create_directories(root_);
  write_out_dir(root_, handshake_outcome(), "x");
  EXPECT_EQ(read(root_ / "scenario.yaml"), "x");
}

TEST_F(OutDir, RefusesANonEmptyDirectoryItDidNotWriteAndLeavesItUntouched) {
  fs::create_directories(root_);
  std::ofstream(root_ / "thesis.tex") << "years of work";
  std::ofstream(root_ / "timeline.txt") << "my own timeline";
  try {
    write_out_dir(root_, handshake_outcome(), "x");
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(root_.string()), std::string::npos) << what;
    EXPECT_NE(what.find("'thesis.tex'"), std::string::npos) << what;
    EXPECT_NE(what.find("not written by synsim"), std::string::npos) << what;
  }
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(root_)) names.insert(entry.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"thesis.tex", "timeline.txt"}));
  EXPECT_EQ(read(root_ / "timeline.txt"), "my own timeline");
}

TEST_F(OutDir, RefusalNamesAFewForeignEntriesAndCountsTheRest) {
  fs::create_directories(root_);
  for (const char* name : {"a", "b", "c", "d", "e"}) std::ofstream(root_ / name) << name;
  try {
    claim_out_dir(root_);
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'a', 'b', 'c' and 2 more"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(root_ / kOutDirMarker));
}

TEST_F(OutDir, ReplacesAnOutputWrittenBeforeTheMarkerExisted) {
  fs::create_directories(root_);
  for (const char* name : {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap", "scenario.yaml"}) {
    std::ofstream(root_ / name) << "old";
  }
  std::ofstream(root_ / ".scenario.yaml.tmp.12345") << "interrupted";
  write_out_dir(root_, handshake_outcome(), "new");
  EXPECT_EQ(read(root_ / "scenario.yaml"), "new");
}

TEST_F(OutDir, AMarkedDirectoryIsReplacedAndOtherFilesInItKept) {
  write_out_dir(root_, handshake_outcome(), "first");
  std::ofstream(root_ / "notes.txt") << "mine";
  write_out_dir(root_, handshake_outcome(), "second");
  EXPECT_EQ(read(root_ / "scenario.yaml"), "second");
  EXPECT_EQ(read(root_ / "notes.txt"), "mine");
}

TEST_F(OutDir, ClaimAcceptsTheCallersOwnNames) {
  fs::create_directories(root_ / "model");
  std::ofstream(root_ / "comparison.txt") << "old";
  EXPECT_THROW(claim_out_dir(root_), std::runtime_error);
  claim_out_dir(root_, {"model", "kernel", "comparison.txt"});
  EXPECT_TRUE(fs::is_regular_file(root_ / kOutDirMarker));
}

TEST_F(OutDir, ClaimCreatesAPathThatDoesNotExist) {
  claim_out_dir(root_ / "new" / "dir");
  EXPECT_TRUE(fs::is_regular_file(root_ / "new" / "dir" / kOutDirMarker));
}

}  // namespace
}  // namespace synsim::report
