// The `synsim` program as a user meets it: exit codes, error messages,
// output files (design.md "CLI": 0 ok, 1 expectation failed, 2 bad input).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/profile/profile.h"
#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::shell;
using synsim::testing::synsim;

std::string src(const std::string& rel) { return std::string(SYNSIM_SOURCE_DIR) + "/" + rel; }

TEST(Cli, RunPrintsTheTimelineAndExitsZero) {
  const Result r = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Flags [S.]"), std::string::npos);
  EXPECT_NE(r.output.find("request kept and marked acked"), std::string::npos);
  EXPECT_NE(r.output.find("TcpExtListenOverflows"), std::string::npos);
}

TEST(Cli, MalformedScenarioGivesFileLineColAndExitTwo) {
  const Result r = synsim("run " + src("tests/malformed/unknown-key.yaml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown-key.yaml:"), std::string::npos) << r.output;
}

TEST(Cli, CheckValidatesEveryFile) {
  const Result ok = synsim("check " + src("scenarios/measured/e1-accept-at-500ms.yaml"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  const Result bad = synsim("check " + src("scenarios/measured/e1-accept-at-500ms.yaml") + " " +
                            src("tests/malformed/negative-backlog.yaml"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("negative-backlog.yaml:"), std::string::npos);
}

TEST(Cli, FailedExpectationExitsOne) {
  const Result r = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") +
                          " --format summary --set server.accept.start=1s");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL"), std::string::npos);
  EXPECT_NE(r.output.find("expectation failed: x#1 data_delivered_at"), std::string::npos);
}

TEST(Cli, SeedsPrintTheSpreadOfEveryJudgedFigure) {
  // The 2003 stall over three seeds: one row per judged figure with its min,
  // median, max and each seed's value; its expectations hold on every seed.
  const Result ok = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --seeds 3");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("3 seeds (1..3)"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("stalled > 1s"), std::string::npos) << ok.output;
  // Then the figures shown, not judged (README's table of the 2003 report):
  // the stalls over 190 ms and the longest, the same on every seed here.
  EXPECT_NE(ok.output.find("  stalled > 190ms                         4            4            4  4 4 4\n"),
            std::string::npos)
      << ok.output;
  EXPECT_NE(ok.output.find("  longest stall                      6.832s       6.832s       6.832s  6.832s 6.832s "
                           "6.832s\n"),
            std::string::npos)
      << ok.output;
  EXPECT_NE(ok.output.find("expectations failed on 0 of 3 seeds"), std::string::npos) << ok.output;
  // An expectation that fails on the seeds makes the run exit 1.
  const Result failed = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") +
                               " --seeds 2 --set server.accept.start=1s");
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("expectations failed on 2 of 2 seeds"), std::string::npos) << failed.output;
  // The spread is printed, not written: --out is refused.
  EXPECT_EQ(synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --seeds 2 --out x").exit_code, 2);
}

TEST(Cli, SeedsJsonCarriesEachSeedsExpectResults) {
  // `--seeds N --format json`: beside the spread, each seed's expect:
  // results as outcome.json holds them, in the order of "seeds".
  const Result r = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") +
                          " --seeds 2 --format json --set server.accept.start=1s 2>/dev/null");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["seeds"], nlohmann::json::parse("[1, 2]"));
  ASSERT_TRUE(j.contains("expect")) << r.output.substr(0, 400);
  ASSERT_EQ(j["expect"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const nlohmann::json& seed = j["expect"][i];
    EXPECT_EQ(seed["seed"], i + 1);
    ASSERT_FALSE(seed["results"].empty());
    bool failed = false;
    for (const nlohmann::json& e : seed["results"]) failed = failed || e["passed"] == false;
    EXPECT_TRUE(failed) << seed.dump();
    EXPECT_EQ(seed["results"].size(), 6u) << seed.dump();
  }
}

TEST(Cli, BadOptionIsAUsageErrorWithExitTwo) {
  EXPECT_EQ(synsim("run").exit_code, 2);
  EXPECT_EQ(synsim("run x.yaml --format pdf").exit_code, 2);
  EXPECT_EQ(synsim("frobnicate").exit_code, 2);
}

