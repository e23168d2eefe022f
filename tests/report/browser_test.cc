// The HTML report in a real browser: headless Chromium loads the report of
// the 2003 scenario, and the drawn elements must be in its DOM; a screenshot
// at 1400 px must come out as a PNG (left at /tmp/synsim-report.png for a
// person to look at).
//
// Needs Debian's chromium (scripts/install-browser); skips without it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/compare/compare.h"
#include "sim/model/run.h"
#include "sim/report/html.h"
#include "sim/scenario/load.h"

namespace synsim::report {
namespace {

namespace fs = std::filesystem;

std::string find_browser() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::string cmd = std::string("command -v ") + name + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) continue;
    std::array<char, 512> buf{};
    std::string out;
    while (fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
    pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    if (!out.empty()) return out;
  }
  return "";
}

struct Command {
  int status = -1;
  std::string out;
};

Command run_command(const std::string& command) {
  Command r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 65536> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  r.status = pclose(p);
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = find_browser();
    if (browser_.empty()) {
      GTEST_SKIP() << "chromium is not installed: run scripts/install-browser (as root it installs Debian's "
                      "chromium; otherwise it prints the apt-get command)";
    }
    char tmpl[] = "/tmp/synsim-browser-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  // Flags for a quiet, offline, sandbox-free headless run with its own profile.
  std::string chromium(const std::string& extra) const {
    return "timeout 45 " + quote(browser_) +
           " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
           " --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars"
           " --user-data-dir=" + quote((dir_ / "profile").string()) + " " + extra;
  }

  // Writes the report, keeps a copy at /tmp/NAME.html and returns the DOM
  // Chromium builds from it; the screenshot goes to /tmp/NAME.png.
  std::string load(const std::string& html_text, const std::string& name) {
    const fs::path html = dir_ / "report.html";
    {
      std::ofstream out(html, std::ios::binary);
      out << html_text;
    }
    std::error_code ec;
    fs::copy_file(html, fs::temp_directory_path() / (name + ".html"), fs::copy_options::overwrite_existing, ec);

    Command dom = run_command(chromium("--dump-dom " + quote("file://" + html.string()) + " 2>/dev/null"));
    EXPECT_EQ(dom.status, 0) << dom.out.substr(0, 2000);

    const fs::path png = fs::temp_directory_path() / (name + ".png");
    fs::remove(png, ec);
    Command shot = run_command(chromium("--screenshot=" + quote(png.string()) + " --window-size=1400,2000 " +
                                        quote("file://" + html.string()) + " 2>&1"));
    EXPECT_EQ(shot.status, 0) << shot.out.substr(0, 2000);
    const std::string bytes = read_file(png);
    EXPECT_GT(bytes.size(), 10'000u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    return dom.out;
  }

  static outcome::Outcome run_model(const std::string& path, const std::vector<std::string>& overrides = {}) {
    auto loaded = scenario::load_file(path, overrides);
    EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().str());
    if (!loaded.ok()) return {};
    return model::run(*loaded.scenario);
  }

  std::string browser_;
  fs::path dir_;
};

const std::string kScenario = std::string(SYNSIM_SOURCE_DIR) + "/scenarios/stall/loopback-stall-2003.yaml";

TEST_F(Browser, ReportOfThe2003StallDrawsItsLanesQueuesAndTables) {
  const outcome::Outcome model = run_model(kScenario);
  ASSERT_EQ(model.connections.size(), 6u);
  HtmlReport report{&model, nullptr, nullptr, read_file(kScenario), ""};
  const std::string dom = load(render_html(report), "synsim-report");

  EXPECT_EQ(count(dom, "<g class=\"lane\""), model.connections.size());
  EXPECT_EQ(count(dom, "<g class=\"queue-plot\""), 1u);
  EXPECT_EQ(count(dom, "<path class=\"q-accept\""), 1u);
  EXPECT_EQ(count(dom, "<path class=\"q-syn\""), 1u);
  EXPECT_EQ(count(dom, "<line class=\"q-limit\""), 1u);
  EXPECT_EQ(count(dom, "<tr class=\"counter\">"), model.counters.size());
  EXPECT_EQ(count(dom, "<g class=\"pk "), model.packets.size());
  EXPECT_GE(count(dom, " dropped\">"), 10u);
  EXPECT_EQ(count(dom, "<details class=\"explanation\""), 4u);
  EXPECT_NE(dom.find("TCP_DEFER_ACCEPT"), std::string::npos);
}

// Two sides on one axis. There is no kernel run in a unit test, so the
// "kernel" side is the model on the linux-2.5.66 profile, relabelled: it
// differs from linux-6.18 enough to fill every disagreement display.
TEST_F(Browser, ComparisonReportDrawsBothSidesAndTheVerdict) {
  const outcome::Outcome model = run_model(kScenario);
  outcome::Outcome other = run_model(kScenario, {"kernel=linux-2.5.66"});
  ASSERT_EQ(other.connections.size(), 6u);
  other.info.source = "kernel";
  const compare::Comparison c = compare::compare(model, other);
  HtmlReport report{&model, &other, &c, read_file(kScenario), "synsim compare: loopback-stall-2003 (layout test)"};
  const std::string dom = load(render_html(report), "synsim-report-compare");

  EXPECT_EQ(count(dom, "<g class=\"lane\""), 12u);
  EXPECT_EQ(count(dom, "<g class=\"lane\" data-side=\"kernel\""), 6u);
  EXPECT_EQ(count(dom, "<g class=\"queue-plot\""), 2u);
  EXPECT_EQ(count(dom, "<tr class=\"counter\">"), c.counters.size());
  EXPECT_NE(dom.find(c.agree() ? "AGREE</span>" : "DISAGREE</span>"), std::string::npos);
}

}  // namespace
}  // namespace synsim::report
