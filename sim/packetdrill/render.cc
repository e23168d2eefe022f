// The report of a played script, packetdrill-style: each line's result
// with expected and actual time and the tolerance, then what failed and why.
#include <fmt/format.h>

#include "sim/packetdrill/play.h"

namespace synsim::packetdrill {

namespace {

// Seconds with microseconds, as packetdrill prints times ("1.000000").
std::string secs(Duration d) {
  const std::int64_t us_total = to_ns(d) / 1000;
  const char* sign = us_total < 0 ? "-" : "";
  const std::int64_t a = us_total < 0 ? -us_total : us_total;
  return fmt::format("{}{}.{:06}", sign, a / 1000000, a % 1000000);
}

std::string expected(const LineResult& l) {
  if (!l.expected_from) return "*";
  if (l.expected_to && *l.expected_to != *l.expected_from) {
    return secs(*l.expected_from) + "~" + secs(*l.expected_to);
  }
  return secs(*l.expected_from);
}

const char* status(LineStatus s) {
  switch (s) {
    case LineStatus::ok: return "ok";
    case LineStatus::failed: return "FAILED";
    case LineStatus::not_run: return "not run";
  }
  return "?";
}

}  // namespace

std::string render(const PlayResult& r) {
  std::string out = fmt::format("{} on {}; times in seconds from the script's start\n", r.file, r.side);
  const LineResult* failed = nullptr;
  for (const LineResult& l : r.lines) {
    if (l.status == LineStatus::failed && failed == nullptr) failed = &l;
    const bool run = l.status != LineStatus::not_run;
    const std::string actual = l.actual ? secs(*l.actual) : "-";
    out += fmt::format("{}:{:<4} {:<8} expected {:<17} actual {:<10} tolerance {:<8}  | {}\n", r.file,
                       l.where.line, status(l.status), run ? expected(l) : "-", actual,
                       run ? secs(l.tolerance) : "-", l.text);
  }
  if (failed != nullptr) {
    out += fmt::format("{}:{}: {}\n", r.file, failed->where.line, failed->problem);
    out += fmt::format("  script: {}\n", failed->text);
    if (!failed->actual_text.empty()) {
      out += fmt::format("  actual: {}{}\n", failed->actual ? secs(*failed->actual) + " " : "", failed->actual_text);
    }
  }
  for (const std::string& a : r.after) out += fmt::format("after the last line: {}\n", a);
  for (const std::string& n : r.notes) out += fmt::format("note: {}\n", n);
  out += r.held ? fmt::format("{}: the script holds on {}\n", r.file, r.side)
                : fmt::format("{}: the script does not hold on {}\n", r.file, r.side);
  return out;
}

}  // namespace synsim::packetdrill
