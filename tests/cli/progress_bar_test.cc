// Progress off a terminal: a record line every interval, none for quick
// work; on a terminal, the bar redrawn in place.
#include "sim/cli/progress_bar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

namespace synsim::cli {
namespace {

using Style = ProgressBar::Style;
using std::chrono::milliseconds;

TEST(ProgressRecords, ALineAtEachIntervalAndOneAtTheEnd) {
  std::ostringstream out;
  ProgressBar p(Style::records, false, "runs", milliseconds(0), &out);
  p.update(1, 3);
  p.update(2, 3);
  p.finish(3, 3);
  const std::string s = out.str();
  EXPECT_EQ(s.rfind("synsim: 1/3 runs, ", 0), 0u) << s;
  EXPECT_NE(s.find("\nsynsim: 2/3 runs, "), std::string::npos) << s;
  EXPECT_NE(s.find("\nsynsim: 3/3 runs, "), std::string::npos) << s;
  EXPECT_EQ(s.find('\r'), std::string::npos) << "no control characters in a log";
  EXPECT_EQ(s.find('\033'), std::string::npos);
}

TEST(ProgressRecords, TheEndIsRecordedOnce) {
  // The last update already said 2/2 (run --seeds 2 printed it twice).
  std::ostringstream out;
  ProgressBar p(Style::records, false, "seeds", milliseconds(0), &out);
  p.update(1, 2);
  p.update(2, 2);
  p.finish(2, 2);
  const std::string s = out.str();
  EXPECT_EQ(s.find("synsim: 2/2 seeds"), s.rfind("synsim: 2/2 seeds")) << s;
  EXPECT_NE(s.find("synsim: 2/2 seeds"), std::string::npos) << s;
}

TEST(ProgressRecords, QuickWorkPrintsNothing) {
  std::ostringstream out;
  ProgressBar p(Style::records, false, "runs", std::chrono::hours(1), &out);
  p.update(0, 40);
  p.update(39, 40);
  p.finish(40, 40);
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBarOnATerminal, RedrawsInPlaceAndEndsTheLine) {
  std::ostringstream out;
  ProgressBar p(Style::bar, false, "runs", milliseconds(0), &out);
  p.update(0, 2);
  p.finish(2, 2);
  const std::string s = out.str();
  EXPECT_EQ(s.rfind("\r[", 0), 0u) << s;
  EXPECT_NE(s.find("2/2 runs"), std::string::npos) << s;
  EXPECT_EQ(s.back(), '\n');
}

TEST(ProgressOff, PrintsNothing) {
  std::ostringstream out;
  ProgressBar p(Style::off, true, "runs", milliseconds(0), &out);
  p.update(1, 2);
  p.before_stdout_line();
  p.finish(2, 2);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace synsim::cli
