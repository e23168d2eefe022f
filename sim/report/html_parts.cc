// The HTML report's shared pieces: each side's data and the shared time axis.
#include "sim/report/html_parts.h"

#include <set>

#include <fmt/format.h>

#include "sim/outcome/judge.h"

namespace synsim::report::detail {

namespace {

// A duration to 3 significant digits, for labels: "208ms", "60ms", "2.91s".
std::string rounded_duration(std::int64_t ns) {
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  Unit u = ns >= 1'000'000'000 ? Unit{1'000'000'000, "s"} : ns >= 1'000'000 ? Unit{1'000'000, "ms"}
           : ns >= 1'000           ? Unit{1'000, "us"}
                                   : Unit{1, "ns"};
  double v = static_cast<double>(ns) / static_cast<double>(u.ns);
  std::string text = fmt::format("{:.{}f}", v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text + u.name;
}

}  // namespace

SideData gather(const Outcome* o, std::string label) {
  SideData s;
  s.o = o;
  s.label = std::move(label);
  if (o == nullptr) return s;
  s.infos = classify_packets(*o);
  for (const auto& c : o->connections) s.records.emplace(c.name, &c);
  for (std::size_t i = 0; i < o->packets.size(); ++i) s.packets_of[o->packets[i].connection].push_back(i);
  return s;
}

const ConnectionRecord* record(const SideData& s, const std::string& name) {
  auto it = s.records.find(name);
  return it == s.records.end() ? nullptr : it->second;
}

bool notable(const ConnectionRecord* c) {
  if (c == nullptr) return false;
  return !c->explanation.empty() || c->outcome != ConnectionOutcome::completed || outcome::stalled(*c);
}

std::string outcome_text(const ConnectionRecord& c) {
  std::string text = outcome::to_string(c.outcome);
  if (!c.error.empty()) text += " (" + c.error + ")";
  return text;
}

std::string time_or_dash(const std::optional<Time>& t) { return t ? format_seconds(*t) : "-"; }

std::vector<std::string> all_names(const SideData& m, const SideData& k) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const SideData* s : {&m, &k}) {
    if (s->o == nullptr) continue;
    for (const auto& c : s->o->connections) {
      if (seen.insert(c.name).second) names.push_back(c.name);
    }
  }
  return names;
}

// Up to `limit` names: notable ones first, the result in scenario order.
std::vector<std::string> pick(const std::vector<std::string>& names, const SideData& m, const SideData& k,
                              std::size_t limit) {
  std::set<std::string> chosen;
  for (const auto& n : names) {
    if (chosen.size() < limit && (notable(record(m, n)) || notable(record(k, n)))) chosen.insert(n);
  }
  for (const auto& n : names) {
    if (chosen.size() < limit) chosen.insert(n);
  }
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (chosen.count(n)) out.push_back(n);
  }
  return out;
}

std::string svg_open(double height, std::string_view cls, std::string_view label) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      cls, num(kWidth), num(height), num(kWidth), num(height), esc(label));
}

std::string defs() {
  return "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fecaca\"/>"
         "<rect width=\"3\" height=\"6\" fill=\"#ef4444\"/></pattern></defs>\n";
}

// Tick labels and grid lines for the shared time axis. `label_y` is where
// the labels go; grid lines run from grid_y0 to grid_y1.
std::string time_axis(const BrokenAxis& axis, double axis_y, bool labels_above, double grid_y0, double grid_y1,
                      bool gap_labels) {
  std::string out = "<g class=\"axis\">\n";
  const auto ticks = axis.ticks(62);
  for (const auto& t : ticks) {
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", num(t.x), num(grid_y0),
                       num(grid_y1));
  }
  out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", num(axis.x0()),
                     num(axis.x1()), num(axis_y));
  for (const auto& t : ticks) {
    double y2 = labels_above ? axis_y - 4 : axis_y + 4;
    out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>", num(t.x), num(axis_y),
                       num(y2));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(t.x),
                       num(labels_above ? axis_y - 8 : axis_y + 15), esc(axis_time_label(t.t_ns)));
  }
  if (gap_labels) {
    // Only where the label fits inside its gap (about 5.5 px a character).
    for (const auto& g : axis.gaps(10'000'000)) {
      std::string text = "+" + rounded_duration(g.to_ns - g.from_ns);
      double w = 5.5 * static_cast<double>(text.size()) + 10;
      if (g.x_to - g.x_from < w) continue;
      double mid = (g.x_from + g.x_to) / 2;
      double y = labels_above ? axis_y - 24 : axis_y + 29;
      out += fmt::format("<text class=\"gaplabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(mid),
                         num(y), esc(text));
    }
  }
  out += "</g>\n";
  return out;
}

}  // namespace synsim::report::detail