TEST(Cli, SetOverrideErrorPointsAtTheOverride) {
  const Result r = synsim("run " + src("scenarios/measured/e1-accept-at-500ms.yaml") + " --set server.backlog=-1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("--set:1:"), std::string::npos) << r.output;
}

TEST(Cli, OutDirHoldsTimelinePcapJsonAndScenario) {
  const auto dir = std::filesystem::temp_directory_path() / ("synsim-cli-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Result r = synsim("run " + src("scenarios/measured/e4-abort-on-overflow.yaml") + " --format summary --out " +
                          dir.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap", "scenario.yaml"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  }
  std::filesystem::remove_all(dir);
}

TEST(Cli, SameSeedGivesByteIdenticalJson) {
  const std::string args = "run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format json --seed 7";
  const Result a = synsim(args);
  const Result b = synsim(args);
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.output, b.output);
  EXPECT_NE(a.output, synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format json --seed 8").output);
}

TEST(Cli, VersionNamesTheGitRevisionItWasBuiltFrom) {
  const Result r = synsim("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_match(r.output, std::regex("synsim [0-9]+\\.[0-9]+\\.[0-9]+ "
                                                    "\\((git [0-9a-f]{12}(, modified)?|unknown revision)\\)\n")))
      << r.output;
  // Built from this checkout: its HEAD (the test runs after the build that read it).
  Result head = shell("git -C " + src("") + " rev-parse --short=12 HEAD 2>/dev/null");
  if (head.exit_code == 0 && !head.output.empty()) {
    head.output.pop_back();  // the newline
    EXPECT_NE(r.output.find("(git " + head.output), std::string::npos) << r.output << " HEAD " << head.output;
  }
}

TEST(Cli, VersionOutsideAGitCheckoutSaysUnknownRevision) {
  // The build step that reads the revision, on a source tree that is not a
  // git checkout: one in /tmp, and one inside this checkout's build
  // directory (an unpacked tarball inside another repository is not that
  // repository's revision).
  const std::filesystem::path tmp =
      std::filesystem::temp_directory_path() / ("synsim-version-" + std::to_string(::getpid()));
  for (const std::filesystem::path& tree : {tmp / "tree", std::filesystem::path(SYNSIM_BUILD_DIR) / "version-tree"}) {
    std::filesystem::create_directories(tree);
    const std::filesystem::path out = tmp / "version_info.cc";
    const Result r = shell(std::string(SYNSIM_CMAKE) + " -DSOURCE_DIR=" + tree.string() + " -DOUTPUT=" + out.string() +
                           " -DVERSION=0.1.0 -DGIT=git -P " + src("sim/cli/version_info.cmake") + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("return \"unknown revision\";"), std::string::npos) << tree << "\n" << text;
    EXPECT_NE(text.find("return \"0.1.0\";"), std::string::npos) << text;
    std::filesystem::remove_all(tree);
  }
  std::filesystem::remove_all(tmp);
}

TEST(Cli, UnknownCommandIsNamedWithTheCommandsThereAre) {
  const Result r = synsim("frobnicate x.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'; commands: run, kernel, compare, check, sweep, sweep-report, "
                          "sweep-merge, probe, explain, calibrate, kernels\n"),
            std::string::npos)
      << r.output;
  const Result none = synsim("");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.output.find("commands: run, kernel,"), std::string::npos) << none.output;
}

TEST(Cli, UnknownKernelProfileIsNamedWithTheKnownOnes) {
  const std::string scenario = src("scenarios/measured/e1-accept-at-500ms.yaml");
  const Result option = synsim("run " + scenario + " --kernel linux-9.9");
  EXPECT_EQ(option.exit_code, 2);
  // Said of --kernel, not of the `--set kernel=` override it becomes.
  EXPECT_NE(option.output.find("--kernel: unknown kernel profile 'linux-9.9'"), std::string::npos) << option.output;
  EXPECT_EQ(option.output.find("--set"), std::string::npos) << option.output;
  const Result set = synsim("run " + scenario + " --set kernel=linux-9.9");
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_NE(set.output.find("unknown kernel profile 'linux-9.9'"), std::string::npos) << set.output;
  for (const synsim::profile::Profile& p : synsim::profile::profiles()) {
    EXPECT_NE(option.output.find(p.name), std::string::npos) << p.name << "\n" << option.output;
    EXPECT_NE(set.output.find(p.name), std::string::npos) << p.name << "\n" << set.output;
  }
}

