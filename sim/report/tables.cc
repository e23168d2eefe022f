#include "sim/report/tables.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sim/core/time.h"

namespace synsim::report {

namespace {

enum class Align { left, right };

// Columns separated by two spaces; no trailing blanks.
std::string render_table(const std::vector<Align>& align, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(align.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) line += "  ";
      std::string pad(width[c] - row[c].size(), ' ');
      switch (align[c]) {
        case Align::left: line += row[c] + pad; break;
        case Align::right: line += pad + row[c]; break;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

std::string seconds_or_dash(const std::optional<Time>& t) { return t ? format_seconds(*t) : "-"; }

std::string headline(const outcome::ConnectionRecord& c) {
  auto stall = c.stall();
  if (c.outcome == outcome::ConnectionOutcome::completed && stall) {
    return fmt::format("{}: stalled {}", c.name, format_duration(*stall));
  }
  std::string text = fmt::format("{}: {}", c.name, outcome::to_string(c.outcome));
  if (!c.error.empty()) text += fmt::format(" ({})", c.error);
  if (stall) text += fmt::format(", stalled {}", format_duration(*stall));
  return text;
}

}  // namespace

std::string render_connections(const outcome::Outcome& outcome) {
  using A = Align;
  const std::vector<Align> align = {A::left,  A::right, A::right, A::right, A::right, A::right, A::right,
                                    A::left,  A::left,  A::right, A::right, A::right, A::right};
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"name", "port", "connect", "connected", "data_sent", "accepted", "delivered", "outcome", "error",
                  "syn_rtx", "synack_rtx", "data_rtx", "stall"});
  // A run of thousands of connections lists the ones with a story (an
  // explanation or an outcome other than completed) and counts the rest;
  // --format json always has every record.
  constexpr std::size_t kMaxRows = 200;
  const bool trim = outcome.connections.size() > kMaxRows;
  std::size_t shown = 0;
  for (const auto& c : outcome.connections) {
    if (trim && (shown >= kMaxRows ||
                 (c.explanation.empty() && c.outcome == outcome::ConnectionOutcome::completed))) {
      continue;
    }
    ++shown;
    auto stall = c.stall();
    rows.push_back({c.name, std::to_string(c.client_port), seconds_or_dash(c.connect_start),
                    seconds_or_dash(c.connect_done), seconds_or_dash(c.first_data_sent), seconds_or_dash(c.accepted),
                    seconds_or_dash(c.data_delivered), outcome::to_string(c.outcome), c.error.empty() ? "-" : c.error,
                    std::to_string(c.syn_retransmits), std::to_string(c.synack_retransmits),
                    std::to_string(c.data_retransmits), stall ? format_duration(*stall) : "-"});
  }
  std::string out = render_table(align, rows);
  if (trim) {
    out += fmt::format("({} of {} connections shown: those with an explanation or not completed, at most {}; "
                       "--format json lists every one)\n",
                       shown, outcome.connections.size(), kMaxRows);
  }
  std::size_t explained = 0;
  for (const auto& c : outcome.connections) {
    if (c.explanation.empty()) continue;
    if (trim && ++explained > kMaxRows) break;
    out += '\n';
    out += headline(c);
    out += '\n';
    for (const auto& line : c.explanation) out += fmt::format("  {}\n", line);
  }
  return out;
}

std::string render_counters(const outcome::Outcome& outcome) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : outcome.counters) rows.push_back({name, std::to_string(value)});
  return render_table({Align::left, Align::right}, rows);
}

std::string render_summary(const outcome::Outcome& outcome) {
  const auto& info = outcome.info;
  std::vector<std::vector<std::string>> header = {
      {"scenario", info.scenario},
      {"source", info.source},
      {"kernel", info.kernel},
      {"HZ", std::to_string(info.hz)},
      {"seed", std::to_string(info.seed)},
      {"duration", format_duration(info.duration)},
      {"events", std::to_string(info.events)},
      {"trace hash", fmt::format("{:016x}", info.trace_hash)},
  };
  if (info.partial) {
    header.push_back({"partial", fmt::format("yes: stopped at {} s (interrupted)", format_seconds(info.stopped_at))});
  }
  std::string out = render_table({Align::left, Align::left}, header);
  out += fmt::format("\nconnections ({})\n", outcome.connections.size());
  out += render_connections(outcome);
  out += "\ncounters\n";
  out += outcome.counters.empty() ? "(none)\n" : render_counters(outcome);
  return out;
}

}  // namespace synsim::report
