// The HTML report's expect: parts: the banner a failed run opens with, and
// the section listing every result (Outcome::expect, judged by the command
// before rendering; the words are expect_text.h's), of every run.
#include <fmt/format.h>

#include "sim/report/expect_text.h"
#include "sim/report/html_parts.h"

namespace synsim::report::detail {

namespace {

// The runs whose results the report shows: every run given, else the
// model's and the kernel's.
std::vector<JudgedSide> shown_runs(const HtmlReport& r) {
  return r.runs.empty() ? judged_sides(*r.model, r.kernel) : r.runs;
}

// Several runs a side: one row per expectation (as the first run states
// it), one cell per run with PASS or FAIL and what that run gave; rows with
// a failure in any run first.
std::string expectations_per_run(const std::vector<JudgedSide>& runs) {
  const std::vector<outcome::Expectation>& first = *runs.front().results;
  std::string out = "<table class=\"expect\"><tr><th>expectation</th><th class=\"num\">line</th>";
  for (const JudgedSide& run : runs) out += fmt::format("<th>{}</th>", esc(run.side));
  out += "</tr>\n";
  for (const std::size_t i : expectation_rows_failed_first(runs)) {
    const outcome::Expectation& e = first[i];
    out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td>", esc(expectation_text(e)),
                       e.line > 0 ? std::to_string(e.line) : "-");
    for (const JudgedSide& run : runs) {
      if (i >= run.results->size()) {
        out += "<td>-</td>";
        continue;
      }
      const outcome::Expectation& x = (*run.results)[i];
      out += fmt::format("<td class=\"{}\">{} {}</td>", x.passed ? "ok" : "bad", expectation_status(x),
                         esc(expectation_actual_text(x)));
    }
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace

bool any_expectation_failed(const HtmlReport& r) {
  for (const JudgedSide& side : shown_runs(r)) {
    if (!outcome::all_held(*side.results)) return true;
  }
  return false;
}

std::string expectations_banner(const HtmlReport& r) {
  if (!any_expectation_failed(r)) return "";
  std::string out = "<section id=\"expect-failed\" class=\"failed\">\n";
  for (const JudgedSide& side : shown_runs(r)) {
    if (outcome::all_held(*side.results)) continue;
    out += fmt::format("<h2>{}</h2>\n<ol class=\"failures\">", esc(expectations_headline(*side.results, side.side)));
    for (const outcome::Expectation& e : *side.results) {
      if (e.passed) continue;
      out += fmt::format("<li>{}: got {}{}</li>", esc(expectation_text(e)), esc(expectation_actual_text(e)),
                         e.line > 0 ? " (" + esc(expectation_place(e)) + ")" : std::string());
    }
    out += "</ol>\n";
  }
  out += "</section>\n";
  return out;
}

std::string expectations_section(const HtmlReport& r) {
  const std::vector<JudgedSide> sides = shown_runs(r);
  std::size_t total = 0;
  for (const JudgedSide& side : sides) total += side.results->size();
  if (total == 0) return "";
  const bool two = r.kernel != nullptr;
  std::string out = "<section id=\"expectations\">\n<h2>Expectations</h2>\n<p class=\"note\">The scenario's "
                    "<code>expect:</code> hypotheses, judged against ";
  out += two ? "each run" : "the run";
  out += ": failures first; <i>line</i> is where the scenario (below) states each.</p>\n";
  if (several_runs_a_side(sides)) return out + expectations_per_run(sides) + "</section>\n";
  out += "<table class=\"expect\"><tr>";
  if (two) out += "<th>side</th>";
  out += "<th>result</th><th>expectation</th><th class=\"num\">got</th><th class=\"num\">line</th></tr>\n";
  for (const bool failed : {true, false}) {
    for (const JudgedSide& side : sides) {
      for (const outcome::Expectation& e : *side.results) {
        if (e.passed == failed) continue;
        out += "<tr>";
        if (two) out += fmt::format("<td>{}</td>", esc(side.side));
        out += fmt::format("<td class=\"{}\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                           e.passed ? "ok" : "bad", expectation_status(e), esc(expectation_text(e)),
                           esc(expectation_actual_text(e)), e.line > 0 ? std::to_string(e.line) : "-");
      }
    }
  }
  out += "</table>\n</section>\n";
  return out;
}

}  // namespace synsim::report::detail
