// `synsim compare` as a user meets it, without root: a saved outcome
// (--kernel-outcome) stands in for the kernel run. Mode selection, the
// statistical verdict and exit code, comparison.json, and the round trip
// through DIR/kernel/outcome.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::synsim;

std::string src(const std::string& rel) { return std::string(SYNSIM_SOURCE_DIR) + "/" + rel; }

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// comparison.json without its "model_wall_ns"/"kernel_wall_ns" lines (and
// without synsim's notes on stderr).
std::string without_wall_times(const std::string& json) {
  std::istringstream in(json);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (line.find("_wall_ns\"") == std::string::npos && line.rfind("synsim: note:", 0) != 0) out += line + "\n";
  }
  return out;
}

// 600 connections: statistical under --mode auto.
const std::string kLoad = src("scenarios/hypotheses/connect-send-delay-under-load.yaml");
// 2 connections: packet by packet under --mode auto.
const std::string kSmall = src("scenarios/measured/e2-accept-at-13s.yaml");

// The model's own capture of a load (2,000 connections at backlog 8: SYNs
// dropped, cookie ACKs ignored on a full accept queue, data retransmitted).
const std::string kCaptured = src("scenarios/load/c64-b8.yaml");
const std::string kCapturedSets = " --set clients.load.count=2000 --set duration=6s";

class CompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("synsim-compare-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // The model's outcome of `scenario`, saved as `synsim run --out` saves it.
  std::string saved_outcome(const std::string& scenario, const std::string& extra = "") {
    const Result r = synsim("run " + scenario + " --format summary " + extra + " --out " + (dir_ / "saved").string());
    EXPECT_LE(r.exit_code, 1) << r.output;
    return (dir_ / "saved" / "outcome.json").string();
  }
  // The model's own capture of kCaptured (with `extra` overrides), as
  // `synsim run --out` writes it.
  std::string captured(const std::string& extra = "") {
    const Result run = synsim("run " + kCaptured + kCapturedSets + extra + " --format summary --out " +
                              (dir_ / "run").string());
    EXPECT_LE(run.exit_code, 1) << run.output;
    return (dir_ / "run" / "capture.pcap").string();
  }
  std::filesystem::path dir_;
};

