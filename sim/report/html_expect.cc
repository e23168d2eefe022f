// The HTML report's expect: parts: the banner a failed run opens with, and
// the section listing every result (Outcome::expect, judged by the command
// before rendering; the words are expect_text.h's).
#include <fmt/format.h>

#include "sim/report/expect_text.h"
#include "sim/report/html_parts.h"

namespace synsim::report::detail {

bool any_expectation_failed(const HtmlReport& r) {
  for (const JudgedSide& side : judged_sides(*r.model, r.kernel)) {
    if (!outcome::all_held(*side.results)) return true;
  }
  return false;
}

std::string expectations_banner(const HtmlReport& r) {
  if (!any_expectation_failed(r)) return "";
  std::string out = "<section id=\"expect-failed\" class=\"failed\">\n";
  for (const JudgedSide& side : judged_sides(*r.model, r.kernel)) {
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
  const std::vector<JudgedSide> sides = judged_sides(*r.model, r.kernel);
  std::size_t total = 0;
  for (const JudgedSide& side : sides) total += side.results->size();
  if (total == 0) return "";
  const bool two = r.kernel != nullptr;
  std::string out = "<section id=\"expectations\">\n<h2>Expectations</h2>\n<p class=\"note\">The scenario's "
                    "<code>expect:</code> hypotheses, judged against ";
  out += two ? "each run" : "the run";
  out += ": failures first; <i>line</i> is where the scenario (below) states each.</p>\n";
  out += "<table class=\"expect\"><tr>";
  if (two) out += "<th>side</th>";
  out += "<th>result</th><th>expectation</th><th class=\"num\">got</th><th class=\"num\">line</th></tr>\n";
  for (const bool failed : {true, false}) {
    for (const JudgedSide& side : sides) {
      for (const outcome::Expectation& e : *side.results) {
        if (e.passed == failed) continue;
        out += "<tr>";
        if (two) out += fmt::format("<td>{}</td>", side.side);
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
