#include "sim/report/tables.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "sim/core/time.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/latency.h"
#include "sim/report/expect_text.h"
#include "sim/report/reason_text.h"

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

std::string host_load_text(const outcome::HostLoad& host) {
  const std::int64_t pm = host.other_per_mille();
  std::string text =
      fmt::format("{} CPUs; other processes took {}.{:02} CPU on average during the run{}", host.cpus, pm / 1000,
                  (pm % 1000) / 10,
                  host.busy() ? ": BUSY, the figures are the machine's as much as the workload's; re-run on a "
                                "quiet machine"
                              : " (quiet)");
  // The VM's own speed, which the figure above cannot see (loopback_probe.h).
  if (host.loopback_cycle > Duration{0}) {
    text += fmt::format("; a loopback connect/accept/close cycle took {} before the run",
                        format_duration(host.loopback_cycle));
    if (host.cross_cpu_cycle > Duration{0}) {
      text += fmt::format(" ({} with a 1-byte request and reply across two CPUs)", format_duration(host.cross_cpu_cycle));
    }
  }
  return text;
}

std::string threads_text(const outcome::RunInfo& info) {
  std::string text;
  for (const auto& [role, t] : {std::pair{"loader", &info.loader_threads}, std::pair{"server", &info.server_threads}}) {
    if (t->threads == 0) continue;
    if (!text.empty()) text += "; ";
    text += fmt::format("the {}'s {} thread{} ran {} on a CPU and waited {} for one", role, t->threads,
                        t->threads == 1 ? "" : "s", format_duration(t->cpu), format_duration(t->waited));
    if (t->slices > 0) text += fmt::format(" ({} timeslices)", t->slices);
  }
  return text;
}

namespace {
// `records`: all of the run's, or (a capture explained as a stream) those
// the table shows of `total`.
std::string connections_text(const std::vector<outcome::ConnectionRecord>& records, std::size_t total,
                             bool captured) {
  using A = Align;
  const std::vector<Align> align = {A::left,  A::right, A::right, A::right, A::right, A::right, A::right,
                                    A::left,  A::left,  A::right, A::right, A::right, A::right};
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"name", "port", "connect", "connected", "data_sent", "accepted", "delivered", "outcome", "error",
                  "syn_rtx", "synack_rtx", "data_rtx", "stall"});
  // A run of thousands of connections lists the ones with a story (an
  // explanation or an outcome other than completed) and counts the rest;
  // --format json always has every record.
  constexpr std::size_t kMaxRows = outcome::kSummaryRows;
  const bool trim = total > kMaxRows;
  std::size_t shown = 0;
  for (const auto& c : records) {
    if (trim && (shown >= kMaxRows || !outcome::worth_explaining(c, !c.explanation.empty()))) {
      continue;
    }
    ++shown;
    auto stall = c.stall();
    // Read off the packets: unknown without a capture.
    const auto rtx = [&](std::uint32_t n) { return captured ? std::to_string(n) : std::string("-"); };
    rows.push_back({c.name, std::to_string(c.client_port), seconds_or_dash(c.connect_start),
                    seconds_or_dash(c.connect_done), seconds_or_dash(c.first_data_sent), seconds_or_dash(c.accepted),
                    seconds_or_dash(c.data_delivered), outcome::to_string(c.outcome), c.error.empty() ? "-" : c.error,
                    rtx(c.syn_retransmits), rtx(c.synack_retransmits), rtx(c.data_retransmits),
                    stall ? format_duration(*stall) : "-"});
  }
  std::string out = render_table(align, rows);
  if (trim) {
    out += fmt::format("({} of {} connections shown: those with an explanation, slow (> {}) or not completed, at most {}; "
                       "--format json lists every one)\n",
                       shown, total, format_duration(outcome::kStallThreshold), kMaxRows);
  }
  std::size_t explained = 0;
  for (const auto& c : records) {
    if (c.explanation.empty()) continue;
    if (trim && ++explained > kMaxRows) break;
    out += '\n';
    out += headline(c);
    out += '\n';
    for (const outcome::ExplanationStep& s : c.explanation) out += fmt::format("  {}\n", step_text(s));
  }
  return out;
}
}  // namespace

std::string render_connections(const outcome::Outcome& outcome) {
  return connections_text(outcome.connections, outcome.connections.size(), outcome.info.captured);
}

namespace {
std::string latency_quantile_text(const outcome::LatencyFigures& f, std::size_t i) {
  if (f.started == 0) return "-";
  const auto& q = f.quantiles[i];
  return q.value ? format_duration(*q.value) : "unfinished";
}
}  // namespace