TEST(Cli, HelpListsTheKnownProfilesAndEveryCommandsExitCodes) {
  for (const char* command : {"run", "kernel"}) {
    const Result help = synsim(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << help.output;
    for (const synsim::profile::Profile& p : synsim::profile::profiles()) {
      EXPECT_NE(help.output.find(p.name), std::string::npos) << command << " --help lacks " << p.name;
    }
  }
  // Under --kernel itself, not only somewhere in the page.
  const Result run = synsim("run --help");
  const std::size_t kernel = run.output.find("--kernel");
  ASSERT_NE(kernel, std::string::npos);
  EXPECT_NE(run.output.substr(kernel, run.output.find('\n', kernel) - kernel).find("linux-2.5.66"), std::string::npos)
      << run.output;
  for (const char* command : {"", "run", "kernel", "compare", "check", "sweep", "sweep-report", "probe", "calibrate", "kernels"}) {
    const Result help = synsim(std::string(command) + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.output.find("Exit codes:\n  0 "), std::string::npos) << command << "\n" << help.output;
    EXPECT_NE(help.output.find("\n  2    bad "), std::string::npos) << command << "\n" << help.output;
    EXPECT_NE(help.output.find("\n  3    "), std::string::npos) << command << "\n" << help.output;
  }
}

TEST(Cli, KernelsListsEveryProfileWithItsDefaults) {
  const Result r = synsim("kernels");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const synsim::profile::Profile& p : synsim::profile::profiles()) {
    EXPECT_NE(r.output.find("\n" + std::string(p.name) + " "), std::string::npos) << p.name << "\n" << r.output;
  }
  EXPECT_NE(r.output.find("somaxconn"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("tcp_max_syn_backlog"), std::string::npos) << r.output;
}

TEST(Cli, KernelsDiffPrintsEachDifferingRuleAndDefaultWithItsCitation) {
  const Result r = synsim("kernels diff linux-4.18 linux-6.18");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"rule syn_queue_full_test", "qlen_ge_backlog", "qlen_gt_backlog", "3479c7549fb1",
                        "rule challenge_ack", "79e3602caa6f", "rule timeouts_counter", "default net.core.somaxconn",
                        "4.18.0 include/linux/socket.h: SOMAXCONN 128"}) {
    EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
  }
  // A rule both take alike is not printed.
  EXPECT_EQ(r.output.find("rule synack_timer"), std::string::npos) << r.output;
  // An alias against its upstream: the backports.
  const Result rhel = synsim("kernels diff linux-3.10 rhel-7");
  EXPECT_EQ(rhel.exit_code, 0) << rhel.output;
  EXPECT_NE(rhel.output.find("rule challenge_ack"), std::string::npos) << rhel.output;
  EXPECT_NE(rhel.output.find("default net.ipv4.tcp_challenge_ack_limit"), std::string::npos) << rhel.output;
}

TEST(Cli, KernelsDiffRefusesAnUnknownProfileWithExitTwo) {
  const Result r = synsim("kernels diff linux-4.18 linux-9.9");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown kernel profile 'linux-9.9'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("linux-3.10"), std::string::npos) << r.output;
  EXPECT_EQ(synsim("kernels differ a b").exit_code, 2);
}

TEST(Cli, SweepTakesTheKernelProfileAsAGridAxis) {
  // One run per profile, each line naming its profile; the 2003 stall's
  // x#1 waits longer on 6.18 (its TLP and wheel) than on 2.5.66.
  const Result r = synsim("sweep " + src("scenarios/stall/loopback-stall-2003.yaml") +
                          " --grid kernel=linux-6.18,linux-2.5.66");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '{') lines.push_back(nlohmann::json::parse(line));
  }
  ASSERT_EQ(lines.size(), 2u) << r.output;
  EXPECT_EQ(lines[0]["params"]["kernel"], "linux-6.18");
  EXPECT_EQ(lines[1]["params"]["kernel"], "linux-2.5.66");
  EXPECT_GT(lines[0]["summary"]["stall_max_ns"].get<std::int64_t>(),
            lines[1]["summary"]["stall_max_ns"].get<std::int64_t>());
}

