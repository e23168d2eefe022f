// The HTML report's verdict section: AGREE / DISAGREE, the runs and each
// side's key figures as tiles.
#include "sim/report/html_parts.h"

#include <fmt/format.h>

#include "sim/outcome/judge.h"

namespace synsim::report::detail {

namespace {

std::string run_line(const Outcome& o) {
  return fmt::format("<b>{}</b> {} · HZ {} · seed {} · duration {} · {} connections · {} packets{}", esc(o.info.source),
                     esc(o.info.kernel), o.info.hz, o.info.seed, esc(format_duration(o.info.duration)),
                     o.connections.size(), o.packets.size(),
                     o.info.events != 0 ? fmt::format(" · {} events · trace {:016x}", o.info.events, o.info.trace_hash)
                                        : std::string());
}

std::string tile(const std::string& value, const std::string& label) {
  return fmt::format("<div class=\"tile\"><b>{}</b><span>{}</span></div>", esc(value), esc(label));
}

}  // namespace

std::string verdict(const HtmlReport& r, const SideData& m, const SideData& k) {
  std::string out = "<section id=\"verdict\">\n<div class=\"verdict\">";
  if (r.comparison != nullptr) {
    bool agree = r.comparison->agree();
    out += fmt::format("<span class=\"badge {}\">{}</span>", agree ? "agree" : "disagree", agree ? "AGREE" : "DISAGREE");
    std::size_t pairs_ok = 0;
    for (const auto& p : r.comparison->packets) pairs_ok += p.agree ? 1 : 0;
    out += fmt::format("<div>{}<div class=\"runs\">{} of {} packet pairs within tolerance · {} disagreement{}</div></div>",
                       agree ? "Model and kernel agree within tolerance." : "Model and kernel disagree.", pairs_ok,
                       r.comparison->packets.size(), r.comparison->disagreements.size(),
                       r.comparison->disagreements.size() == 1 ? "" : "s");
  } else if (r.statistics) {
    const bool agree = r.statistics->agree;
    out += fmt::format("<span class=\"badge {}\">{}</span><div>{}<div class=\"runs\">compared statistically: "
                       "stalled connections, stall quantiles, retransmissions and counters (table below)</div></div>",
                       agree ? "agree" : "disagree", agree ? "AGREE" : "DISAGREE",
                       agree ? "Model and kernel agree statistically." : "Model and kernel disagree statistically.");
  } else {
    out += fmt::format("<span class=\"badge model\">{}</span><div>{}</div>",
                       k.o != nullptr ? "MODEL + KERNEL" : "MODEL ONLY",
                       k.o != nullptr ? "Both sides shown, not compared." : "No kernel run in this report.");
  }
  out += "</div>\n";
  if (r.comparison == nullptr && r.statistics) out += "<pre class=\"statistics\">" + esc(r.statistics->table) + "</pre>\n";
  if (r.comparison != nullptr && !r.comparison->agree()) {
    // The most important first; past the first dozen, folded.
    constexpr std::size_t kShown = 12;
    const auto& all = r.comparison->disagreements;
    out += "<ol class=\"disagreements\">";
    for (std::size_t i = 0; i < all.size() && i < kShown; ++i) out += fmt::format("<li><span>{}</span></li>", esc(all[i]));
    out += "</ol>\n";
    if (all.size() > kShown) {
      out += fmt::format("<details class=\"more\"><summary>{} more disagreements</summary><ol class=\"disagreements\" "
                         "start=\"{}\">",
                         all.size() - kShown, kShown + 1);
      for (std::size_t i = kShown; i < all.size(); ++i) out += fmt::format("<li><span>{}</span></li>", esc(all[i]));
      out += "</ol></details>\n";
    }
  }
  out += "<p class=\"runs\">" + run_line(*m.o);
  if (k.o != nullptr) out += "<br>" + run_line(*k.o);
  out += "</p>\n";

  // Key figures, per side.
  for (const SideData* s : {&m, &k}) {
    if (s->o == nullptr) continue;
    std::size_t stalled = 0;
    std::size_t failed = 0;
    std::optional<Duration> worst;
    std::string worst_name;
    for (const auto& c : s->o->connections) {
      auto st = c.stall();
      if (outcome::stalled(c)) ++stalled;
      if (c.outcome == ConnectionOutcome::reset || c.outcome == ConnectionOutcome::timed_out ||
          c.outcome == ConnectionOutcome::refused) {
        ++failed;
      }
      if (st && (!worst || *st > *worst)) {
        worst = st;
        worst_name = c.name;
      }
    }
    auto counter = [&](const char* name) {
      auto it = s->o->counters.find(name);
      return std::to_string(it == s->o->counters.end() ? 0 : it->second);
    };
    out += "<div class=\"tiles\">";
    out += tile(s->label, s->o->info.kernel);
    out += tile(std::to_string(s->o->connections.size()), "connections");
    out += tile(std::to_string(stalled), "stalled > " + format_duration(outcome::kStallThreshold));
    out += tile(std::to_string(failed), "reset, timed out or refused");
    out += tile(worst ? format_duration(*worst) : "-", worst ? "worst stall (" + worst_name + ")" : "worst stall");
    out += tile(counter("TcpExtListenOverflows"), "TcpExtListenOverflows");
    out += tile(counter("TcpExtTCPSynRetrans"), "TcpExtTCPSynRetrans");
    out += "</div>\n";
  }
  out += "</section>\n";
  return out;
}

}  // namespace synsim::report::detail
