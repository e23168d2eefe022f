// Every input under tests/fuzz/regressions/TARGET/ is replayed through the
// fuzz target TARGET (targets.h), the same entry function libFuzzer ran when
// it found it. An input that crashed once must now be handled: returned
// normally, with no sanitizer report (the suite also runs under ASan/UBSan,
// scripts/test-sanitized). Add a case by adding a file; see README.md
// "Reliability". Below them, hostile scenarios too large to keep as files
// in tests/malformed/, generated here.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/load.h"
#include "tests/fuzz/targets.h"

namespace synsim::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(SYNSIM_SOURCE_DIR) / "tests" / "fuzz" / "regressions";

// "TARGET/FILE" for every regular file, sorted.
std::vector<std::string> regression_inputs() {
  std::vector<std::string> out;
  for (const Target& t : targets()) {
    const fs::path dir = kRegressions / t.name;
    if (!fs::is_directory(dir)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().filename() != "README.md") {
        out.push_back(std::string(t.name) + "/" + e.path().filename().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class FuzzRegression : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzRegression, ReplaysWithoutFailing) {
  const std::string& input = GetParam();
  const std::string target_name = input.substr(0, input.find('/'));
  const auto t = std::find_if(targets().begin(), targets().end(),
                              [&](const Target& x) { return x.name == target_name; });
  ASSERT_NE(t, targets().end());
  const std::string bytes = read_bytes(kRegressions / input);
  t->run(bytes);  // a broken property aborts; a sanitizer report fails the run
}

INSTANTIATE_TEST_SUITE_P(Inputs, FuzzRegression, ::testing::ValuesIn(regression_inputs()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                             (c >= '0' && c <= '9');
                             if (!ok) c = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FuzzRegression);

// Hostile inputs too large to keep as files in tests/malformed/.

// A 16 MiB file of one flow sequence is 8 million YAML nodes: building
// yaml-cpp's tree for it took 3.9 GB and 36 s. The loader counts nodes with
// the event parser first and stops at the limit.
TEST(HostileScenario, SixteenMebibytesOfNodesAreRefusedBeforeATreeIsBuilt) {
  std::string text = "name: huge\ndescription: d\nduration: 1s\nclients: [";
  text.reserve(16 << 20);
  while (text.size() < (16 << 20) - 2) text += "1,";
  text += "1]\n";
  const scenario::LoadResult r = scenario::load_string(text, "huge.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("scenario too large"), std::string::npos) << r.errors[0].str();
  EXPECT_EQ(r.errors[0].where.line, 4);
}

TEST(HostileScenario, AHugeSetValueIsRefusedAtItsOverride) {
  std::string value = "[";
  while (value.size() < 400000) value += "1,";
  value += "1]";
  const scenario::LoadResult r = scenario::load_string("name: v\ndescription: d\nduration: 1s\n", "v.yaml",
                                                       {"seed=1", "server.backlog=" + value});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), "--set:2:16: VALUE too large (more than 100000 YAML nodes)");
}

TEST(HostileScenario, ThirtyThousandSysctlKeysAreEachReportedAndTheirDuplicateFound) {
  // Each is an unknown sysctl. Duplicate detection used to compare every
  // pair of keys of a mapping (1.9 s for this file, more at the node limit);
  // it is a hash lookup now.
  std::string text = "name: k\ndescription: d\nduration: 1s\nsysctl:\n";
  for (int i = 0; i < 30000; ++i) text += "  net.k" + std::to_string(i) + ": 1\n";
  text += "  net.k7: 1\n";
  const scenario::LoadResult r = scenario::load_string(text, "k.yaml");
  ASSERT_EQ(r.errors.size(), 30001u);
  EXPECT_NE(r.errors.back().message.find("duplicate key 'net.k7' in sysctl (first at 12:3)"), std::string::npos)
      << r.errors.back().str();
}

}  // namespace
}  // namespace synsim::fuzz