TEST(Cli, NumbersReadTheSameOnTheCommandLineAsInSet) {
  const std::string run = "run " + src("scenarios/measured/e1-accept-at-500ms.yaml");
  // Refused as --set refuses it (CLI11 alone took it as 18446744073709551615).
  const Result option = synsim(run + " --seed -1 --format summary");
  const Result set = synsim(run + " --set seed=-1 --format summary");
  EXPECT_EQ(option.exit_code, 2) << option.output;
  EXPECT_EQ(set.exit_code, 2) << set.output;
  const std::string why = "expected a non-negative integer, got '-1'";
  EXPECT_NE(option.output.find("--seed: " + why), std::string::npos) << option.output;
  EXPECT_NE(set.output.find(why), std::string::npos) << set.output;
  EXPECT_EQ(synsim(run + " --seed 99999999999999999999").exit_code, 2);
  // Accepted as --set accepts it: `_` between digits.
  const Result grouped = synsim(run + " --seed 1_000 --format json");
  EXPECT_EQ(grouped.exit_code, 0) << grouped.output;
  EXPECT_EQ(grouped.output, synsim(run + " --set seed=1000 --format json").output);
  // Every integer option, not only --seed.
  const std::vector<std::string> others = {
      run + " --seeds -1",
      "sweep " + src("scenarios/measured/e1-accept-at-500ms.yaml") + " --grid server.backlog=1 --jobs -1",
      "probe wakeup --samples -1"};
  for (const std::string& args : others) {
    const Result r = synsim(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << args << "\n" << r.output;
  }
}

TEST(Cli, CheckTakesSetLikeRun) {
  const std::string check = "check " + src("scenarios/measured/e1-accept-at-500ms.yaml");
  const Result ok = synsim(check + " --set server.backlog=4");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("e1-accept-at-500ms.yaml: ok"), std::string::npos) << ok.output;
  const Result bad = synsim(check + " --set server.backlog=-1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--set:1:16: server.backlog must be >= 0, got -1"), std::string::npos) << bad.output;
}

// A file under a fresh temporary directory with `bytes` in it.
class CliFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("synsim-cli-files-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

// The first byte a terminal could act on (C0 but newline and tab, DEL), or -1.
int first_control_byte(const std::string& text) {
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f) return b;
  }
  return -1;
}

TEST_F(CliFiles, BinaryInputIsNotAYamlTextFile) {
  std::string random;
  std::uint64_t x = 20261205;  // a fixed LCG stream: the same "random bytes" every run
  for (int i = 0; i < 4096; ++i) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    random.push_back(static_cast<char>(x >> 56));
  }
  const std::string gzip = file("scenario.yaml.gz", "");
  EXPECT_EQ(shell("gzip -c " + src("scenarios/stall/loopback-stall-2003.yaml") + " > " + gzip).exit_code, 0);
  const std::pair<std::string, std::string> cases[] = {
      {SYNSIM_BINARY, "(an ELF executable or object file)"},
      {gzip, "(gzip-compressed data)"},
      {file("random.yaml", random), "(non-UTF-8 byte 0x"},
      {file("latin1.yaml", "name: caf\xe9\n"), "(non-UTF-8 byte 0xe9 at line 1, column 10)"},
      {file("escape.yaml", "name: a\x1b[31mb\n"), "(control byte 0x1b at line 1, column 8)"},
  };
  for (const auto& [path, why] : cases) {
    for (const char* command : {"run ", "check "}) {
      const Result r = synsim(command + path);
      EXPECT_EQ(r.exit_code, 2) << path;
      // One line, said before any YAML parsing (no "not valid YAML: ...").
      EXPECT_NE(r.output.find(path + ": not a YAML text file " + why), std::string::npos) << r.output;
      EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
      EXPECT_EQ(first_control_byte(r.output), -1) << r.output;
    }
  }
}

