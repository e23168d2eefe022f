#include "sim/sweep/heatmap.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "sim/report/svg.h"

namespace synsim::sweep {

namespace {

using report::html_escape;
using report::svg_num;

// One grid point (cell or bar): the metric averaged over its runs.
struct Cell {
  std::size_t runs = 0;    // records at this point
  std::size_t valued = 0;  // of which have a value for the metric
  double sum = 0;

  std::optional<double> mean() const {
    if (valued == 0) return std::nullopt;
    return sum / static_cast<double>(valued);
  }
};

// The values of the keys after the first two, and the cells for them.
struct Panel {
  std::vector<std::size_t> rest;  // value index per key 3..
  std::vector<std::vector<Cell>> cells;  // [y][x]
};

struct Grid {
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> values;  // per key, in first-appearance (= grid) order
  std::vector<Panel> panels;
  std::size_t nx() const { return keys.empty() ? 1 : values[0].size(); }
  std::size_t ny() const { return keys.size() < 2 ? 1 : values[1].size(); }
};

std::size_t value_index(std::vector<std::string>& values, const std::string& v) {
  const auto it = std::find(values.begin(), values.end(), v);
  if (it != values.end()) return static_cast<std::size_t>(it - values.begin());
  values.push_back(v);
  return values.size() - 1;
}

// Viridis, sampled at five stops: perceptually even, readable in grey, and
// distinguishable with the common colour-vision deficiencies.
constexpr std::array<std::array<int, 3>, 5> kRamp = {{
    {0x44, 0x01, 0x54},
    {0x3b, 0x52, 0x8b},
    {0x21, 0x91, 0x8c},
    {0x5e, 0xc9, 0x62},
    {0xfd, 0xe7, 0x25},
}};

std::array<int, 3> ramp(double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
  const double pos = t * static_cast<double>(kRamp.size() - 1);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(pos), kRamp.size() - 2);
  const double f = pos - static_cast<double>(i);
  std::array<int, 3> c{};
  for (std::size_t k = 0; k < 3; ++k) {
    c[k] = static_cast<int>(std::lround(kRamp[i][k] + f * (kRamp[i + 1][k] - kRamp[i][k])));
  }
  return c;
}

std::string hex(const std::array<int, 3>& c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }

// Dark text on the light end of the ramp, white on the dark end.
const char* text_colour(const std::array<int, 3>& c) {
  const double luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
  return luma > 140 ? "#111" : "#fff";
}

// Rough width of a label in the page's 12px sans-serif, for layout only.
double text_width(std::string_view s) { return 7.2 * static_cast<double>(s.size()); }

struct Scale {
  double lo = 0;
  double hi = 1;
  double t(double v) const { return hi > lo ? (v - lo) / (hi - lo) : 0.0; }
};

constexpr const char* kCss = R"(body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#111;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}
p{margin:4px 0}.warn{color:#a40000}code{font-size:13px}
svg text{font:12px system-ui,sans-serif}svg .axis-title{font-weight:600}
)";

std::string hatch_defs() {
  return "<defs><pattern id=\"no-runs\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbb\" stroke-width=\"2\"/></pattern></defs>";
}

std::string tooltip(const Grid& g, const Panel& panel, std::size_t x, std::size_t y, const Cell& cell,
                    const Metric& metric) {
  std::string t;
  if (!g.keys.empty()) t += g.keys[0] + "=" + g.values[0][x];
  if (g.keys.size() >= 2) t += ", " + g.keys[1] + "=" + g.values[1][y];
  for (std::size_t k = 0; k < panel.rest.size(); ++k) t += ", " + g.keys[k + 2] + "=" + g.values[k + 2][panel.rest[k]];
  if (t.empty()) t = "all runs";
  t += ": ";
  if (cell.runs == 0) {
    t += "no runs";
  } else if (const std::optional<double> m = cell.mean()) {
    t += format_metric_value(metric, *m) + fmt::format(" ({} of {} runs with a value)", cell.valued, cell.runs);
  } else {
    t += fmt::format("no value in {} runs", cell.runs);
  }
  return "<title>" + html_escape(t) + "</title>";
}

std::string heatmap_svg(const Grid& g, const Panel& panel, const Metric& metric, const Scale& scale) {
  const std::size_t nx = g.nx();
  const std::size_t ny = g.ny();
  double widest_cell = 0;
  for (const auto& row : panel.cells) {
    for (const Cell& c : row) {
      if (const auto m = c.mean()) widest_cell = std::max(widest_cell, text_width(format_metric_value(metric, *m)));
    }
  }
  double widest_x = 0;
  for (const std::string& v : g.values[0]) widest_x = std::max(widest_x, text_width(v));
  double widest_y = 0;
  for (const std::string& v : g.values[1]) widest_y = std::max(widest_y, text_width(v));
  const double cell_w = std::max({56.0, widest_cell + 14, widest_x + 12});
  const double cell_h = 30;
  const double plot_w = cell_w * static_cast<double>(nx);
  const double plot_h = cell_h * static_cast<double>(ny);
  // The y title runs up the left side when it fits there, else above the y labels.
  const bool y_title_rotated = text_width(g.keys[1]) + 8 <= plot_h;
  const double left = (y_title_rotated ? 28 : 8) + widest_y + 10;
  const double top = y_title_rotated ? 10 : 30;
  const double width = std::max(left + std::max(plot_w, text_width(g.keys[0]) + 20) + 16,
                                y_title_rotated ? 0.0 : text_width(g.keys[1]) + 24);
  const double height = top + plot_h + 54;

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\">",
      svg_num(width), svg_num(height), svg_num(width), svg_num(height));
  s += hatch_defs();
  for (std::size_t y = 0; y < ny; ++y) {
    // The first y value at the bottom, as on a plot.
    const double cy = top + plot_h - cell_h * static_cast<double>(y + 1);
    for (std::size_t x = 0; x < nx; ++x) {
      const Cell& c = panel.cells[y][x];
      const double cx = left + cell_w * static_cast<double>(x);
      const std::optional<double> m = c.mean();
      std::string fill = "url(#no-runs)";
      std::string label;
      const char* ink = "#555";
      if (m) {
        const auto colour = ramp(scale.t(*m));
        fill = hex(colour);
        ink = text_colour(colour);
        label = format_metric_value(metric, *m);
      } else if (c.runs > 0) {
        fill = "#e6e6e6";
        label = "\u2013";  // runs, but no value (no stall to take a quantile of)
      }
      s += fmt::format("<g class=\"cell\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                       "stroke=\"#fff\"/>{}",
                       svg_num(cx), svg_num(cy), svg_num(cell_w), svg_num(cell_h), fill,
                       tooltip(g, panel, x, y, c, metric));
      if (!label.empty()) {
        s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                         svg_num(cx + cell_w / 2), svg_num(cy + cell_h / 2 + 4), ink, html_escape(label));
      }
      s += "</g>";
    }
    s += fmt::format("<text class=\"y-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", svg_num(left - 6),
                     svg_num(cy + cell_h / 2 + 4), html_escape(g.values[1][y]));
  }
  for (std::size_t x = 0; x < nx; ++x) {
    s += fmt::format("<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                     svg_num(left + cell_w * (static_cast<double>(x) + 0.5)), svg_num(top + plot_h + 16),
                     html_escape(g.values[0][x]));
  }
  s += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                   svg_num(left + plot_w / 2), svg_num(top + plot_h + 40), html_escape(g.keys[0]));
  if (y_title_rotated) {
    s += fmt::format(
        "<text class=\"axis-title\" x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        svg_num(top + plot_h / 2), svg_num(top + plot_h / 2), html_escape(g.keys[1]));
  } else {
    s += fmt::format("<text class=\"axis-title\" x=\"8\" y=\"18\">{}</text>", html_escape(g.keys[1]));
  }
  s += "</svg>\n";
  return s;
}

