#include "sim/report/html.h"

#include <stdexcept>

#include <fmt/format.h>

#include "sim/report/html_parts.h"

namespace synsim::report {

// The sections and what they share: html_parts.h.
using namespace detail;

namespace {

const char* kCss = R"css(
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--ok:#15803d;--bad:#b91c1c;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","DejaVu Sans",sans-serif}
main{width:1380px;margin:0 auto;padding:20px 14px 40px}
h1{font-size:24px;margin:4px 0 2px;font-weight:650;letter-spacing:-.01em}
h2{font-size:17px;margin:0 0 4px;font-weight:650}
.sub{color:var(--muted);margin:0 0 14px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:0 0 16px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
section>p.note{color:var(--muted);margin:0 0 10px;font-size:12.5px;max-width:1100px}
code,pre,.mono,td.num,td.t{font-family:"JetBrains Mono","SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
.verdict{display:flex;align-items:center;gap:16px;flex-wrap:wrap}
.badge{display:inline-block;padding:6px 14px;border-radius:8px;font-weight:700;font-size:18px;letter-spacing:.04em;color:#fff}
.badge.agree{background:var(--ok)}.badge.disagree{background:var(--bad)}.badge.model{background:#334155}
.runs{color:var(--muted);font-size:13px}
ol.disagreements{margin:12px 0 4px;padding-left:22px;color:var(--bad)}
ol.disagreements li{margin:2px 0}
ol.disagreements li span{color:var(--ink)}
details.more{border:none;background:none;margin:0}
details.more>summary{font-weight:400;color:var(--muted);padding:2px 0}
.tiles{display:flex;gap:12px;margin-top:14px;flex-wrap:wrap}
.tile{border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:150px;background:#fcfdfe}
.tile b{display:block;font-size:20px;font-weight:650}
.tile span{color:var(--muted);font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:6px 0 8px;font-size:12.5px;color:#334155;align-items:center}
.legend svg{vertical-align:middle;margin-right:5px}
svg text{font-family:-apple-system,"Segoe UI",Roboto,Arial,"DejaVu Sans",sans-serif}
svg .tick{font-size:10.5px;fill:#475569}
svg .gaplabel{font-size:10px;fill:#94a3b8;font-style:italic}
svg .grid{stroke:#eef2f7;stroke-width:1}
svg .axisline{stroke:#94a3b8;stroke-width:1}
svg .lname{font-size:12.5px;font-weight:600;fill:var(--ink)}
svg .lside{font-size:10.5px;fill:var(--muted)}
svg .lstatus{font-size:11px;fill:#334155}
svg .lstatus.bad{fill:var(--bad);font-weight:600}
svg .lane-bg{fill:#f8fafc}
svg .conn-odd .lane-bg{fill:#f1f5f9}
svg .ph-connect{fill:#93c5fd}
svg .ph-wait{fill:#fcd34d}
svg .ph-accepted{fill:#cbd5e1}
svg .ph-flight{fill:#a5b4fc}
svg .ph-stall{fill:url(#hatch)}
svg .ph-delivered{fill:#86efac}
svg .sk.st-open{fill:#93c5fd}
svg .sk.st-est{fill:#94a3b8}
svg .sk.st-closing{fill:#e2e8f0}
svg .sk.queued{fill:#ea580c}
svg .pk{stroke:#fff;stroke-width:.6}
svg .drop line{stroke:#dc2626;stroke-width:1.7;stroke-linecap:round}
svg .q-syn{fill:none;stroke:#2563eb;stroke-width:1.8}
svg .q-accept{fill:none;stroke:#ea580c;stroke-width:1.8}
svg .q-limit{stroke:#b91c1c;stroke-width:1.2;stroke-dasharray:5 4}
svg .q-limit-label{font-size:10.5px;fill:#b91c1c}
svg .ylabel{font-size:11px;fill:#475569}
svg .ptitle{font-size:13px;font-weight:600;fill:var(--ink)}
svg .cdf-model{fill:none;stroke:#2563eb;stroke-width:2}
svg .cdf-kernel{fill:none;stroke:#ea580c;stroke-width:2;stroke-dasharray:6 3}
svg .dot-model{fill:#2563eb}
svg .dot-kernel{fill:#ea580c}
svg .threshold{stroke:#94a3b8;stroke-dasharray:3 3}
svg .empty{font-size:12px;fill:var(--muted);font-style:italic}
table{border-collapse:collapse;width:100%;font-size:12.5px}
table.counters{width:auto;min-width:760px}
th{font-weight:600;text-align:left;color:#334155;border-bottom:2px solid var(--line);padding:5px 8px;white-space:nowrap;background:#f8fafc}
td{border-bottom:1px solid #f1f5f9;padding:4px 8px;white-space:nowrap}
td.num,th.num{text-align:right}
tr.k td{color:#475569}
tr.first td{border-top:1px solid var(--line)}
td.bad{color:var(--bad);font-weight:600;background:#fef2f2}
td.ok{color:var(--ok);font-weight:600}
.twocol{display:grid;grid-template-columns:1fr 1fr;gap:20px}
details{border:1px solid var(--line);border-radius:8px;margin:8px 0;background:#fcfdfe}
details>summary{cursor:pointer;padding:8px 12px;font-weight:600}
details>summary .muted{color:var(--muted);font-weight:400}
ol.expl{margin:0;padding:4px 14px 10px 14px;list-style:none}
ol.expl li{padding:1px 0;font-size:12.5px}
ol.expl li .t{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;color:var(--accent);font-size:11.5px;margin-right:10px;display:inline-block;min-width:70px}
ol.expl li.sum{font-weight:600;margin-top:4px}
ol.expl li.drop{color:#991b1b}
pre.scenario{background:#0f172a;color:#e2e8f0;padding:14px 16px;border-radius:8px;overflow:auto;max-height:640px;margin:0}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
section.failed{border:2px solid var(--bad);background:#fef2f2}
section.failed h2{color:var(--bad);font-size:22px;font-weight:750;letter-spacing:.02em;margin:0 0 6px}
ol.failures{margin:4px 0 10px;padding-left:22px;color:var(--bad);font-weight:600}
ol.failures li{margin:2px 0}
table.expect{width:auto;min-width:760px}
)css";

}  // namespace

std::string render_html(const HtmlReport& r) {
  if (r.model == nullptr) throw std::invalid_argument("render_html: the model outcome is required");
  const SideData m = gather(r.model, r.model->info.source.empty() ? "model" : r.model->info.source);
  const SideData k = gather(r.kernel, r.kernel != nullptr && !r.kernel->info.source.empty() ? r.kernel->info.source : "kernel");
  std::vector<const SideData*> sides{&m};
  if (k.o != nullptr) sides.push_back(&k);

  const std::vector<std::string> names = all_names(m, k);
  const std::vector<std::string> lane_names = pick(names, m, k, kHtmlMaxLaneConnections);
  const std::vector<std::string> table_names = pick(names, m, k, kHtmlMaxTableConnections);
  const BrokenAxis axis(axis_times(sides, lane_names), kPlotX0, kPlotX1 - kPlotX0);

  const std::string title = r.title.empty() ? "synsim: " + r.model->info.scenario : r.title;
  // A failed expect: is the first thing said, in the tab's title too.
  const std::string page_title = any_expectation_failed(r) ? "FAILED: " + title : title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=1400\">\n";
  out += "<meta name=\"generator\" content=\"synsim\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n", esc(page_title), kCss);
  out += fmt::format("<header><h1>{}</h1><p class=\"sub\">scenario <b>{}</b> · model {} {}</p></header>\n", esc(title),
                     esc(r.model->info.scenario), esc(r.model->info.kernel),
                     r.kernel != nullptr ? "· kernel " + esc(r.kernel->info.kernel) : std::string());

  out += expectations_banner(r);
  out += verdict(r, m, k);
  out += expectations_section(r);
  if (!r.remedies.empty()) out += render_remedies_html(r.remedies);

  out += "<section id=\"timeline\">\n<h2>Connections over time</h2>\n";
  out += "<p class=\"note\">One lane per connection and side. Time axis: piecewise linear and broken between events; "
         "each quiet gap between two consecutive events is drawn with a width proportional to log10(1 + gap / 1 µs), "
         "so a 10 µs handshake and a 100 s stall are both visible. Tick labels are real times since the run started; "
         "gaps longer than 10 ms carry their length. Hover a mark or a bar for details.</p>\n";
  out += legend();
  out += swimlanes(sides, lane_names, axis);
  if (lane_names.size() < names.size()) {
    out += fmt::format("<p class=\"note\">{} of {} connections shown (stalled and failed ones first).</p>\n",
                       lane_names.size(), names.size());
  }
  out += "</section>\n";

  out += "<section id=\"queues\">\n<h2>Listener queues</h2>\n<p class=\"note\">SYN queue (request socks, acked ones "
         "included) and accept queue (children waiting for accept(); <code>ss -lnt</code> Recv-Q) after every change, "
         "on the timeline's axis. The dashed line is the accept queue's limit (backlog + 1).</p>\n";
  out += queue_plots(sides, axis);
  out += "</section>\n";

  out += "<section id=\"distributions\">\n<h2>Stalls and latencies</h2>\n<p class=\"note\">Cumulative distributions "
         "per side (model solid, kernel dashed) on log-scaled duration axes; hover a dot for its connection.</p>\n";
  out += distributions(sides);
  out += "</section>\n";

  out += "<section id=\"counters\">\n<h2>Counters</h2>\n<p class=\"note\">Deltas over the run under their "
         "<code>nstat</code> names.</p>\n";
  out += counter_table(r);
  out += "</section>\n";

  out += "<section id=\"connections\">\n<h2>Connections</h2>\n<p class=\"note\">Times in seconds since the run "
         "started; <code>-</code> when it never happened. Kernel values outside the comparison's tolerance are "
         "marked red.</p>\n";
  out += connection_table(r, sides, table_names);
  if (table_names.size() < names.size()) {
    out += fmt::format("<p class=\"note\">{} of {} connections listed.</p>\n", table_names.size(), names.size());
  }
  out += "</section>\n";

  out += "<section id=\"explanations\">\n<h2>Why: the model's explanations</h2>\n";
  out += explanations(*r.model);
  out += "</section>\n";

  out += "<section id=\"scenario\">\n<h2>Scenario</h2>\n";
  out += fmt::format("<pre class=\"scenario\">{}</pre>\n", esc(r.scenario_text));
  out += "</section>\n";
  out += "<footer>synsim report · deterministic: the same outcomes give the same file</footer>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace synsim::report