TEST_F(CliFiles, NoControlByteReachesTheTerminal) {
  // A control character YAML lets through its escapes, quoted in an error.
  const Result quoted = synsim("check " + file("quoted.yaml", "name: \"bad\\e[31mname\"\n"));
  EXPECT_EQ(quoted.exit_code, 2);
  EXPECT_NE(quoted.output.find("got 'bad\\x1b[31mname'"), std::string::npos) << quoted.output;
  // In a file name, in an option's value, and a C1 control (U+009B, CSI).
  const Result name = synsim("run \"$(printf 'x\\033]0;title\\007.yaml')\"");
  EXPECT_NE(name.output.find("x\\x1b]0;title\\x07.yaml: cannot read"), std::string::npos) << name.output;
  const Result option = synsim("run x.yaml --format \"$(printf '\\033[2J\\302\\233')\"");
  EXPECT_NE(option.output.find("\\x1b[2J\\xc2\\x9b"), std::string::npos) << option.output;
  for (const Result& r : {quoted, name, option}) {
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(first_control_byte(r.output), -1) << r.output;
    EXPECT_EQ(r.output.find("\xc2\x9b"), std::string::npos) << r.output;
  }
  // UTF-8 text passes as it is.
  const Result accent = synsim("check " + file("accent.yaml", "name: caf\xc3\xa9\n"));
  EXPECT_NE(accent.output.find("got 'caf\xc3\xa9'"), std::string::npos) << accent.output;
}

// A heat map shows latency as users see it unless asked otherwise.
TEST_F(CliFiles, SweepHeatMapShowsSlowConnectionsByDefault) {
  const std::string page = (dir_ / "sweep.html").string();
  const Result r = synsim("sweep " + src("scenarios/measured/e1-accept-at-500ms.yaml") +
                          " --grid server.backlog=1,2 --html " + page + " --out " + (dir_ / "runs.jsonl").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("fraction of connections taking &gt; 1 s"), std::string::npos) << html.substr(0, 2000);
}

