// The HTML report's tables: nstat counters and the per-connection table.
#include "sim/report/html_parts.h"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "sim/outcome/judge.h"

namespace synsim::report::detail {

std::string counter_table(const HtmlReport& r) {
  std::string out = "<table class=\"counters\"><thead><tr><th>counter (nstat)</th>";
  if (r.comparison != nullptr) {
    out += "<th class=\"num\">model</th><th class=\"num\">kernel</th><th class=\"num\">difference</th><th>agree</th></tr></thead><tbody>\n";
    for (const auto& c : r.comparison->counters) {
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{:+}</td><td class=\"{}\">{}</td></tr>\n",
                         esc(c.name), c.model, c.kernel, c.kernel - c.model, c.agree ? "ok" : "bad",
                         c.agree ? "✓" : "✗");
    }
  } else if (r.kernel != nullptr) {
    out += "<th class=\"num\">model</th><th class=\"num\">kernel</th></tr></thead><tbody>\n";
    std::set<std::string> names;
    for (const auto& [n, v] : r.model->counters) names.insert(n);
    for (const auto& [n, v] : r.kernel->counters) names.insert(n);
    for (const auto& n : names) {
      auto m = r.model->counters.find(n);
      auto k = r.kernel->counters.find(n);
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                         esc(n), m == r.model->counters.end() ? 0 : m->second,
                         k == r.kernel->counters.end() ? 0 : k->second);
    }
  } else {
    out += "<th class=\"num\">model</th></tr></thead><tbody>\n";
    for (const auto& [n, v] : r.model->counters) {
      out += fmt::format("<tr class=\"counter\"><td class=\"mono\">{}</td><td class=\"num\">{}</td></tr>\n", esc(n), v);
    }
  }
  out += "</tbody></table>\n";
  return out;
}

std::string connection_table(const HtmlReport& r, const std::vector<const SideData*>& sides,
                             const std::vector<std::string>& names) {
  std::map<std::pair<std::string, compare::Field>, const compare::FieldRow*> fields;
  if (r.comparison != nullptr) {
    for (const auto& f : r.comparison->fields) fields[{f.connection, f.field}] = &f;
  }
  // `field`: the compared field the cell shows, if compare judges it.
  auto cell = [&](const std::string& name, const std::string& side, std::optional<compare::Field> field,
                  const std::string& text, const char* cls) {
    auto it = field ? fields.find({name, *field}) : fields.end();
    if (side == "kernel" && it != fields.end() && !it->second->agree) {
      return fmt::format("<td class=\"{} bad\" title=\"model {} · kernel {} · tolerance {}\">{}</td>", cls,
                         esc(it->second->model), esc(it->second->kernel),
                         esc(format_duration(it->second->tolerance)), esc(text));
    }
    return fmt::format("<td class=\"{}\">{}</td>", cls, esc(text));
  };
  std::string out =
      "<table class=\"connections\"><thead><tr><th>connection</th><th>side</th><th class=\"num\">port</th>"
      "<th class=\"num\">connect</th><th class=\"num\">connected</th><th class=\"num\">data sent</th>"
      "<th class=\"num\">accepted</th><th class=\"num\">delivered</th><th class=\"num\">response</th>"
      "<th class=\"num\">closed</th><th>outcome</th><th class=\"num\">SYN rtx</th><th class=\"num\">SYN-ACK rtx</th>"
      "<th class=\"num\">data rtx</th><th class=\"num\">stall</th></tr></thead><tbody>\n";
  for (const auto& n : names) {
    bool first = true;
    for (const SideData* s : sides) {
      const ConnectionRecord* c = record(*s, n);
      if (c == nullptr) continue;
      auto stall = c->stall();
      out += fmt::format("<tr class=\"conn-row{}{}\">", s->label == "kernel" ? " k" : "", first ? " first" : "");
      out += fmt::format("<td><b>{}</b></td><td>{}</td><td class=\"num\">{}</td>", first ? esc(n) : "", esc(s->label),
                         c->client_port);
      using compare::Field;
      out += cell(n, s->label, std::nullopt, time_or_dash(c->connect_start), "num");
      out += cell(n, s->label, Field::connect_done, time_or_dash(c->connect_done), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->first_data_sent), "num");
      out += cell(n, s->label, Field::accepted, time_or_dash(c->accepted), "num");
      out += cell(n, s->label, Field::data_delivered, time_or_dash(c->data_delivered), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->response_received), "num");
      out += cell(n, s->label, std::nullopt, time_or_dash(c->closed), "num");
      out += cell(n, s->label, Field::outcome, outcome_text(*c), "");
      out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                         c->syn_retransmits, c->synack_retransmits, c->data_retransmits);
      out += cell(n, s->label, std::nullopt, stall ? format_duration(*stall) : "-", "num");
      out += "</tr>\n";
      first = false;
    }
  }
  out += "</tbody></table>\n";
  return out;
}

}  // namespace synsim::report::detail
