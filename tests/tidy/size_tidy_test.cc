// Tidy check: files and functions stay small enough to read (issue 14: no
// file over 600 lines, no function over 80). A function is counted from a
// line at column 0 that opens a body ('{' at its end, not a namespace,
// class, struct, enum or union) to the next line that is '}' alone; the
// house style puts every function definition at namespace scope that way.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFileLines = 600;
constexpr std::size_t kMaxFunctionLines = 80;

// Tables with one case per enum value and no default (style rules 5 and
// 12): splitting them would list every value twice.
const std::set<std::string> kTables = {
    "sim/report/reason_text.cc:reason_text",
    "sim/outcome/reason.cc:traits",
};

struct Long {
  std::string where;
  std::size_t lines;
};

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// The function's name: the identifier before the first '(' of its line.
std::string name_of(const std::string& line) {
  static const std::regex re(R"(([A-Za-z_][A-Za-z_0-9]*)\s*\()");
  std::smatch m;
  return std::regex_search(line, m, re) ? m[1].str() : line;
}

std::vector<Long> long_functions(const std::string& rel, const std::vector<std::string>& lines) {
  static const std::regex opener(R"(^(namespace|struct|class|enum|union|extern)\b)");
  std::vector<Long> out;
  std::size_t start = 0;
  bool in = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (!in) {
      if (!l.empty() && l.back() == '{' && !std::isspace(static_cast<unsigned char>(l[0])) && l[0] != '#' &&
          !std::regex_search(l, opener)) {
        start = i;
        in = true;
      }
    } else if (l == "}" || l == "};") {
      const std::size_t n = i - start + 1;
      const std::string key = rel + ":" + name_of(lines[start]);
      if (n > kMaxFunctionLines && kTables.count(key) == 0) {
        out.push_back({key + " (line " + std::to_string(start + 1) + ")", n});
      }
      in = false;
    }
  }
  return out;
}

std::vector<fs::path> sources() {
  std::vector<fs::path> out;
  const fs::path root = fs::path(SYNSIM_SOURCE_DIR) / "sim";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".cc" || ext == ".h")) out.push_back(e.path());
  }
  return out;
}

TEST(Tidy, NoFileOver600Lines) {
  for (const fs::path& p : sources()) {
    const std::size_t n = read_lines(p).size();
    EXPECT_LE(n, kMaxFileLines) << fs::relative(p, SYNSIM_SOURCE_DIR).string();
  }
}

TEST(Tidy, NoFunctionOver80Lines) {
  for (const fs::path& p : sources()) {
    const std::string rel = fs::relative(p, SYNSIM_SOURCE_DIR).string();
    for (const Long& f : long_functions(rel, read_lines(p))) {
      ADD_FAILURE() << f.where << ": " << f.lines << " lines (at most " << kMaxFunctionLines << ")";
    }
  }
}

// The check itself can fail: a long function is found, a short one and a
// class body are not.
TEST(Tidy, FunctionLengthCheckFindsALongFunction) {
  std::vector<std::string> lines = {"namespace x {", "struct S {", "  int a;", "};", "int f(int a) {"};
  for (int i = 0; i < 85; ++i) lines.push_back("  ++a;");
  lines.push_back("}");
  lines.push_back("void g() {");
  lines.push_back("}");
  const std::vector<Long> found = long_functions("t.cc", lines);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].where, "t.cc:f (line 5)");
  EXPECT_EQ(found[0].lines, 87u);
}

}  // namespace