std::string bar_svg(const Grid& g, const Panel& panel, const Metric& metric, const Scale& scale) {
  const std::size_t nx = g.nx();
  const std::string x_title = g.keys.empty() ? std::string("(no grid: all runs)") : g.keys[0];
  double widest = 0;
  for (std::size_t x = 0; x < nx; ++x) {
    widest = std::max(widest, text_width(g.keys.empty() ? "all runs" : g.values[0][x]));
    if (const auto m = panel.cells[0][x].mean()) widest = std::max(widest, text_width(format_metric_value(metric, *m)));
  }
  const std::string lo_label = format_metric_value(metric, scale.lo);
  const std::string hi_label = format_metric_value(metric, scale.hi);
  const double left = 16 + std::max(text_width(lo_label), text_width(hi_label)) + 8;
  const double top = 24;
  const double plot_h = 200;
  const double slot = std::max(48.0, widest + 14);
  const double plot_w = slot * static_cast<double>(nx);
  const double width = left + std::max(plot_w, text_width(x_title) + 20) + 16;
  const double height = top + plot_h + 54;
  auto y_of = [&](double v) { return top + plot_h - plot_h * scale.t(v); };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\">",
      svg_num(width), svg_num(height), svg_num(width), svg_num(height));
  s += hatch_defs();
  // The value axis: lowest and highest value of the scale.
  s += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#888\"/>", svg_num(left - 2),
                   svg_num(top), svg_num(top + plot_h));
  for (const auto& [v, label] : {std::pair{scale.lo, lo_label}, std::pair{scale.hi, hi_label}}) {
    s += fmt::format("<text class=\"y-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", svg_num(left - 6),
                     svg_num(y_of(v) + 4), html_escape(label));
  }
  for (std::size_t x = 0; x < nx; ++x) {
    const Cell& c = panel.cells[0][x];
    const double bx = left + slot * static_cast<double>(x) + 4;
    const double bw = slot - 8;
    s += "<g class=\"bar\">";
    if (const std::optional<double> m = c.mean()) {
      const double y = y_of(*m);
      const double y0 = y_of(std::max(scale.lo, 0.0));
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", svg_num(bx),
                       svg_num(std::min(y, y0)), svg_num(bw), svg_num(std::max(std::fabs(y0 - y), 1.0)),
                       hex(ramp(scale.t(*m))));
      s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", svg_num(bx + bw / 2),
                       svg_num(std::min(y, y0) - 5), html_escape(format_metric_value(metric, *m)));
    } else {
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", svg_num(bx),
                       svg_num(top + plot_h - 20), svg_num(bw), "20", c.runs > 0 ? "#e6e6e6" : "url(#no-runs)");
      s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", svg_num(bx + bw / 2),
                       svg_num(top + plot_h - 25), c.runs > 0 ? "\u2013" : "no runs");
    }
    s += tooltip(g, panel, x, 0, c, metric) + "</g>";
    s += fmt::format("<text class=\"x-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                     svg_num(bx + bw / 2), svg_num(top + plot_h + 16),
                     html_escape(g.keys.empty() ? std::string("all runs") : g.values[0][x]));
  }
  s += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                   svg_num(left + plot_w / 2), svg_num(top + plot_h + 40), html_escape(x_title));
  s += "</svg>\n";
  return s;
}

