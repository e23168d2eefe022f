// The HTML report's "why" section: the model's explanation of each
// stalled or failed connection, in words from reason_text.
#include "sim/report/html_parts.h"

#include <fmt/format.h>

#include "sim/outcome/judge.h"
#include "sim/report/reason_text.h"

namespace synsim::report::detail {

std::string explanations(const Outcome& model) {
  std::string out;
  std::size_t shown = 0;
  for (const auto& c : model.connections) {
    if (c.explanation.empty()) continue;
    auto stall = c.stall();
    std::string head = c.outcome == ConnectionOutcome::completed && stall
                           ? fmt::format("stalled {}", format_duration(*stall))
                           : outcome_text(c) + (stall ? fmt::format(", stalled {}", format_duration(*stall)) : "");
    out += fmt::format("<details class=\"explanation\"{}><summary>{} <span class=\"muted\">{}</span></summary><ol class=\"expl\">",
                       shown < 3 ? " open" : "", esc(c.name), esc(head));
    for (const outcome::ExplanationStep& s : c.explanation) {
      const char* cls = outcome::is_conclusion(s.reason) ? " class=\"sum\""
                        : outcome::is_drop(s.reason)     ? " class=\"drop\""
                                                         : "";
      out += fmt::format("<li{}><span class=\"t\">{}</span>{}</li>", cls, esc(s.at ? format_seconds(*s.at) : ""),
                         esc(reason_text(s.reason)));
    }
    out += "</ol></details>\n";
    ++shown;
  }
  if (shown == 0) out = "<p class=\"note\">No connection stalled or failed in the model.</p>\n";
  return out;
}

}  // namespace synsim::report::detail
