// Internal to the HTML report (html.h): what the report's section renderers
// share -- the page geometry, the data gathered from one side, the shared
// time axis -- and the section renderers html.cc assembles into the page.
// Not part of the report layer's interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/outcome/outcome.h"
#include "sim/report/html.h"
#include "sim/report/svg.h"

namespace synsim::report::detail {

using outcome::ConnectionOutcome;
using outcome::ConnectionRecord;
using outcome::Outcome;
using outcome::Packet;

inline std::string esc(std::string_view s) { return html_escape(s); }
inline std::string num(double v) { return svg_num(v); }

// --- page geometry (px) -----------------------------------------------------
constexpr double kWidth = 1312;       // every SVG: the width inside a section
constexpr double kPlotX0 = 176;       // left of the time axis
constexpr double kPlotX1 = 1212;      // right of the time axis; the status column follows
constexpr double kLaneH = 40;
constexpr double kConnGap = 6;
constexpr double kAxisH = 44;

// --- data gathered from one side (html_parts.cc) -------------------------------

struct SideData {
  const Outcome* o = nullptr;
  std::string label;  // "model" / "kernel"
  std::vector<PacketInfo> infos;
  std::map<std::string, const ConnectionRecord*> records;
  std::map<std::string, std::vector<std::size_t>> packets_of;  // connection -> packet indexes
};

SideData gather(const Outcome* o, std::string label);
const ConnectionRecord* record(const SideData& s, const std::string& name);
// A connection worth showing first: explained, stalled or not completed.
bool notable(const ConnectionRecord* c);
std::string outcome_text(const ConnectionRecord& c);
std::string time_or_dash(const std::optional<Time>& t);
// Connection names in model order, then kernel-only ones.
std::vector<std::string> all_names(const SideData& m, const SideData& k);
// Up to `limit` names: notable ones first, the result in scenario order.
std::vector<std::string> pick(const std::vector<std::string>& names, const SideData& m, const SideData& k,
                              std::size_t limit);

// --- SVG pieces (html_parts.cc) --------------------------------------------------

std::string svg_open(double height, std::string_view cls, std::string_view label);
std::string defs();
// Tick labels and grid lines for the shared time axis. `label_y` is where
// the labels go; grid lines run from grid_y0 to grid_y1.
std::string time_axis(const BrokenAxis& axis, double axis_y, bool labels_above, double grid_y0, double grid_y1,
                      bool gap_labels);

// --- sections ------------------------------------------------------------------

// html_verdict.cc: AGREE / DISAGREE, the runs and each side's key figures.
std::string verdict(const HtmlReport& r, const SideData& m, const SideData& k);
// html_expect.cc: the banner naming each failed expect: (first on the page,
// "" when all held), and the section listing every result.
bool any_expectation_failed(const HtmlReport& r);
std::string expectations_banner(const HtmlReport& r);
std::string expectations_section(const HtmlReport& r);
// html_lanes.cc: the timeline's legend, its axis times and the swimlanes.
std::string legend();
std::vector<std::int64_t> axis_times(const std::vector<const SideData*>& sides, const std::vector<std::string>& names);
std::string swimlanes(const std::vector<const SideData*>& sides, const std::vector<std::string>& names,
                      const BrokenAxis& axis);
// html_queues.cc: SYN and accept queue depth over time, per side.
std::string queue_plots(const std::vector<const SideData*>& sides, const BrokenAxis& axis);
// html_cdf.cc: the CDFs of stalls and latencies.
std::string distributions(const std::vector<const SideData*>& sides);
// html_tables.cc: the counter and per-connection tables.
std::string counter_table(const HtmlReport& r);
std::string connection_table(const HtmlReport& r, const std::vector<const SideData*>& sides,
                             const std::vector<std::string>& names);
// html_explanations.cc: the model's story of each stalled or failed connection.
std::string explanations(const Outcome& model);

}  // namespace synsim::report::detail