std::string legend_svg(const Metric& metric, const Scale& scale) {
  const double bar_w = 240;
  std::string s =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"legend\" width=\"620\" height=\"46\" viewBox=\"0 0 620 46\">";
  s += hatch_defs();
  s += "<defs><linearGradient id=\"ramp\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">";
  for (std::size_t i = 0; i < kRamp.size(); ++i) {
    s += fmt::format("<stop offset=\"{}\" stop-color=\"{}\"/>",
                     svg_num(static_cast<double>(i) / static_cast<double>(kRamp.size() - 1)), hex(kRamp[i]));
  }
  s += "</linearGradient></defs>";
  s += fmt::format("<rect x=\"10\" y=\"6\" width=\"{}\" height=\"14\" fill=\"url(#ramp)\"/>", svg_num(bar_w));
  const double mid = (scale.lo + scale.hi) / 2;
  const std::array<std::pair<double, const char*>, 3> ticks = {
      {{scale.lo, "start"}, {mid, "middle"}, {scale.hi, "end"}}};
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double x = 10 + bar_w * static_cast<double>(i) / 2;
    s += fmt::format("<text x=\"{}\" y=\"36\" text-anchor=\"{}\">{}</text>", svg_num(x), ticks[i].second,
                     html_escape(format_metric_value(metric, ticks[i].first)));
  }
  s += "<rect x=\"280\" y=\"6\" width=\"22\" height=\"14\" fill=\"#e6e6e6\"/>"
       "<text x=\"308\" y=\"18\">\u2013 no value (e.g. no stall)</text>"
       "<rect x=\"500\" y=\"6\" width=\"22\" height=\"14\" fill=\"url(#no-runs)\" stroke=\"#bbb\"/>"
       "<text x=\"528\" y=\"18\">no runs</text>";
  s += "</svg>\n";
  return s;
}