namespace {
// By Latency (outcome::kLatencies).
std::string latencies_text(const std::array<outcome::LatencyFigures, 3>& figures) {
  std::vector<Align> align = {Align::left, Align::right, Align::right, Align::right};
  std::vector<std::string> head = {"latency", "started", "finished", "unfinished"};
  for (const Duration t : outcome::kSlowThresholds) {
    head.push_back("> " + format_duration(t));
    align.push_back(Align::right);
  }
  for (const auto& q : outcome::kQuantiles) {
    head.push_back(q.name);
    align.push_back(Align::right);
  }
  std::vector<std::vector<std::string>> rows = {head};
  for (const outcome::Latency which : outcome::kLatencies) {
    const outcome::LatencyFigures& f = figures[static_cast<std::size_t>(which)];
    std::vector<std::string> row = {outcome::to_string(which), std::to_string(f.started), std::to_string(f.finished),
                                    std::to_string(f.unfinished)};
    for (const std::uint64_t n : f.over) row.push_back(std::to_string(n));
    for (std::size_t i = 0; i < outcome::kQuantiles.size(); ++i) row.push_back(latency_quantile_text(f, i));
    rows.push_back(std::move(row));
  }
  return render_table(align, rows);
}
}  // namespace

std::string render_latencies(const outcome::Outcome& outcome) {
  const outcome::UserLatencies u = outcome::user_latencies(outcome);
  std::array<outcome::LatencyFigures, 3> figures;
  for (const outcome::Latency which : outcome::kLatencies) {
    figures[static_cast<std::size_t>(which)] = outcome::latency_figures(u[which], which);
  }
  return latencies_text(figures);
}

std::string render_counters(const outcome::Outcome& outcome) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, value] : outcome.counters) rows.push_back({name, std::to_string(value)});
  return render_table({Align::left, Align::right}, rows);
}

namespace {

// Port exhaustion is its own result, not one more "refused": how many, the
// range, and what frees ports (a port stays taken until its socket is gone,
// and the side that closes first keeps it in TIME_WAIT for 60 s).
std::string port_exhaustion_text(std::uint64_t count, std::int64_t range_min, std::int64_t range_max) {
  if (count == 0) return "";
  const std::string range =
      range_max >= range_min && range_max > 0
          ? fmt::format("all {} ports of net.ipv4.ip_local_port_range {}-{} were taken", range_max - range_min + 1,
                        range_min, range_max)
          : std::string("every port of net.ipv4.ip_local_port_range was taken");
  return fmt::format("\nports exhausted: {} connect()s failed with EADDRNOTAVAIL: {} (__inet_hash_connect). What "
                     "frees them: close from the server first or with RST (TIME_WAIT stays with the side that closes "
                     "first), fewer connections at once, or a wider net.ipv4.ip_local_port_range.\n",
                     count, range);
}

std::string port_exhaustion_text(const outcome::ConnectionSummary& s) {
  return port_exhaustion_text(s.ports_exhausted, s.port_range_min, s.port_range_max);
}

// A full-detail outcome (a kernel run, a small model run): its records.
std::string port_exhaustion_text(const std::vector<outcome::ConnectionRecord>& records) {
  std::uint64_t n = 0;
  for (const outcome::ConnectionRecord& r : records) n += r.error == "EADDRNOTAVAIL" ? 1 : 0;
  return port_exhaustion_text(n, 0, -1);
}

// A summary-detail run: every connection counted, the interesting ones recorded.
std::string render_connection_figures(const outcome::Outcome& outcome) {
  const outcome::ConnectionSummary& s = *outcome.summary;
  std::string out = fmt::format("\nconnections ({})\n", s.total);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t o = 0; o < 5; ++o) {
    if (s.outcomes[o] == 0) continue;
    const auto kind = static_cast<outcome::ConnectionOutcome>(o);
    rows.push_back({outcome::to_string(kind), std::to_string(s.outcomes[o])});
    if (kind == outcome::ConnectionOutcome::refused && s.ports_exhausted > 0) {
      rows.push_back({"  of which no free port", std::to_string(s.ports_exhausted)});
    }
  }
  rows.push_back({"with a story", std::to_string(s.explained)});
  rows.push_back({fmt::format("stalled > {}", format_duration(s.stall_threshold)), std::to_string(s.stalled)});
  rows.push_back({"requests delivered", std::to_string(s.stall_count())});
  const std::pair<const char*, std::uint32_t> quantiles[] = {
      {"p50", 500}, {"p90", 900}, {"p99", 990}, {"p99.9", 999}, {"max", 1000}};
  for (const auto& [name, permille] : quantiles) {
    const auto q = s.stall_quantile(permille);
    rows.push_back({fmt::format("stall {}", name), q ? format_duration(*q) : "-"});
  }
  rows.push_back({"max syn_rtx / synack_rtx / data_rtx",
                  fmt::format("{} / {} / {}", s.max_syn_retransmits, s.max_synack_retransmits, s.max_data_retransmits)});
  if (s.syncookies > 0) rows.push_back({"answered with a syncookie", std::to_string(s.syncookies)});
  out += render_table({Align::left, Align::right}, rows);
  out += port_exhaustion_text(s);
  out += fmt::format("\nrecorded connections ({} of {}: the first ones, and those with a story or not completed{}; "
                     "{} completed without incident are only counted)\n",
                     outcome.connections.size(), s.total,
                     s.unrecorded ? fmt::format(", {} more of those over the limit", s.unrecorded) : "", s.folded);
  out += render_connections(outcome);
  return out;
}

