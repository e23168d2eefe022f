// The malformed corpus: every file in tests/malformed/ is a scenario with
// known mistakes. Its first lines say which errors it must produce:
//
//   # expect: LINE:COL: substring of the message
//
// one line per error, in the order they are reported (file order). The test
// checks that the loader reports exactly those errors: same count, exact
// locations, messages containing the substrings. Add a case by adding a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/scenario/load.h"

namespace synsim::scenario {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(SYNSIM_SOURCE_DIR) / "tests" / "malformed";

struct Expected {
  int line = 0;
  int column = 0;
  std::string substring;
};

std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(kCorpus)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The leading `# expect: L:C: text` lines of a corpus file.
std::vector<Expected> read_expectations(const fs::path& path) {
  std::vector<Expected> out;
  std::ifstream in(path);
  std::string line;
  const std::string tag = "# expect: ";
  while (std::getline(in, line) && line.starts_with(tag)) {
    Expected e;
    const std::string rest = line.substr(tag.size());
    const std::size_t first = rest.find(':');
    const std::size_t second = rest.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) break;
    e.line = std::stoi(rest.substr(0, first));
    e.column = std::stoi(rest.substr(first + 1, second - first - 1));
    e.substring = rest.substr(second + 1);
    if (e.substring.starts_with(" ")) e.substring.erase(0, 1);
    out.push_back(e);
  }
  return out;
}

class MalformedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedScenario, ReportsExactlyTheExpectedErrors) {
  const fs::path path = kCorpus / GetParam();
  const std::vector<Expected> expected = read_expectations(path);
  ASSERT_FALSE(expected.empty()) << path << " has no leading '# expect: LINE:COL: message' line";

  const LoadResult result = load_file(path.string());
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.scenario.has_value());

  std::string all;
  for (const Diagnostic& d : result.errors) all += "  " + d.str() + "\n";
  ASSERT_EQ(result.errors.size(), expected.size()) << "reported:\n" << all;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Diagnostic& d = result.errors[i];
    EXPECT_EQ(d.where.file, path.string());
    EXPECT_EQ(d.where.line, expected[i].line) << d.str();
    EXPECT_EQ(d.where.column, expected[i].column) << d.str();
    EXPECT_NE(d.message.find(expected[i].substring), std::string::npos)
        << "expected message containing '" << expected[i].substring << "', got: " << d.str();
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedScenario, ::testing::ValuesIn(corpus_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = fs::path(info.param).stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(MalformedCorpus, CoversTheRequiredCases) {
  const std::vector<std::string> files = corpus_files();
  for (const char* required :
       {"unknown-key.yaml", "wrong-type.yaml", "missing-unit.yaml", "bad-sysctl-name.yaml",
        "negative-backlog.yaml", "duplicate-client-name.yaml", "duplicate-key.yaml", "empty.yaml",
        "not-yaml.yaml", "missing-required.yaml", "sysctl-out-of-range.yaml", "unknown-profile.yaml",
        "two-errors.yaml"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), required), files.end()) << "missing " << required;
  }
}

}  // namespace
}  // namespace synsim::scenario