// The records in index order, each run once; a run given twice with other
// results is an error, the same run twice a warning.
std::vector<SweepRecord> distinct_runs(std::vector<SweepRecord> records, HeatmapResult& result) {
  std::stable_sort(records.begin(), records.end(),
                   [](const SweepRecord& a, const SweepRecord& b) { return a.index < b.index; });
  std::vector<SweepRecord> runs;
  std::size_t duplicates = 0;
  for (SweepRecord& r : records) {
    if (!runs.empty() && runs.back().index == r.index) {
      if (runs.back() == r) {
        ++duplicates;
      } else {
        result.errors.push_back(fmt::format("run {} appears twice with different results (runs of different "
                                            "sweeps mixed?)",
                                            r.index));
      }
      continue;
    }
    runs.push_back(std::move(r));
  }
  if (duplicates > 0) {
    result.warnings.push_back(fmt::format("{} run(s) appear more than once (a shard given twice?); each counted once",
                                          duplicates));
  }
  return runs;
}

// Every run of one sweep, with the grid keys of the first; errors otherwise.
void check_same_sweep(const std::vector<SweepRecord>& runs, const Grid& g, HeatmapResult& result) {
  const std::string& name = runs.front().sweep;
  for (const SweepRecord& r : runs) {
    if (r.sweep != name) {
      result.errors.push_back(
          fmt::format("run {} is from sweep '{}', run {} from '{}'", runs.front().index, name, r.index, r.sweep));
      break;
    }
    bool same_keys = r.params.size() == g.keys.size();
    for (std::size_t k = 0; same_keys && k < g.keys.size(); ++k) same_keys = r.params[k].first == g.keys[k];
    if (!same_keys) {
      result.errors.push_back(fmt::format("run {} has other grid keys than run {}", r.index, runs.front().index));
      break;
    }
  }
}

// The panels and their cells: each run's metric added to its grid point.
void fill_grid(const std::vector<SweepRecord>& runs, const Metric& metric, Grid& g) {
  // Axis values in first-appearance order, which is grid order.
  std::vector<std::vector<std::size_t>> at(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (std::size_t k = 0; k < g.keys.size(); ++k) at[i].push_back(value_index(g.values[k], runs[i].params[k].second));
  }
  std::map<std::vector<std::size_t>, std::size_t> panel_of;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::vector<std::size_t> rest(at[i].begin() + std::min<std::size_t>(2, at[i].size()), at[i].end());
    auto [it, added] = panel_of.try_emplace(rest, g.panels.size());
    if (added) g.panels.push_back(Panel{rest, {}});
  }
  for (Panel& p : g.panels) p.cells.assign(g.ny(), std::vector<Cell>(g.nx()));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::vector<std::size_t>& v = at[i];
    Panel& p = g.panels[panel_of.at(std::vector<std::size_t>(v.begin() + std::min<std::size_t>(2, v.size()), v.end()))];
    Cell& c = p.cells[v.size() >= 2 ? v[1] : 0][v.empty() ? 0 : v[0]];
    ++c.runs;
    if (const std::optional<double> m = metric.value(runs[i])) {
      ++c.valued;
      c.sum += *m;
    }
  }
}

// The colour scale over every cell's mean, from 0 or below.
Scale scale_of(const Grid& g) {
  Scale scale;
  bool any = false;
  for (const Panel& p : g.panels) {
    for (const auto& row : p.cells) {
      for (const Cell& c : row) {
        if (const auto m = c.mean()) {
          scale.lo = any ? std::min(scale.lo, *m) : std::min(0.0, *m);
          scale.hi = any ? std::max(scale.hi, *m) : *m;
          any = true;
        }
      }
    }
  }
  if (!any) scale = Scale{0, 1};
  if (scale.hi <= scale.lo) scale.hi = scale.lo + 1;  // all zero: any scale draws them alike
  return scale;
}