std::string render_memory(const outcome::ModelMemory& m) {
  std::vector<std::vector<std::string>> rows = {
      {"peak live connections", std::to_string(m.peak_live_connections)},
      {"bytes per live connection", std::to_string(m.bytes_per_live_connection)},
      {"bytes per connection", std::to_string(m.bytes_per_connection)},
      {"peak bytes", fmt::format("{} ({:.1f} MiB)", m.peak_bytes, static_cast<double>(m.peak_bytes) / 1048576.0)},
  };
  return render_table({Align::left, Align::left}, rows);
}

}  // namespace

// A failed expect: opens the summary, so that no reader takes it for a
// passing run; every result closes it.
std::string render_summary(const outcome::Outcome& outcome) {
  return expectations_banner(outcome) + render_summary_without_banner(outcome);
}

namespace {

// `total`, `latencies`: a capture explained as a stream (`outcome` keeps
// only the records shown); null: every record is there.
std::string summary_text(const outcome::Outcome& outcome, const std::size_t* total,
                         const std::array<outcome::LatencyFigures, 3>* latencies) {
  const auto& info = outcome.info;
  // A capture (synsim explain) has no seed, HZ, events or trace: its file
  // and how it was read instead.
  const bool capture = info.source == "capture";
  std::vector<std::vector<std::string>> header =
      capture ? std::vector<std::vector<std::string>>{{"capture", info.scenario},
                                                      {"source", info.source},
                                                      {"server port", std::to_string(info.server_port)},
                                                      {"duration", format_duration(info.duration)}}
              : std::vector<std::vector<std::string>>{
                    {"scenario", info.scenario},
                    {"source", info.source},
                    {"kernel", info.kernel},
                    {"HZ", std::to_string(info.hz)},
                    {"seed", std::to_string(info.seed)},
                    {"duration", format_duration(info.duration)},
                    {"events", std::to_string(info.events)},
                    {"trace hash", fmt::format("{:016x}", info.trace_hash)},
                };
  if (capture) {
    for (const std::string& note : info.settings) header.push_back({"read", note});
  }
  if (!info.loader.empty()) header.push_back({"loader", info.loader});
  if (info.host) header.push_back({"machine", host_load_text(*info.host)});
  if (info.slow_phase_per_mille > 0) {
    header.push_back({"machine", fmt::format("a slow phase: every CPU cost x{}.{:03} (machine.phases: measured)",
                                             info.slow_phase_per_mille / 1000, info.slow_phase_per_mille % 1000)});
  }
  // The kernel's (the model's are in its JSON and in compare, not in its
  // summary, whose lines the golden files pin).
  if (info.source == "kernel" && info.loader_threads.threads > 0) header.push_back({"threads", threads_text(info)});
  if (!info.captured) {
    header.push_back({"packets", "not captured: retransmissions per connection unknown (the counters hold them)"});
  }
  if (info.partial) {
    header.push_back({"partial", fmt::format("yes: stopped at {} s (interrupted)", format_seconds(info.stopped_at))});
  }
  std::string out = render_table({Align::left, Align::left}, header);
  if (outcome.summary) {
    out += render_connection_figures(outcome);
  } else {
    const std::size_t n = total ? *total : outcome.connections.size();
    out += fmt::format("\nconnections ({})\n", n);
    out += connections_text(outcome.connections, n, info.captured);
    out += port_exhaustion_text(outcome.connections);
  }
  out += "\nlatency as users see it (connect: connect() called -> returned; first_byte: request written -> response\n"
         "readable, or request delivered when the server answers nothing; total: connect() called -> the same;\n"
         "unfinished waits rank last and count above a bound once they had waited that long)\n";
  out += latencies ? latencies_text(*latencies) : render_latencies(outcome);
  out += capture ? "\ncounters (deduced from the capture)\n" : "\ncounters\n";
  out += outcome.counters.empty() ? "(none)\n" : render_counters(outcome);
  out += expectations_section(outcome);
  // Only summary-detail runs print the model's memory (full-detail
  // summaries are golden files).
  if (outcome.summary && outcome.memory) {
    out += "\nmodel memory (from its containers)\n";
    out += render_memory(*outcome.memory);
  }
  return out;
}

}  // namespace

std::string render_summary_without_banner(const outcome::Outcome& outcome) {
  return summary_text(outcome, nullptr, nullptr);
}

std::string render_summary(const outcome::Outcome& kept, std::size_t total,
                           const std::array<outcome::LatencyFigures, 3>& latencies) {
  return expectations_banner(kept) + summary_text(kept, &total, &latencies);
}

}  // namespace synsim::report