TEST_F(CliFiles, SweepReportGivesOneErrorPerFile) {
  // A pretty-printed JSON document (an outcome.json): one error, not one per line.
  const Result json = synsim("run " + src("scenarios/measured/e1-accept-at-500ms.yaml") + " --format json");
  ASSERT_EQ(json.exit_code, 0);
  ASSERT_GT(std::count(json.output.begin(), json.output.end(), '\n'), 100);
  const std::string pretty = file("outcome.json", json.output);
  const std::string lines = file("bad.jsonl", "not json\nnot json either\n{}\n");
  const Result r = synsim("sweep-report " + pretty + " " + lines + " --html " + (dir_ / "page.html").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 2) << r.output;
  EXPECT_NE(r.output.find(pretty + ": one JSON document over several lines, not JSON lines"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(lines + ":1: not valid JSON"), std::string::npos) << r.output;
}

TEST_F(CliFiles, RunOutDirHoldsEveryFormat) {
  // The files compare --out writes for a side and beside them, each the
  // bytes its --format prints (kernel --out writes them the same way).
  const std::string run = "run " + src("scenarios/stall/loopback-stall-2003.yaml");
  const std::filesystem::path out = dir_ / "out";
  const Result r = synsim(run + " --format summary --out " + out.string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(out)) names.insert(entry.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{".synsim-out", "capture.pcap", "outcome.json", "report.html",
                                          "scenario.yaml", "summary.md", "summary.txt", "timeline.txt",
                                          "trace.json"}));
  const std::pair<const char*, const char*> formats[] = {
      {"timeline.txt", "tcpdump"}, {"summary.txt", "summary"}, {"outcome.json", "json"},
      {"trace.json", "perfetto"},  {"report.html", "html"},    {"summary.md", "markdown"},
  };
  for (const auto& [name, format] : formats) {
    std::ifstream in(out / name, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Result printed = synsim(run + " --format " + format);
    EXPECT_EQ(printed.exit_code, 0) << format;
    // (The text formats are followed on stdout by the expect: results.)
    EXPECT_TRUE(printed.output.rfind(bytes, 0) == 0) << name << " is not what --format " << format << " prints";
  }
}

// --- expect: results in every output ---------------------------------------

// The 2003 stall's shape (on linux-6.18 the server retransmits its SYN-ACKs)
// with two hypotheses: the overflows, which hold, and `second`.
std::string two_expectations(const std::string& second) {
  return "name: two-expectations\n"
         "description: one hypothesis that holds and one given as an argument\n"
         "kernel: linux-6.18\n"
         "seed: 1\n"
         "duration: 20s\n"
         "server:\n"
         "  listen: 127.0.0.1:9100\n"
         "  backlog: 2\n"
         "  accept: {start: 4s}\n"
         "  on_data: {respond_bytes: 5, close: after_response}\n"
         "clients:\n"
         "  - {name: pre, count: 2, start: 0s, close: never}\n"
         "  - {name: x, count: 4, start: 20ms, defer_final_ack: true, send: {bytes: 5, at: 80ms}, close: after_response}\n"
         "expect:\n"
         "  counters:\n"
         "    TcpExtListenOverflows: {at_least: 3}\n"
         "    " + second + "\n";
}
// Line 17: where `second` is stated.
constexpr int kSecondLine = 17;

// stdout alone (stderr says "expectation failed" on its own).
Result run_stdout(const std::string& args) { return shell(std::string(SYNSIM_BINARY) + " run " + args + " 2>/dev/null"); }

TEST_F(CliFiles, AFailedExpectationIsNamedInEveryFormatUnderABanner) {
  const std::string scenario = file("failing.yaml", two_expectations("TcpExtTCPSynRetrans: {at_most: 0}"));
  const std::string failed = "TcpExtTCPSynRetrans at most 0: got ";
  const std::string banner = "FAILED: 1 of 2 expectations";

  const Result json = run_stdout(scenario + " --format json");
  EXPECT_EQ(json.exit_code, 1);
  const nlohmann::json j = nlohmann::json::parse(json.output);
  ASSERT_TRUE(j.contains("expect")) << json.output.substr(0, 400);
  ASSERT_EQ(j["expect"].size(), 2u);
  EXPECT_EQ(j["expect"][0]["subject"], "TcpExtListenOverflows");
  EXPECT_EQ(j["expect"][0]["passed"], true);
  EXPECT_EQ(j["expect"][1]["kind"], "counter");
  EXPECT_EQ(j["expect"][1]["subject"], "TcpExtTCPSynRetrans");
  EXPECT_EQ(j["expect"][1]["bound"], "at_most");
  EXPECT_EQ(j["expect"][1]["expected"], 0);
  EXPECT_GT(j["expect"][1]["actual"].get<int>(), 0);
  EXPECT_EQ(j["expect"][1]["passed"], false);
  EXPECT_EQ(j["expect"][1]["line"], kSecondLine);

  // The text reports open with the banner (the timeline's text after it).
  for (const char* format : {"summary", "text"}) {
    const Result r = run_stdout(scenario + " --format " + format);
    EXPECT_EQ(r.exit_code, 1) << format;
    EXPECT_EQ(r.output.rfind(banner + "\n  " + failed, 0), 0u) << format << ":\n" << r.output.substr(0, 400);
    EXPECT_NE(r.output.find("\nFAIL  " + failed), std::string::npos) << format;
    EXPECT_NE(r.output.find("\nPASS  TcpExtListenOverflows at least 3: got "), std::string::npos) << format;
  }
  const Result md = run_stdout(scenario + " --format markdown");
  EXPECT_EQ(md.exit_code, 1);
  EXPECT_EQ(md.output.rfind("## synsim: two-expectations\n\n> **" + banner + "**\n> - " + failed, 0), 0u)
      << md.output.substr(0, 400);
  const Result html = run_stdout(scenario + " --format html");
  EXPECT_EQ(html.exit_code, 1);
  EXPECT_NE(html.output.find("<title>FAILED: synsim: two-expectations</title>"), std::string::npos);
  const std::size_t headline = html.output.find("<h2>" + banner + "</h2>");
  EXPECT_LT(headline, html.output.find("<section id=\"verdict\">"));
  EXPECT_LT(headline, html.output.find("<li>" + failed));

  // And stderr still says it, with exit 1.
  const Result both = synsim("run " + scenario + " --format html");
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.output.find("expectation failed: " + failed), std::string::npos);
}

TEST_F(CliFiles, TheTextReportSaysFailedOnceAboveItsTimeline) {
  // --format text is the timeline and the summary: one banner, at the top
  // (the summary under the timeline does not repeat it), and every result
  // at the end.
  const std::string scenario = file("failing.yaml", two_expectations("TcpExtTCPSynRetrans: {at_most: 0}"));
  const Result r = run_stdout(scenario + " --format text");
  EXPECT_EQ(r.exit_code, 1);
  const std::string banner = "FAILED: 1 of 2 expectations\n";
  EXPECT_EQ(r.output.rfind(banner, 0), 0u) << r.output.substr(0, 400);
  EXPECT_EQ(r.output.find(banner, 1), std::string::npos) << "the banner is printed twice";
  EXPECT_NE(r.output.find("\nexpectations: 1 of 2 held\nFAIL  TcpExtTCPSynRetrans at most 0: got "), std::string::npos);
  // The summary alone still opens with it.
  EXPECT_EQ(run_stdout(scenario + " --format summary").output.rfind(banner, 0), 0u);
}