TEST_F(CompareCli, LoadScenarioIsComparedStatisticallyAndRoundTripsThroughTheOutDir) {
  const std::string saved = saved_outcome(kLoad);
  const std::filesystem::path out = dir_ / "cmp";
  const Result r = synsim("compare " + kLoad + " --kernel-outcome " + saved + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("verdict: AGREE (statistical: 0 misses)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("most common group size"), std::string::npos);
  for (const char* f : {"comparison.txt", "comparison.json", "summary.md", "report.html", "kernel/outcome.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
  }
  EXPECT_EQ(read(out / "comparison.txt").rfind("verdict: AGREE (statistical", 0), 0u);
  EXPECT_EQ(read(out / "summary.md").rfind("## Model vs kernel, statistically", 0), 0u);
  // The HTML report's verdict is the statistical one, its table under it.
  const std::string html = read(out / "report.html");
  const std::size_t header = html.find("<header>");
  const std::size_t verdict = html.find("Model and kernel agree statistically.");
  const std::size_t table = html.find("<pre class=\"statistics\">verdict: AGREE (statistical");
  EXPECT_LT(header, verdict);
  EXPECT_LT(verdict, table);
  EXPECT_NE(table, std::string::npos);
  EXPECT_NE(read(out / "comparison.json").find("\"mode\": \"statistical\""), std::string::npos);

  // The kernel side written there reads back as the same kernel side:
  // the same statistics, byte for byte, but for the wall times.
  const Result again = synsim("compare " + kLoad + " --format json --kernel-outcome " + (out / "kernel/outcome.json").string());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(without_wall_times(again.output), without_wall_times(read(out / "comparison.json")));
}

TEST_F(CompareCli, StatisticalMissExitsOneAndSaysByHowMuch) {
  // The saved side is the model's own run, with the kernel's counters of a
  // run that overflowed its accept queue 1,434 times pasted in.
  const std::string saved = saved_outcome(kLoad);
  nlohmann::json json = nlohmann::json::parse(read(saved));
  json["counters"]["TcpExtListenOverflows"] = 1434;
  json["counters"]["TcpExtTCPSynRetrans"] = 1214;
  std::ofstream(saved) << json.dump(2);
  const Result r = synsim("compare " + kLoad + " --kernel-outcome " + saved);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("TcpExtListenOverflows: model 196 (median of 196), kernel 1434 (band 478..4302): outside "
                          "the band"),
            std::string::npos)
      << r.output;
}

TEST_F(CompareCli, KernelOutcomeOfOtherSettingsIsRefusedNotJudged) {
  // Saved at backlog 128; compared at backlog 8: two experiments.
  const std::string saved = saved_outcome(kLoad, "--set server.backlog=128");
  const Result r = synsim("compare " + kLoad + " --set server.backlog=8 --kernel-outcome " + saved);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("with other settings"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("saved run:        server.backlog=128"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("this comparison:  server.backlog=8"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("verdict"), std::string::npos) << r.output;
  // The same --set on both sides is the same experiment: compared, and the
  // sides agree (exit 1 all the same: at backlog 128 the scenario's
  // hypotheses fail on both sides).
  const Result same = synsim("compare " + kLoad + " --set server.backlog=128 --kernel-outcome " + saved);
  EXPECT_EQ(same.exit_code, 1) << same.output;
  EXPECT_NE(same.output.find("verdict: AGREE"), std::string::npos) << same.output;
  EXPECT_NE(same.output.find("expectation failed on the kernel: TcpExtListenOverflows at least 80: got 0"),
            std::string::npos)
      << same.output;
  // The model's machine is not part of it (the kernel runs on the real one).
  const Result machine =
      synsim("compare " + kLoad + " --set server.backlog=128 --set machine.cpus=2 --kernel-outcome " + saved);
  EXPECT_NE(machine.output.find("verdict"), std::string::npos) << machine.output;
}

TEST_F(CompareCli, ASavedModelSideIsJudgedAsRunAndRefusedWhenItIsAnotherExperiment) {
  // --model-outcome replaces the model's run: a run judged against a copy of
  // itself agrees; one with the kernel's overflows pasted in does not; one of
  // other settings is refused as on the kernel side.
  const std::string saved = saved_outcome(kLoad);
  const std::filesystem::path other = dir_ / "other.json";
  nlohmann::json json = nlohmann::json::parse(read(saved));
  json["counters"]["TcpExtListenOverflows"] = 1434;
  std::ofstream(other) << json.dump(2);
  const Result same = synsim("compare " + kLoad + " --model-outcome " + saved + " --kernel-outcome " + saved);
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_NE(same.output.find("verdict: AGREE"), std::string::npos) << same.output;
  const Result miss = synsim("compare " + kLoad + " --model-outcome " + saved + " --kernel-outcome " + other.string());
  EXPECT_EQ(miss.exit_code, 1) << miss.output;
  EXPECT_NE(miss.output.find("TcpExtListenOverflows: model 196 (median of 196), kernel 1434"), std::string::npos)
      << miss.output;
  const std::string at_128 = saved_outcome(kLoad, "--set server.backlog=128");  // rewrites `saved` too
  const Result refused =
      synsim("compare " + kLoad + " --set server.backlog=8 --model-outcome " + at_128 + " --kernel-outcome " + saved);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("with other settings"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("verdict"), std::string::npos) << refused.output;
}

TEST_F(CompareCli, SeveralRunsASideAreJudgedTogether) {
  const std::string a = saved_outcome(kLoad);
  std::filesystem::rename(dir_ / "saved", dir_ / "first");
  const std::string b = saved_outcome(kLoad, "--seed 2");
  const Result r = synsim("compare " + kLoad + " --kernel-outcome " + (dir_ / "first" / "outcome.json").string() +
                          " --kernel-outcome " + b + " --out " + (dir_ / "cmp").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(2 runs, packets captured)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("seeds=1..2"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "cmp" / "kernel-2" / "outcome.json"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "cmp" / "model-2" / "outcome.json"));
  (void)a;
}

TEST_F(CompareCli, StallThresholdNamesTheJudgedCount) {
  const std::string saved = saved_outcome(kLoad);
  const Result r = synsim("compare " + kLoad + " --kernel-outcome " + saved + " --stall-threshold 250ms");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("stalled > 250ms"), std::string::npos) << r.output;
}

TEST_F(CompareCli, SmallScenarioKeepsPacketAlignmentUnlessAskedOtherwise) {
  const std::string saved = saved_outcome(kSmall);
  const Result automatic = synsim("compare " + kSmall + " --kernel-outcome " + saved);
  EXPECT_EQ(automatic.exit_code, 0) << automatic.output;
  EXPECT_NE(automatic.output.find("verdict: AGREE (0 disagreements)"), std::string::npos) << automatic.output;
  EXPECT_NE(automatic.output.find("packets (connection, kind"), std::string::npos);
  const Result statistical = synsim("compare " + kSmall + " --mode statistical --kernel-outcome " + saved);
  EXPECT_EQ(statistical.exit_code, 0) << statistical.output;
  EXPECT_NE(statistical.output.find("verdict: AGREE (statistical"), std::string::npos) << statistical.output;
  const Result forced = synsim("compare " + kLoad + " --mode connections --format json --kernel-outcome " +
                               saved_outcome(kLoad));
  EXPECT_NE(forced.output.find("\"mode\": \"connections\""), std::string::npos) << forced.output;
}

TEST_F(CompareCli, KernelOutcomeOfAnotherScenarioIsRefused) {
  const std::string saved = saved_outcome(kSmall);
  const Result r = synsim("compare " + kLoad + " --kernel-outcome " + saved);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("holds an outcome of scenario e2-accept-at-13s"), std::string::npos) << r.output;
  EXPECT_EQ(synsim("compare " + kLoad + " --kernel-outcome " + (dir_ / "missing.json").string()).exit_code, 2);
}

TEST_F(CompareCli, BadModeOrThresholdIsAUsageError) {
  EXPECT_EQ(synsim("compare " + kLoad + " --mode sometimes").exit_code, 2);
  EXPECT_EQ(synsim("compare " + kLoad + " --stall-threshold 0s --kernel-outcome x.json").exit_code, 2);
  EXPECT_EQ(synsim("compare " + kLoad + " --stall-threshold soon --kernel-outcome x.json").exit_code, 2);
}

// A saved outcome names each reason's kind; a name synsim does not know is
// bad input (exit 2) that says where it is, not a comparison.
TEST_F(CompareCli, UnknownReasonKindInAKernelOutcomeIsBadInput) {
  const std::string saved = saved_outcome(kSmall);
  nlohmann::json json = nlohmann::json::parse(read(saved));
  json["annotations"][0]["reason"]["kind"] = "synack_retransmitted";
  std::ofstream(saved) << json.dump(2);
  const Result r = synsim("compare " + kSmall + " --kernel-outcome " + saved);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("outcome JSON: annotations[0].reason.kind: unknown reason kind 'synack_retransmitted'"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("verdict"), std::string::npos) << r.output;
}

// An outcome saved by synsim before reasons were saved as data (version 1,
// words only) is still compared, and reads the same as its typed self.
TEST_F(CompareCli, KernelOutcomeOfFormatVersionOneStillCompares) {
  const std::string saved = saved_outcome(kSmall);
  nlohmann::json json = nlohmann::json::parse(read(saved));
  json["version"] = 1;
  for (auto& a : json["annotations"]) {
    a = {{"packet_index", a["packet_index"]}, {"connection", a["connection"]}, {"text", a["text"]}};
  }
  for (auto& c : json["connections"]) {
    for (auto& step : c["explanation"]) step = step["text"];
  }
  const std::string old = (dir_ / "version-1.json").string();
  std::ofstream(old) << json.dump(2);
  const std::string cmd = "compare " + kSmall + " --kernel-outcome ";
  const Result typed = synsim(cmd + saved + " --out " + (dir_ / "typed").string());
  const Result words = synsim(cmd + old + " --out " + (dir_ / "words").string());
  EXPECT_EQ(words.exit_code, 0) << words.output;
  EXPECT_NE(words.output.find("verdict: AGREE"), std::string::npos) << words.output;
  // The same report but for the note naming the file.
  EXPECT_EQ(without_wall_times(words.output), without_wall_times(typed.output));
  for (const char* f : {"comparison.txt", "summary.md", "report.html", "kernel/timeline.txt"}) {
    EXPECT_EQ(read(dir_ / "words" / f), read(dir_ / "typed" / f)) << f;
  }
}

// A copy of the saved outcome `saved` at `copy`, with two of its
// challenge ACKs taken away: a "kernel" run on which the 2003 stall
// scenario's `TcpExtTCPChallengeACK: {at_least: 2}` fails.
std::string without_two_challenge_acks(const std::string& saved, const std::filesystem::path& copy) {
  nlohmann::json json = nlohmann::json::parse(read(saved));
  json["counters"]["TcpExtTCPChallengeACK"] = 1;
  json.erase("expect");  // judged again by compare in any case
  std::ofstream(copy) << json.dump(2);
  return copy.string();
}

// compare judges the scenario's expect: on each side; every output it
// shares says which held where. Here the saved "kernel" run is the model's
// with two of its challenge ACKs taken away, so the kernel side fails
// `TcpExtTCPChallengeACK: {at_least: 2}` and the model holds it.
TEST_F(CompareCli, ExpectationsOfEachSideAreInEveryOutput) {
  const std::string stall = src("scenarios/stall/loopback-stall-2003.yaml");
  const std::string saved = without_two_challenge_acks(saved_outcome(stall), dir_ / "broken.json");
  const std::filesystem::path out = dir_ / "cmp";
  const Result r = synsim("compare " + stall + " --kernel-outcome " + saved + " --out " + out.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;  // the counters disagree
  const std::string failed = "TcpExtTCPChallengeACK at least 2: got 1";
  EXPECT_NE(r.output.find("\nexpectations on the kernel\nFAIL  " + failed), std::string::npos) << r.output;

  const nlohmann::json comparison = nlohmann::json::parse(read(out / "comparison.json"));
  ASSERT_TRUE(comparison.contains("expect")) << read(out / "comparison.json").substr(0, 300);
  ASSERT_TRUE(comparison["expect"]["model"].is_array());
  for (const auto& e : comparison["expect"]["model"]) EXPECT_EQ(e["passed"], true) << e;
  std::size_t kernel_failures = 0;
  for (const auto& e : comparison["expect"]["kernel"]) {
    if (e["passed"] == false) {
      ++kernel_failures;
      EXPECT_EQ(e["subject"], "TcpExtTCPChallengeACK");
      EXPECT_EQ(e["actual"], 1);
    }
  }
  EXPECT_EQ(kernel_failures, 1u);
  EXPECT_EQ(nlohmann::json::parse(read(out / "kernel" / "outcome.json"))["expect"],
            comparison["expect"]["kernel"]);
  EXPECT_EQ(nlohmann::json::parse(read(out / "model" / "outcome.json"))["expect"], comparison["expect"]["model"]);
  const std::string banner = "FAILED on the kernel: 1 of 6 expectations";
  EXPECT_NE(read(out / "report.html").find("<h2>" + banner + "</h2>"), std::string::npos);
  EXPECT_NE(read(out / "summary.md").find("> **" + banner + "**\n> - " + failed), std::string::npos);
  EXPECT_NE(read(out / "comparison.txt").find("FAIL  " + failed), std::string::npos);
  EXPECT_EQ(read(out / "report.html").find("FAILED on the model"), std::string::npos);

  // --format json on stdout is comparison.json.
  const Result j = synsim::testing::shell(std::string(SYNSIM_BINARY) + " compare " + stall +
                                          " --format json --kernel-outcome " + saved + " 2>/dev/null");
  EXPECT_EQ(nlohmann::json::parse(j.output)["expect"], comparison["expect"]);
}

// compare's text report opens as run's does when a hypothesis failed: the
// same banner (report::expectations_banner) naming the side, above the
// verdict, on stdout and in comparison.txt.
TEST_F(CompareCli, TextOpensWithTheFailedBannerAboveTheVerdict) {
  const std::string stall = src("scenarios/stall/loopback-stall-2003.yaml");
  const std::string broken = without_two_challenge_acks(saved_outcome(stall), dir_ / "broken.json");
  const std::filesystem::path out = dir_ / "cmp";
  const Result r = synsim::testing::shell(std::string(SYNSIM_BINARY) + " compare " + stall + " --kernel-outcome " +
                                          broken + " --out " + out.string() + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string banner =
      "FAILED on the kernel: 1 of 6 expectations\n  TcpExtTCPChallengeACK at least 2: got 1 (";
  EXPECT_EQ(r.output.rfind(banner, 0), 0u) << r.output.substr(0, 400);
  EXPECT_LT(r.output.find(banner), r.output.find("verdict: "));
  EXPECT_EQ(r.output.find("FAILED on the model"), std::string::npos);
  EXPECT_EQ(read(out / "comparison.txt"), r.output);
  // Every expectation held on both sides: no banner, the verdict first.
  const std::string saved = saved_outcome(stall);
  const Result ok = synsim::testing::shell(std::string(SYNSIM_BINARY) + " compare " + stall + " --kernel-outcome " +
                                           saved + " 2>/dev/null");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output.rfind("verdict: AGREE", 0), 0u) << ok.output.substr(0, 400);
}

// --runs N: every run of each side is judged, reported under its name and
// counted in the exit code, not only the first. Here kernel run 2 of 2
// fails a hypothesis that run 1 and both model seeds hold.
TEST_F(CompareCli, RunsJudgeEveryRunsExpectations) {
  const std::string stall = src("scenarios/stall/loopback-stall-2003.yaml");
  const std::string saved = saved_outcome(stall);
  const std::string broken = without_two_challenge_acks(saved, dir_ / "broken.json");
  const std::filesystem::path out = dir_ / "cmp";
  const std::string cmd = std::string(SYNSIM_BINARY) + " compare " + stall + " --runs 2 --kernel-outcome " + saved +
                          " --kernel-outcome " + broken + " --out " + out.string();
  const Result r = synsim::testing::shell(cmd + " 2>" + (dir_ / "stderr").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string failed = "TcpExtTCPChallengeACK at least 2: got 1";
  EXPECT_EQ(r.output.rfind("FAILED on the kernel (run 2 of 2): 1 of 6 expectations\n  " + failed, 0), 0u)
      << r.output.substr(0, 400);
  EXPECT_NE(read(dir_ / "stderr").find("expectation failed on the kernel (run 2 of 2): " + failed), std::string::npos)
      << read(dir_ / "stderr");
  EXPECT_EQ(read(dir_ / "stderr").find("expectation failed on the kernel (run 1"), std::string::npos);
  EXPECT_NE(r.output.find("\nexpectations on the kernel (run 1 of 2)\nPASS  "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nexpectations on the kernel (run 2 of 2)\nFAIL  " + failed), std::string::npos)
      << r.output;
  const std::size_t first_seed = r.output.find("\nexpectations on the model (seed ");
  ASSERT_NE(first_seed, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nexpectations on the model (seed ", first_seed + 1), std::string::npos) << r.output;

  const nlohmann::json comparison = nlohmann::json::parse(read(out / "comparison.json"));
  ASSERT_EQ(comparison["expect_runs"]["model"].size(), 2u);
  ASSERT_EQ(comparison["expect_runs"]["kernel"].size(), 2u);
  for (const auto& run : comparison["expect_runs"]["model"]) {
    for (const auto& e : run["results"]) EXPECT_EQ(e["passed"], true) << run["seed"] << e;
  }
  for (const auto& e : comparison["expect_runs"]["kernel"][0]["results"]) EXPECT_EQ(e["passed"], true) << e;
  std::size_t failures = 0;
  for (const auto& e : comparison["expect_runs"]["kernel"][1]["results"]) failures += e["passed"] == false ? 1 : 0;
  EXPECT_EQ(failures, 1u);
  EXPECT_EQ(comparison["expect_runs"]["kernel"][1]["run"], 2);
  // The first run of each side, as before.
  EXPECT_EQ(comparison["expect"]["kernel"], comparison["expect_runs"]["kernel"][0]["results"]);
  EXPECT_EQ(comparison["expect"]["model"], comparison["expect_runs"]["model"][0]["results"]);
}

// --runs N in what people share: summary.md and report.html show every run's
// expect: results too (one row per expectation, one column per run), and
// the FAILED banner of the run that failed, though the first runs of both
// sides held. Against main's synsim of 2026-12-06 both showed the first
// run of each side only: no banner, every result PASS.
TEST_F(CompareCli, MarkdownAndHtmlShowEveryRunsExpectations) {
  const std::string stall = src("scenarios/stall/loopback-stall-2003.yaml");
  const std::string saved = saved_outcome(stall);
  const std::string broken = without_two_challenge_acks(saved, dir_ / "broken.json");
  const std::filesystem::path out = dir_ / "cmp";
  const Result r = synsim::testing::shell(std::string(SYNSIM_BINARY) + " compare " + stall +
                                          " --runs 2 --kernel-outcome " + saved + " --kernel-outcome " + broken +
                                          " --out " + out.string() + " 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string failed = "TcpExtTCPChallengeACK at least 2";

  const std::string md = read(out / "summary.md");
  const std::size_t md_banner =
      md.find("\n> **FAILED on the kernel (run 2 of 2): 1 of 6 expectations**\n> - " + failed + ": got 1");
  ASSERT_NE(md_banner, std::string::npos) << md.substr(0, 400);
  EXPECT_LT(md_banner, md.find("**Verdict: "));
  EXPECT_EQ(md.find("FAILED on the model"), std::string::npos);
  EXPECT_EQ(md.find("FAILED on the kernel (run 1"), std::string::npos);
  // The header names every run; the failed expectation's row comes first,
  // with run 2's FAIL beside the others' PASS.
  const std::size_t head = md.find("| expectation | line | model (seed 1) | model (seed 2) | kernel (run 1 of 2) | "
                                   "kernel (run 2 of 2) |");
  ASSERT_NE(head, std::string::npos) << md;
  const std::size_t row = md.find("| " + failed + " | ", head);
  ASSERT_NE(row, std::string::npos) << md;
  const std::string row_text = md.substr(row, md.find('\n', row) - row);
  EXPECT_EQ(row_text, "| " + failed + " | 41 | PASS 4 | PASS 4 | PASS 4 | **FAIL** 1 |");
  const std::size_t rule = md.find('\n', head) + 1;
  EXPECT_EQ(md.find("| --- | ---: | ---: |", rule), rule) << "a rule under the header";
  EXPECT_EQ(md.find('\n', rule) + 1, row) << "the failed row first";

  const std::string html = read(out / "report.html");
  const std::size_t banner = html.find("<section id=\"expect-failed\"");
  ASSERT_NE(banner, std::string::npos);
  EXPECT_NE(html.find("<h2>FAILED on the kernel (run 2 of 2): 1 of 6 expectations</h2>", banner), std::string::npos);
  EXPECT_LT(banner, html.find("<section id=\"expectations\""));
  EXPECT_NE(html.find("<th>kernel (run 2 of 2)</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"bad\">FAIL 1</td>"), std::string::npos);
  EXPECT_NE(html.find("<title>FAILED: "), std::string::npos);
}

TEST_F(CompareCli, ACaptureIsTheKernelSideAndItsOwnModelRunAgreesWithItFigureForFigure) {
  const std::string pcap = captured();
  const Result r = synsim("compare " + kCaptured + kCapturedSets + " --kernel-outcome " + pcap);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("verdict: AGREE (statistical: 0 misses)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("is a capture"), std::string::npos) << r.output;
  // The counters the capture deduces are the model's own (the overflows:
  // unanswered SYNs and the ignored ACKs of cookies, which no SYN-ACK
  // retransmission gives away); the cookies it cannot count are shown, not
  // judged, and never more than were sent.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(TcpExtListenOverflows +(\d+) +(\d+)  ok)"))) << r.output;
  EXPECT_GT(std::stoi(m[1]), 0) << r.output;
  EXPECT_EQ(m[1], m[2]) << r.output;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(TcpExtSyncookiesSent +(\d+) +(\d+)  not judged)")))
      << r.output;
  EXPECT_GT(std::stoi(m[1]), 0) << r.output;
  EXPECT_LE(std::stoi(m[2]), std::stoi(m[1])) << r.output;
}

TEST_F(CompareCli, ACaptureOfAnotherWorkloadDisagrees) {
  // Captured with a backlog of 128 (nothing dropped), compared with the
  // scenario at backlog 8 (tens of connect()s over a second): DISAGREE.
  const Result r =
      synsim("compare " + kCaptured + kCapturedSets + " --kernel-outcome " + captured(" --set server.backlog=128"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(connect > 1s: model (\d+) \(median of \d+\), kernel 0 )")))
      << r.output;
  EXPECT_GE(std::stoi(m[1]), 10) << r.output;
}

TEST_F(CompareCli, ACaptureIsNeverAlignedConnectionByConnectionAndABrokenOneIsBadInput) {
  const std::string pcap = captured();
  const Result r = synsim("compare " + kCaptured + kCapturedSets + " --mode connections --kernel-outcome " + pcap);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("a capture is compared statistically"), std::string::npos) << r.output;
  // Cut inside its last packet record (a record is a 16-byte header and at
  // least a 20-byte IP header): the capture reader's error, exit 2.
  const std::string whole = read(pcap);
  const std::string cut = (dir_ / "cut.pcap").string();
  std::ofstream(cut, std::ios::binary) << whole.substr(0, whole.size() - 3);
  const Result broken = synsim("compare " + kCaptured + kCapturedSets + " --kernel-outcome " + cut);
  EXPECT_EQ(broken.exit_code, 2) << broken.output;
  EXPECT_NE(broken.output.find("cut.pcap"), std::string::npos) << broken.output;
}

}  // namespace
