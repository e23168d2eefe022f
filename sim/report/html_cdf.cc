// The HTML report's distributions: cumulative distributions of stalls and
// latencies, model and kernel, on log-scaled duration axes.
#include "sim/report/html_parts.h"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "sim/outcome/judge.h"

namespace synsim::report::detail {

namespace {

struct Series {
  std::string side;
  std::vector<std::pair<std::int64_t, std::string>> values;  // ns, connection
};

// One chart's geometry (px).
constexpr double kW = 640;
constexpr double kH = 230;
constexpr double kL = 56;
constexpr double kR = 20;
constexpr double kT = 30;
constexpr double kB = 44;

// The y of cumulative fraction f.
double cdf_y(double f) { return kT + (kH - kT - kB) * (1.0 - f); }

struct DurationRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::size_t total = 0;  // values over all series
};

// The values' range, widened to the threshold; 1 us .. 1 s when there are none.
DurationRange range_of(const std::vector<Series>& series, std::optional<std::int64_t> threshold) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = 0;
  std::size_t total = 0;
  for (const auto& s : series) {
    for (const auto& [v, n] : s.values) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      ++total;
    }
  }
  if (threshold && total > 0) {
    lo = std::min(lo, *threshold);
    hi = std::max(hi, *threshold);
  }
  if (total == 0) {
    lo = 1'000;
    hi = 1'000'000'000;
  }
  return {lo, hi, total};
}

// The frame: percentage grid, decade ticks, axes and their labels, the
// threshold, and a note when there is nothing to draw.
std::string cdf_frame(const LogAxis& ax, std::optional<std::int64_t> threshold, std::size_t total) {
  std::string out;
  for (int p = 0; p <= 4; ++p) {
    double f = p / 4.0;
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kL), num(kW - kR),
                       num(cdf_y(f)));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}%</text>\n", num(kL - 6),
                       num(cdf_y(f) + 3.5), p * 25);
  }
  for (std::int64_t d : ax.decades()) {
    out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>", num(ax.x(d)), num(kT),
                       num(cdf_y(0)));
    out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", num(ax.x(d)),
                       num(cdf_y(0) + 15), esc(axis_time_label(d)));
  }
  out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n", num(kL), num(kW - kR),
                     num(cdf_y(0)));
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">duration (log scale)</text>\n",
                     num((kL + kW - kR) / 2), num(kH - 8));
  out += fmt::format("<text class=\"ylabel\" transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">"
                     "connections ≤ x</text>\n",
                     num(cdf_y(0.5)));
  if (threshold) {
    double x = ax.x(*threshold);
    out += fmt::format("<line class=\"threshold\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
                       "<text class=\"tick\" x=\"{3}\" y=\"{4}\">stall threshold {5}</text>\n",
                       num(x), num(kT), num(cdf_y(0)), num(x + 4), num(cdf_y(0) - 6),
                       esc(format_duration(Duration{*threshold})));
  }
  if (total == 0) {
    out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no values on either side</text>\n",
                       num((kL + kW - kR) / 2), num(cdf_y(0.5)));
  }
  return out;
}

// One side's step curve, a dot per connection (its name on hover) and its
// line in the legend, row `si` (top left: a CDF is low there).
std::string cdf_series(const LogAxis& ax, const Series& s, std::size_t si) {
  std::string out;
  double legend_x = kL + 12;
  auto vals = s.values;
  std::sort(vals.begin(), vals.end());
  const double n = static_cast<double>(vals.size());
  std::string d = fmt::format("M{} {}", num(ax.x(vals.front().first)), num(cdf_y(0)));
  for (std::size_t i = 0; i < vals.size(); ++i) {
    d += fmt::format("H{}V{}", num(ax.x(vals[i].first)), num(cdf_y(static_cast<double>(i + 1) / n)));
  }
  d += fmt::format("H{}", num(kW - kR));
  out += fmt::format("<path class=\"cdf-{}\" d=\"{}\"/>\n", esc(s.side), d);
  for (std::size_t i = 0; i < vals.size(); ++i) {
    out += fmt::format("<circle class=\"dot-{}\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>{} {}: {}</title></circle>\n",
                       esc(s.side), num(ax.x(vals[i].first)), num(cdf_y(static_cast<double>(i + 1) / n)), esc(s.side),
                       esc(vals[i].second), esc(format_duration(Duration{vals[i].first})));
  }
  double ly = kT + 6 + 16 * static_cast<double>(si);
  out += fmt::format("<line class=\"cdf-{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/>"
                     "<text class=\"tick\" x=\"{4}\" y=\"{5}\">{6} (n={7})</text>\n",
                     esc(s.side), num(legend_x), num(legend_x + 22), num(ly), num(legend_x + 28), num(ly + 3.5),
                     esc(s.side), vals.size());
  return out;
}

std::string cdf_chart(const std::string& title, const std::string& cls, const std::vector<Series>& series,
                      std::optional<std::int64_t> threshold) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cdf {}\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n",
      cls, num(kW), num(kH), num(kW), num(kH), esc(title));
  out += fmt::format("<text class=\"ptitle\" x=\"{}\" y=\"16\">{}</text>\n", num(kL), esc(title));
  const DurationRange range = range_of(series, threshold);
  LogAxis ax(range.lo, range.hi, kL, kW - kL - kR);
  out += cdf_frame(ax, threshold, range.total);
  std::size_t si = 0;
  for (const auto& s : series) {
    if (!s.values.empty()) out += cdf_series(ax, s, si);
    ++si;
  }
  out += "</svg>\n";
  return out;
}

}  // namespace

std::string distributions(const std::vector<const SideData*>& sides) {
  auto collect = [&](auto value) {
    std::vector<Series> out;
    for (const SideData* s : sides) {
      Series se{s->label, {}};
      for (const auto& c : s->o->connections) {
        if (auto v = value(c)) se.values.emplace_back(to_ns(*v), c.name);
      }
      out.push_back(std::move(se));
    }
    return out;
  };
  auto stall = collect([](const ConnectionRecord& c) { return c.stall(); });
  auto connect = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_start && c.connect_done) return *c.connect_done - *c.connect_start;
    return std::nullopt;
  });
  auto accept_wait = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_done && c.accepted && *c.accepted >= *c.connect_done) return *c.accepted - *c.connect_done;
    return std::nullopt;
  });
  auto total = collect([](const ConnectionRecord& c) -> std::optional<Duration> {
    if (c.connect_start && c.response_received) return *c.response_received - *c.connect_start;
    return std::nullopt;
  });
  std::string out = "<div class=\"twocol\">\n";
  out += cdf_chart("Request stall (first data sent → delivered to the server)", "stall", stall, to_ns(outcome::kStallThreshold));
  out += cdf_chart("Connect latency (connect() called → returned)", "connect", connect, std::nullopt);
  out += cdf_chart("Accept wait (connect() returned → accept() returned it)", "accept-wait", accept_wait, std::nullopt);
  out += cdf_chart("Request latency (connect() called → first response byte)", "total", total, std::nullopt);
  out += "</div>\n";
  return out;
}

}  // namespace synsim::report::detail