TEST_F(CliFiles, NoBannerWhenEveryExpectationHolds) {
  const std::string scenario = file("holding.yaml", two_expectations("TcpExtTCPSynRetrans: {at_least: 1}"));
  for (const char* format : {"json", "summary", "text", "markdown", "html"}) {
    const Result r = synsim("run " + scenario + " --format " + format);
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.output;
    EXPECT_EQ(r.output.find("FAIL"), std::string::npos) << format;
    EXPECT_NE(r.output.find("TcpExtTCPSynRetrans"), std::string::npos) << format;
  }
  const nlohmann::json j = nlohmann::json::parse(synsim("run " + scenario + " --format json").output);
  ASSERT_EQ(j["expect"].size(), 2u);
  EXPECT_EQ(j["expect"][1]["passed"], true);
  EXPECT_NE(synsim("run " + scenario + " --format summary").output.find("\nexpectations: 2 of 2 held\nPASS  "),
            std::string::npos);
}

TEST_F(CliFiles, OutDirOfAFailedRunHoldsEveryFileAndEachCarriesTheFailure) {
  const std::string scenario = file("failing.yaml", two_expectations("TcpExtTCPSynRetrans: {at_most: 0}"));
  const std::filesystem::path out = dir_ / "out";
  const Result r = synsim("run " + scenario + " --format summary --out " + out.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  for (const char* f : {"timeline.txt", "summary.txt", "outcome.json", "capture.pcap", "trace.json", "report.html",
                        "summary.md", "scenario.yaml"}) {
    EXPECT_TRUE(std::filesystem::exists(out / f)) << f;
  }
  auto read = [&](const char* name) {
    std::ifstream in(out / name, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  const nlohmann::json j = nlohmann::json::parse(read("outcome.json"));
  ASSERT_TRUE(j.contains("expect"));
  ASSERT_EQ(j["expect"].size(), 2u);
  EXPECT_EQ(j["expect"][1]["passed"], false);
  EXPECT_EQ(read("summary.txt").rfind("FAILED: 1 of 2 expectations\n", 0), 0u);
  EXPECT_NE(read("summary.md").find("> **FAILED: 1 of 2 expectations**"), std::string::npos);
  EXPECT_NE(read("report.html").find("<h2>FAILED: 1 of 2 expectations</h2>"), std::string::npos);
  // Each file is what its --format prints.
  const std::pair<const char*, const char*> formats[] = {
      {"summary.txt", "summary"}, {"outcome.json", "json"}, {"report.html", "html"}, {"summary.md", "markdown"}};
  for (const auto& [name, format] : formats) {
    EXPECT_EQ(read(name), run_stdout(scenario + " --format " + format).output) << name;
  }
}

TEST_F(CliFiles, SummaryIsTheSameBytesWithAndWithoutOut) {
  // No expectation names a connection, so --format summary alone could run
  // lighter (summary detail); what it prints is still what --out's
  // summary.txt holds, and what --format summary prints beside --out.
  const std::string scenario = file("holding.yaml", two_expectations("TcpExtTCPSynRetrans: {at_least: 1}"));
  const Result alone = run_stdout(scenario + " --format summary");
  EXPECT_EQ(alone.exit_code, 0) << alone.output;
  const std::filesystem::path out = dir_ / "out";
  const Result with_out = run_stdout(scenario + " --format summary --out " + out.string());
  EXPECT_EQ(with_out.exit_code, 0) << with_out.output;
  std::ifstream in(out / "summary.txt", std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, alone.output);
  EXPECT_EQ(with_out.output, alone.output);
}

// --- compare's exit code and expectations --------------------------------------

// `compare` against a saved run of the model (--kernel-outcome): the two
// sides agree, so only the expectations decide.
Result compare_with_saved_run(const std::string& scenario, const std::filesystem::path& dir) {
  shell(std::string(SYNSIM_BINARY) + " run " + scenario + " --format summary --out " + dir.string() +
        " >/dev/null 2>&1");
  return synsim("compare " + scenario + " --kernel-outcome " + (dir / "outcome.json").string());
}

TEST_F(CliFiles, CompareExitsOneWhenAnExpectationFailsOnEitherSide) {
  const std::string failing = file("failing.yaml", two_expectations("TcpExtTCPSynRetrans: {at_most: 0}"));
  const Result r = compare_with_saved_run(failing, dir_ / "saved-failing");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("verdict: AGREE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nexpectations on the model\nFAIL  TcpExtTCPSynRetrans at most 0: got "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("expectation failed on the model: TcpExtTCPSynRetrans at most 0: got "), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("expectation failed on the kernel: TcpExtTCPSynRetrans at most 0: got "), std::string::npos)
      << r.output;
  // Agreement with every expectation held: 0.
  const std::string holding = file("holding.yaml", two_expectations("TcpExtTCPSynRetrans: {at_least: 1}"));
  const Result ok = compare_with_saved_run(holding, dir_ / "saved-holding");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

// --- run --format netstat ----------------------------------------------------

// The 2003 report's reading, from the command line: at 2 s x#1's client
// holds its 5-byte request in Send-Q while its server side is a request
// sock with Recv-Q 0, and the listener's Recv-Q is its full accept queue.
TEST(CliNetstat, PrintsWhatNetstatWouldDuringTheStall) {
  const Result r = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format netstat --at 2s");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("# loopback-stall-2003 on linux-6.18 (model), seed 1: netstat -tan at 2.000000 s\n"
                           "Active Internet connections (servers and established)\n"
                           "Proto Recv-Q Send-Q Local Address           Foreign Address         State       Connection\n"
                           "tcp        3      0 127.0.0.1:9100          0.0.0.0:*               LISTEN      listener\n",
                           0),
            0u)
      << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex("\ntcp        0      5 127\\.0\\.0\\.1:[0-9]+ +127\\.0\\.0\\.1:9100 +ESTABLISHED x#1 client\n"
                           "tcp        0      0 127\\.0\\.0\\.1:9100 +127\\.0\\.0\\.1:[0-9]+ +SYN_RECV    x#1 server\n")))
      << r.output;
}

