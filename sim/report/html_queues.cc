// The HTML report's listener queue plots, on the timeline's axis.
#include "sim/report/html_parts.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/outcome/judge.h"

namespace synsim::report::detail {

std::string queue_plots(const std::vector<const SideData*>& sides, const BrokenAxis& axis) {
  constexpr double kPlotH = 120;
  constexpr double kTop = 26;
  constexpr double kBlock = kTop + kPlotH + 22;
  double height = kAxisH + kBlock * static_cast<double>(sides.size()) + 6;
  std::string out = svg_open(height, "queues", "listener queue depths over time");
  double axis_y = height - kAxisH + 6;
  out += time_axis(axis, axis_y, false, 8, axis_y, false);
  for (std::size_t si = 0; si < sides.size(); ++si) {
    const SideData& s = *sides[si];
    const Outcome& o = *s.o;
    double y0 = static_cast<double>(si) * kBlock;
    out += fmt::format("<g class=\"queue-plot\" data-side=\"{}\" transform=\"translate(0,{})\">\n", esc(s.label), num(y0));
    out += fmt::format("<text class=\"ptitle\" x=\"10\" y=\"{}\">{}</text>\n", num(kTop + 2), esc(s.label));
    out += fmt::format("<text class=\"lside\" x=\"10\" y=\"{}\">{}</text>\n", num(kTop + 17), esc(o.info.kernel));
    std::int64_t max_v = std::max<std::int64_t>(o.accept_queue_limit, 1);
    for (const auto& q : o.queues) max_v = std::max({max_v, q.syn_queue, q.accept_queue});
    max_v += 1;
    auto yv = [&](std::int64_t v) {
      return kTop + kPlotH - kPlotH * static_cast<double>(v) / static_cast<double>(max_v);
    };
    std::int64_t step = 1;
    while (max_v / step > 5) step = step == 1 ? 2 : step == 2 ? 5 : step * 2;
    for (std::int64_t v = 0; v <= max_v; v += step) {
      out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kPlotX0), num(kPlotX1),
                         num(yv(v)));
      out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", num(kPlotX0 - 6),
                         num(yv(v) + 3.5), v);
    }
    out += fmt::format("<text class=\"ylabel\" transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\">"
                       "depth (sockets)</text>\n",
                       num(kPlotX0 - 30), num(kTop + kPlotH / 2));
    out += fmt::format("<line class=\"axisline\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", num(kPlotX0),
                       num(kTop), num(kTop + kPlotH));
    if (o.queues.empty()) {
      out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"{}\">no queue samples recorded on this side</text>\n",
                         num(kPlotX0 + 20), num(kTop + kPlotH / 2));
    } else {
      auto path = [&](auto value) {
        std::string d;
        for (std::size_t i = 0; i < o.queues.size(); ++i) {
          double x = axis.x(to_ns(o.queues[i].time));
          double y = yv(value(o.queues[i]));
          d += i == 0 ? fmt::format("M{} {}", num(x), num(y)) : fmt::format("H{}V{}", num(x), num(y));
        }
        d += fmt::format("H{}", num(axis.x1()));
        return d;
      };
      out += fmt::format("<path class=\"q-syn\" d=\"{}\"><title>{}: SYN queue (request socks)</title></path>\n",
                         path([](const outcome::QueueSample& q) { return q.syn_queue; }), esc(s.label));
      out += fmt::format("<path class=\"q-accept\" d=\"{}\"><title>{}: accept queue (children waiting for accept())</title></path>\n",
                         path([](const outcome::QueueSample& q) { return q.accept_queue; }), esc(s.label));
    }
    if (o.accept_queue_limit > 0) {
      double ly = yv(o.accept_queue_limit);
      out += fmt::format("<line class=\"q-limit\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>", num(kPlotX0),
                         num(kPlotX1), num(ly));
      out += fmt::format("<text class=\"q-limit-label\" x=\"{}\" y=\"{}\">limit {}</text>\n", num(kPlotX1 + 8),
                         num(ly + 3.5), o.accept_queue_limit);
    }
    // Legend, top right of the block.
    out += fmt::format("<g transform=\"translate({},{})\"><line class=\"key q-syn\" x1=\"0\" x2=\"18\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"24\" y=\"3.5\">SYN queue</text>"
                       "<line class=\"key q-accept\" x1=\"100\" x2=\"118\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"124\" y=\"3.5\">accept queue</text>"
                       "<line class=\"key q-limit\" x1=\"210\" x2=\"228\" y1=\"0\" y2=\"0\"/>"
                       "<text class=\"tick\" x=\"234\" y=\"3.5\">limit</text></g>\n",
                       num(kPlotX1 - 270), num(kTop - 12));
    out += "</g>\n";
  }
  out += fmt::format("<text class=\"ylabel\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time since the run started "
                     "(same broken axis as the timeline)</text>\n",
                     num(kPlotX1), num(axis_y + 34));
  out += "</svg>\n";
  return out;
}

}  // namespace synsim::report::detail
