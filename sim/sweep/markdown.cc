#include "sim/sweep/markdown.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace synsim::sweep {

namespace {

// The listen path's counters, in the order a stall is read: the queue
// overflowed, segments were dropped, what was retransmitted.
constexpr std::array<std::string_view, 5> kCounters{"TcpExtListenOverflows", "TcpExtListenDrops",
                                                    "TcpExtTCPSynRetrans", "TcpExtTCPTimeouts", "TcpRetransSegs"};
// Metrics already shown by the fixed columns.
constexpr std::array<std::string_view, 4> kShown{"connections", "completed", "stalled", "stall_max"};

// A cell's text with Markdown's column separator escaped.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string duration_cell(const std::optional<std::int64_t>& ns) {
  if (!ns) return "-";
  return format_metric_value(Metric{"", "", Metric::Unit::ns}, static_cast<double>(*ns));
}

std::int64_t counter(const SweepRecord& r, std::string_view name) {
  const auto it = r.summary.counters.find(std::string(name));
  return it == r.summary.counters.end() ? 0 : it->second;
}

bool metric_has_own_column(const Metric& m) {
  if (std::find(kShown.begin(), kShown.end(), m.name) != kShown.end()) return false;
  for (const std::string_view c : kCounters) {
    if (m.name == "counter:" + std::string(c)) return false;
  }
  return m.name != "expectations_passed";
}

std::string header(const SweepRecord& first, bool seeds, const Metric& metric) {
  std::string h = "|";
  std::string rule = "|";
  for (const auto& p : first.params) {
    h += " " + cell(p.first) + " |";
    rule += "---|";
  }
  if (seeds) {
    h += " seed |";
    rule += "---|";
  }
  h += " connections | completed | stalled > 190 ms | longest stall | connect() p99 |";
  rule += "---|---|---|---|---|";
  for (const std::string_view c : kCounters) {
    h += " " + std::string(c.substr(c.rfind("Ext") == std::string_view::npos ? 3 : 6)) + " |";
    rule += "---|";
  }
  if (metric_has_own_column(metric)) {
    h += " " + cell(metric.label) + " |";
    rule += "---|";
  }
  h += " expect: |";
  rule += "---|";
  return h + "\n" + rule + "\n";
}

std::string row(const SweepRecord& r, bool seeds, const Metric& metric) {
  const RunSummary& s = r.summary;
  std::string line = "|";
  for (const auto& p : r.params) line += " " + cell(p.second) + " |";
  if (seeds) line += " " + std::to_string(r.seed) + " |";
  line += " " + std::to_string(s.connections) + " | " + std::to_string(s.completed) + " | " +
          std::to_string(s.stalled) + " | " + duration_cell(s.stall_max_ns) + " | " +
          duration_cell(s.connect_p99_ns) + " |";
  for (const std::string_view c : kCounters) line += " " + std::to_string(counter(r, c)) + " |";
  if (metric_has_own_column(metric)) {
    const std::optional<double> v = metric.value(r);
    line += " " + (v ? format_metric_value(metric, *v) : std::string("-")) + " |";
  }
  line += std::string(" ") + (!s.expectations_passed ? "-" : *s.expectations_passed ? "holds" : "fails") + " |";
  return line + "\n";
}

}  // namespace

std::string render_sweep_markdown(std::vector<SweepRecord> records, const Metric& metric) {
  std::sort(records.begin(), records.end(),
            [](const SweepRecord& a, const SweepRecord& b) { return a.index < b.index; });
  records.erase(std::unique(records.begin(), records.end(),
                            [](const SweepRecord& a, const SweepRecord& b) { return a.index == b.index; }),
                records.end());
  if (records.empty()) return "(no runs)\n";
  const bool seeds = std::any_of(records.begin(), records.end(),
                                 [&](const SweepRecord& r) { return r.seed != records.front().seed; });
  std::string md = "`" + cell(records.front().sweep) + "`, " + std::to_string(records.size()) + " run" +
                   (records.size() == 1 ? "" : "s") + " (synsim sweep, model):\n\n";
  md += header(records.front(), seeds, metric);
  for (const SweepRecord& r : records) md += row(r, seeds, metric);
  return md;
}

}  // namespace synsim::sweep