TEST(CliNetstat, DefaultsToTheEndOfTheRunAndIsTheSameBytesForTheSameSeed) {
  const std::string run = "run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format netstat";
  const Result a = synsim(run);
  EXPECT_EQ(a.exit_code, 0) << a.output;
  EXPECT_NE(a.output.find("netstat -tan at 20.000000 s"), std::string::npos) << a.output;
  // The server closed first: its side of x#1 waits in TIME_WAIT, its client is gone.
  EXPECT_TRUE(std::regex_search(a.output, std::regex("\ntcp        0      0 127\\.0\\.0\\.1:9100 +127\\.0\\.0\\.1:[0-9]+ "
                                                     "+TIME_WAIT   x#1 server\n")))
      << a.output;
  EXPECT_EQ(a.output.find("x#1 client"), std::string::npos) << a.output;
  EXPECT_EQ(synsim(run).output, a.output);
  EXPECT_EQ(synsim(run + " --at 20s").output, a.output);
}

TEST(CliNetstat, ABadAtIsABadInputNamingIt) {
  const std::string run = "run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format netstat";
  const std::pair<const char*, const char*> cases[] = {
      {" --at=-1s", "--at: duration must not be negative: '-1s'"},
      {" --at 21s", "--at 21s: after the run's end (loopback-stall-2003 lasts 20s)"},
      {" --at soon", "--at: not a duration: 'soon'"},
      {" --at 2", "--at: duration needs a unit (ns, us, ms, s): '2'"},
  };
  for (const auto& [args, said] : cases) {
    const Result r = synsim(run + args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.output;
    EXPECT_NE(r.output.find(said), std::string::npos) << args << ": " << r.output;
  }
  const Result other = synsim("run " + src("scenarios/stall/loopback-stall-2003.yaml") + " --format json --at 2s");
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("--at 2s: only with --format netstat"), std::string::npos) << other.output;
}

}  // namespace
