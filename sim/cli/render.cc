#include "sim/cli/render.h"

#include "sim/report/expect_text.h"
#include "sim/report/html.h"
#include "sim/report/json.h"
#include "sim/report/markdown.h"
#include "sim/report/netstat.h"
#include "sim/report/perfetto.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"

namespace synsim::cli {

const std::vector<std::string>& output_formats() {
  static const std::vector<std::string> formats = {"text",     "tcpdump", "summary",  "json",
                                                   "perfetto", "html",    "markdown", "netstat"};
  return formats;
}

const std::vector<std::string>& run_formats() {
  static const std::vector<std::string> formats = [] {
    std::vector<std::string> f = output_formats();
    f.push_back("pkt");
    return f;
  }();
  return formats;
}

std::string render_format(const std::string& format, const outcome::Outcome& out, const std::string& scenario_text,
                          std::optional<Time> at) {
  if (format == "netstat") {
    const Duration end = out.info.partial ? out.info.stopped_at : out.info.duration;
    return report::render_netstat(out, at.value_or(kTimeZero + end));
  }
  if (format == "json") return report::render_json(out);
  if (format == "tcpdump") {
    // The timeline alone is followed by the results, as before they were
    // part of the summary.
    const bool judged = out.expect && !out.expect->empty();
    return report::render_tcpdump(out) +
           (judged ? "\nexpectations\n" + report::render_expectations(*out.expect) : std::string());
  }
  if (format == "summary") return report::render_summary(out);
  if (format == "perfetto") return report::render_perfetto(out);
  if (format == "markdown") return report::render_markdown(out, nullptr, nullptr);
  if (format == "html") {
    report::HtmlReport r;
    r.model = &out;
    r.scenario_text = scenario_text;
    return report::render_html(r);
  }
  // The banner of a failed expect: opens the whole text, above a timeline
  // that may run to thousands of lines; the summary under it does not
  // repeat it (it still closes with every result).
  return report::expectations_banner(out) + report::render_tcpdump(out) + "\n" +
         report::render_summary_without_banner(out);
}

}  // namespace synsim::cli