// "3 run(s) per grid point", or "1 to 3 runs per grid point"; `empty_cells`
// and `all_cells` count the grid points without runs and all of them.
std::string runs_per_point(const Grid& g, std::size_t& empty_cells, std::size_t& all_cells) {
  std::size_t min_runs = SIZE_MAX;
  std::size_t max_runs = 0;
  for (const Panel& p : g.panels) {
    for (const auto& row : p.cells) {
      for (const Cell& c : row) {
        ++all_cells;
        if (c.runs == 0) {
          ++empty_cells;
          continue;
        }
        min_runs = std::min(min_runs, c.runs);
        max_runs = std::max(max_runs, c.runs);
      }
    }
  }
  return min_runs == max_runs ? fmt::format("{} run(s) per grid point", max_runs)
                              : fmt::format("{} to {} runs per grid point", min_runs, max_runs);
}

// The page: title, what was run, the legend, then one heat map (or bar
// chart, for one grid key) per panel.
std::string page(const std::vector<SweepRecord>& runs, const Grid& g, const Metric& metric,
                 const std::vector<std::string>& warnings) {
  const std::string& name = runs.front().sweep;
  const Scale scale = scale_of(g);
  std::size_t empty_cells = 0;
  std::size_t all_cells = 0;
  const std::string seeds = runs_per_point(g, empty_cells, all_cells);
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += fmt::format("<title>synsim sweep {}: {}</title>\n", html_escape(name), html_escape(metric.label));
  h += "<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
  h += fmt::format("<h1>Sweep <code>{}</code>: {}</h1>\n", html_escape(name), html_escape(metric.label));
  std::string keys;
  for (const std::string& k : g.keys) keys += (keys.empty() ? "" : ", ") + ("<code>" + html_escape(k) + "</code>");
  h += fmt::format("<p>{} runs, {}, averaged over seeds; metric <code>{}</code>; grid keys: {}.</p>\n", runs.size(),
                   seeds, html_escape(metric.name), keys.empty() ? std::string("none") : keys);
  if (g.keys.size() >= 2) {
    h += "<p>x: the first grid key, y: the second";
    if (g.keys.size() > 2) h += "; one panel per combination of the others";
    h += ". Hover a cell for its parameters and run count.</p>\n";
  }
  if (empty_cells > 0) {
    h += fmt::format("<p class=\"warn\">{} of {} grid points have no runs (a shard missing?).</p>\n", empty_cells,
                     all_cells);
  }
  for (const std::string& w : warnings) h += "<p class=\"warn\">" + html_escape(w) + ".</p>\n";
  h += legend_svg(metric, scale);
  for (const Panel& p : g.panels) {
    if (!p.rest.empty()) {
      std::string title;
      for (std::size_t k = 0; k < p.rest.size(); ++k) {
        title += (title.empty() ? "" : ", ") + g.keys[k + 2] + "=" + g.values[k + 2][p.rest[k]];
      }
      h += "<h2>" + html_escape(title) + "</h2>\n";
    }
    h += g.keys.size() >= 2 ? heatmap_svg(g, p, metric, scale) : bar_svg(g, p, metric, scale);
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace

HeatmapResult render_heatmap_html(std::vector<SweepRecord> records, const Metric& metric) {
  HeatmapResult result;
  if (records.empty()) {
    result.errors.push_back("no sweep runs to draw");
    return result;
  }
  const std::vector<SweepRecord> runs = distinct_runs(std::move(records), result);
  Grid g;
  for (const auto& [k, v] : runs.front().params) g.keys.push_back(k);
  g.values.resize(g.keys.size());
  check_same_sweep(runs, g, result);
  if (!result.errors.empty()) return result;
  fill_grid(runs, metric, g);
  result.html = page(runs, g, metric, result.warnings);
  return result;
}

}  // namespace synsim::sweep
