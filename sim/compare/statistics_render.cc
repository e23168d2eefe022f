#include "sim/compare/statistics_render.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/json/json.h"

namespace synsim::compare {

namespace {

struct Row {
  std::string label;
  std::string model;
  std::string kernel;
  std::string note;  // "ok" / "MISS" for judged rows, else a remark
};

// Kernel times carry nanoseconds ("775063ns"); a table reads best in whole microseconds.
std::string opt_duration(const std::optional<Duration>& d) {
  if (!d) return "-";
  return format_duration(Duration{(to_ns(*d) + 500) / 1000 * 1000});
}

std::string latency_text(const outcome::LatencyFigures& f, std::size_t i) {
  if (f.started == 0) return "-";
  const auto& q = f.quantiles[i];
  return q.value ? opt_duration(q.value) : "unfinished";
}

// A judged figure's runs: "7" for one run; "3..12 (median 7)" for the
// model's several seeds, "3..12" for the kernel's runs.
std::string runs_text(const Judged& j, const std::vector<std::int64_t>& v, bool model) {
  if (v.size() == 1) return figure_text(j.figure, v.front());
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  std::string s = figure_text(j.figure, *lo) + ".." + figure_text(j.figure, *hi);
  if (model) s += " (median " + figure_text(j.figure, j.model_median) + ")";
  return s;
}

std::string group_shape(const SideStatistics& s) {
  if (s.common_group_count == 0) return "-";
  return fmt::format("{} (x{})", s.common_group_size, s.common_group_count);
}

// One table for text and Markdown: judged counts first, then the rest.
std::vector<Row> rows(const StatisticalComparison& c) {
  const SideStatistics& m = c.model;
  const SideStatistics& k = c.kernel;
  std::vector<Row> r;
  for (const Judged& j : c.judged) {
    r.push_back({j.what, runs_text(j, j.model, true), runs_text(j, j.kernel, false),
                 !j.not_judged.empty() ? j.not_judged
                                       : fmt::format("{} (band {}..{})", j.agree ? "ok" : "MISS",
                                                     figure_text(j.figure, j.band.lo), figure_text(j.figure, j.band.hi))});
  }
  for (const outcome::Latency which : outcome::kLatencies) {
    const auto& lm = m.latency[static_cast<std::size_t>(which)];
    const auto& lk = k.latency[static_cast<std::size_t>(which)];
    const std::string name = outcome::to_string(which);
    for (std::size_t i = 0; i < outcome::kSlowThresholds.size(); ++i) {
      r.push_back({fmt::format("{} > {}", name, format_duration(outcome::kSlowThresholds[i])),
                   fmt::format("{}", lm.over[i]), fmt::format("{}", lk.over[i]), ""});
    }
    for (std::size_t i = 0; i < outcome::kQuantiles.size(); ++i) {
      r.push_back({fmt::format("{} {}", name, outcome::kQuantiles[i].name), latency_text(lm, i), latency_text(lk, i),
                   ""});
    }
  }
  auto count = [&](std::string label, std::int64_t a, std::int64_t b, std::string note = {}) {
    r.push_back({std::move(label), fmt::format("{}", a), fmt::format("{}", b), std::move(note)});
  };
  count("connections", m.connections, k.connections);
  count("reset", m.reset, k.reset);
  count("timed out", m.timed_out, k.timed_out);
  count("refused", m.refused, k.refused);
  count("open at end", m.open_at_end, k.open_at_end);
  count("requests delivered", m.delivered, k.delivered);
  count("stalled > " + format_duration(c.options.noise_floor), m.stalled_over_noise_floor, k.stalled_over_noise_floor,
        "noise floor");
  for (std::size_t i = 0; i < m.quantiles.size() && i < k.quantiles.size(); ++i) {
    r.push_back({"stall " + m.quantiles[i].name, opt_duration(m.quantiles[i].value), opt_duration(k.quantiles[i].value), ""});
  }
  // Per-connection retransmissions are read off the packets; a kernel side
  // run without capture has only the counters (below).
  auto per_connection = [&](std::string label, std::int64_t a, std::int64_t b) {
    if (c.kernel_info.captured) return count(std::move(label), a, b);
    r.push_back({std::move(label), fmt::format("{}", a), "-", "not captured: see the counters"});
  };
  per_connection("SYN retransmits", m.syn_retransmits, k.syn_retransmits);
  per_connection("SYN-ACK retransmits", m.synack_retransmits, k.synack_retransmits);
  per_connection("data retransmits", m.data_retransmits, k.data_retransmits);
  r.push_back({"syncookie connections", m.syncookies ? fmt::format("{}", *m.syncookies) : "-",
               k.syncookies ? fmt::format("{}", *k.syncookies) : "-", "the kernel cannot tell"});
  for (std::size_t i = 0; i < m.counters.size() && i < k.counters.size(); ++i) {
    count(m.counters[i].first, m.counters[i].second, k.counters[i].second);
  }
  count("straggler groups", static_cast<std::int64_t>(m.groups.size()), static_cast<std::int64_t>(k.groups.size()),
        "stalled deliveries < " + format_duration(c.options.group_gap) + " apart");
  r.push_back({"most common group size", group_shape(m), group_shape(k),
               fmt::format("backlog+1 = {} (model), {} (kernel)", m.accept_queue_limit, k.accept_queue_limit)});
  r.push_back({"longest tail", opt_duration(m.longest_tail), opt_duration(k.longest_tail), "max stall"});
  return r;
}

std::string groups_text(const std::vector<StragglerGroup>& groups) {
  std::string s;
  for (std::size_t i = 0; i < groups.size() && i < kShownStragglerGroups; ++i) {
    s += fmt::format("{}{}s:{}", i == 0 ? "" : " ", format_seconds(groups[i].delivered), groups[i].size);
  }
  if (groups.size() > kShownStragglerGroups) s += fmt::format(" ... {} more", groups.size() - kShownStragglerGroups);
  return s.empty() ? "none" : s;
}

std::string verdict_word(bool agree) { return agree ? "AGREE" : "DISAGREE"; }

std::string seeds_text(const StatisticalComparison& c) {
  if (c.model_seeds.size() <= 1) return fmt::format("seed={}", c.model_info.seed);
  return fmt::format("seeds={}..{} ({} runs)", c.model_seeds.front(), c.model_seeds.back(), c.model_seeds.size());
}

json::Value value_json(std::int64_t v) {
  return v == kUnfinished ? json::Value("unfinished") : json::Value(v);
}

json::Value side_json(const SideStatistics& s, const outcome::RunInfo& info) {
  json::Value j;
  j["kernel"] = info.kernel;
  j["hz"] = info.hz;
  j["seed"] = info.seed;
  j["connections"] = s.connections;
  j["completed"] = s.completed;
  j["reset"] = s.reset;
  j["timed_out"] = s.timed_out;
  j["refused"] = s.refused;
  j["open_at_end"] = s.open_at_end;
  j["delivered"] = s.delivered;
  j["stalled_over_threshold"] = s.stalled_over_threshold;
  j["stalled_over_noise_floor"] = s.stalled_over_noise_floor;
  json::Value q = json::Value::object();
  for (const Quantile& x : s.quantiles) q[x.name] = x.value ? json::Value(to_ns(*x.value)) : nullptr;
  j["stall_ns"] = q;
  // Read off the packets: unknown (null) for a run without capture.
  const auto per_connection = [&](std::int64_t v) { return info.captured ? json::Value(v) : json::Value(nullptr); };
  j["captured"] = info.captured;
  j["syn_retransmits"] = per_connection(s.syn_retransmits);
  j["synack_retransmits"] = per_connection(s.synack_retransmits);
  j["data_retransmits"] = per_connection(s.data_retransmits);
  j["syncookies"] = s.syncookies ? json::Value(*s.syncookies) : nullptr;
  json::Value counters = json::Value::object();
  for (const auto& [name, value] : s.counters) counters[name] = value;
  j["counters"] = counters;
  j["accept_queue_limit"] = s.accept_queue_limit;
  j["common_group_size"] = s.common_group_size;
  j["common_group_count"] = s.common_group_count;
  json::Value groups = json::Value::array();
  for (const StragglerGroup& g : s.groups) {
    groups.push_back(json::Value::object({{"delivered_ns", to_ns(g.delivered)}, {"size", g.size}}));
  }
  j["straggler_groups"] = groups;
  json::Value latency = json::Value::object();
  for (const outcome::Latency which : outcome::kLatencies) {
    const auto& f = s.latency[static_cast<std::size_t>(which)];
    json::Value l =
        json::Value::object({{"started", f.started}, {"finished", f.finished}, {"unfinished", f.unfinished}});
    for (std::size_t i = 0; i < outcome::kSlowThresholds.size(); ++i) {
      l["over_" + format_duration(outcome::kSlowThresholds[i])] = f.over[i];
    }
    for (std::size_t i = 0; i < outcome::kQuantiles.size(); ++i) {
      const auto& q = f.quantiles[i];
      l[std::string(outcome::kQuantiles[i].name) + "_ns"] =
          f.started == 0 ? json::Value(nullptr) : q.value ? json::Value(to_ns(*q.value))
                                                                     : json::Value("unfinished");
    }
    latency[outcome::to_string(which)] = l;
  }
  j["latency"] = latency;
  return j;
}

// A warning naming the kernel runs measured on a busy machine; empty when none.
std::string busy_text(const StatisticalComparison& c) {
  if (c.busy_kernel_runs.empty()) return {};
  std::string s = fmt::format(
      "warning: {} of {} kernel run{} measured on a busy machine; the verdict may be the machine's, not the model's: "
      "re-run the kernel side on a quiet machine\n",
      c.busy_kernel_runs.size(), c.kernel_runs, c.kernel_runs == 1 ? "" : "s");
  for (const std::string& b : c.busy_kernel_runs) s += "  " + b + "\n";
  return s;
}

// Kernel runs on a slower phase of the machine (slow_machine_runs()).
std::string slow_text(const StatisticalComparison& c, const char* bullet) {
  if (c.slow_kernel_runs.empty()) return {};
  std::string s = fmt::format("warning: {} of {} kernel runs on a slower machine than the fastest of them (its "
                              "loopback cycle, timed before each run, over x1.3); such a run measures the "
                              "machine's phase as much as the workload\n",
                              c.slow_kernel_runs.size(), c.kernel_runs);
  for (const std::string& l : c.slow_kernel_runs) s += bullet + l + "\n";
  return s;
}

// What the verdict cannot tell from the kernel's own spread: with one
// kernel run, that it is unmeasured; with several, the figures on which the
// kernel's runs fall outside each other's band (kernel_unsettled()).
std::string unsettled_text(const StatisticalComparison& c, const char* bullet) {
  if (c.kernel_runs == 1) {
    return fmt::format("note: one kernel run: its spread from run to run is unmeasured, and at many saved load "
                       "experiments the kernel's runs differ beyond the rule (reports/verdict/README.md); "
                       "--runs 3 measures it\n");
  }
  if (c.unsettled.empty()) return {};
  std::string s = fmt::format("note: the kernel's own runs spread beyond the rule on {} figure{}; a miss there may be "
                              "the kernel's run-to-run regimes as much as the model (reports/verdict/README.md)\n",
                              c.unsettled.size(), c.unsettled.size() == 1 ? "" : "s");
  for (const std::string& u : c.unsettled) s += bullet + u + "\n";
  return s;
}

}  // namespace

std::string render_statistics_text(const StatisticalComparison& c) {
  std::string s = fmt::format("verdict: {} (statistical: {} miss{})\n", verdict_word(c.agree()), c.misses.size(),
                              c.misses.size() == 1 ? "" : "es");
  s += fmt::format("model:  {} HZ={} {}\nkernel: {} HZ={} ({} run{}{})\n", c.model_info.kernel, c.model_info.hz,
                   seeds_text(c), c.kernel_info.kernel, c.kernel_info.hz, c.kernel_runs, c.kernel_runs == 1 ? "" : "s",
                   c.kernel_info.captured ? ", packets captured" : ", no packet capture");
  s += busy_text(c);
  s += slow_text(c, "  ");
  s += unsettled_text(c, "  ");
  s += fmt::format("judged: the first {} rows; {}\n", c.judged.size(), tolerance_rule());
  s += "total: connect() called -> response readable; connect: connect() called -> returned; unfinished ones count\n"
       "stall: first request byte sent -> read by the server application, over delivered requests (nearest rank)\n";
  if (c.model_runs > 1 || c.kernel_runs > 1) s += "other rows: the first run of each side\n";
  if (!c.misses.empty()) {
    s += "\nmisses\n";
    for (const std::string& m : c.misses) s += "  " + m + "\n";
  }
  std::size_t wm = 12;
  std::size_t wk = 12;
  const std::vector<Row> table = rows(c);
  for (const Row& r : table) {
    wm = std::max(wm, r.model.size());
    wk = std::max(wk, r.kernel.size());
  }
  s += fmt::format("\n  {:<28} {:>{}} {:>{}}\n", "", "model", wm, "kernel", wk);
  for (const Row& r : table) {
    s += fmt::format("  {:<28} {:>{}} {:>{}}  {}\n", r.label, r.model, wm, r.kernel, wk, r.note);
  }
  s += "\nstraggler groups (first delivery s:size)\n";
  s += "  model:  " + groups_text(c.model.groups) + "\n";
  s += "  kernel: " + groups_text(c.kernel.groups) + "\n";
  if (c.model_wall || c.kernel_wall) {
    s += fmt::format("\nwall time: model {}, kernel {}", opt_duration(c.model_wall), opt_duration(c.kernel_wall));
    // The runs' own times, both sides measured in this one command.
    if (c.model_wall && c.kernel_wall && to_ns(*c.model_wall) > 0) {
      s += fmt::format(" (the model {}x faster)", to_ns(*c.kernel_wall) / to_ns(*c.model_wall));
    }
    s += "\n";
  }
  return s;
}

std::string render_spread_text(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds) {
  std::string s = fmt::format("{} seeds ({}..{}); median: the lower median, as compare judges it\n",
                              seeds.size(), seeds.empty() ? 0 : seeds.front(), seeds.empty() ? 0 : seeds.back());
  s += fmt::format("  {:<28} {:>12} {:>12} {:>12}  per seed\n", "", "min", "median", "max");
  for (const Spread& x : spread) {
    std::string each;
    for (std::size_t i = 0; i < x.values.size(); ++i) each += (i ? " " : "") + figure_text(x.figure, x.values[i]);
    s += fmt::format("  {:<28} {:>12} {:>12} {:>12}  {}\n", x.what, figure_text(x.figure, x.min),
                     figure_text(x.figure, x.median), figure_text(x.figure, x.max), each);
  }
  return s;
}

std::string render_spread_json(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds) {
  return json::dump(spread_json(spread, seeds), 2) + "\n";
}

json::Value spread_json(const std::vector<Spread>& spread, const std::vector<std::uint64_t>& seeds) {
  json::Value j;
  j["format"] = "synsim-spread";
  j["version"] = 1;
  j["seeds"] = json::array_of(seeds);
  json::Value figures = json::Value::array();
  for (const Spread& x : spread) {
    json::Value values = json::Value::array();
    for (const std::int64_t v : x.values) values.push_back(value_json(v));
    figures.push_back(json::Value::object({{"what", x.what},
                                           {"min", value_json(x.min)},
                                           {"median", value_json(x.median)},
                                           {"max", value_json(x.max)},
                                           {"values", values}}));
  }
  j["figures"] = figures;
  return j;
}

std::string render_statistics_markdown(const StatisticalComparison& c) {
  // Cells hold numbers, durations and fixed labels only: nothing to escape.
  std::string s = fmt::format("## Model vs kernel, statistically: {}\n\n**Verdict: {}** ({} miss{}). Judged: "
                              "the first {} rows; {}.\n\n",
                              c.model_info.scenario, verdict_word(c.agree()), c.misses.size(),
                              c.misses.size() == 1 ? "" : "es", c.judged.size(), tolerance_rule());
  for (const std::string& m : c.misses) s += "- " + m + "\n";
  if (!c.misses.empty()) s += "\n";
  if (!c.busy_kernel_runs.empty()) {
    s += fmt::format("**Warning**: {} of {} kernel runs measured on a busy machine; the verdict may be the machine's, "
                     "not the model's: re-run the kernel side on a quiet machine.\n\n",
                     c.busy_kernel_runs.size(), c.kernel_runs);
    for (const std::string& b : c.busy_kernel_runs) s += "- " + b + "\n";
    s += "\n";
  }
  if (const std::string w = slow_text(c, "- "); !w.empty()) s += w + "\n";
  if (const std::string u = unsettled_text(c, "- "); !u.empty()) s += u + "\n";
  s += "| | model | kernel | |\n|---|---:|---:|---|\n";
  for (const Row& r : rows(c)) s += fmt::format("| {} | {} | {} | {} |\n", r.label, r.model, r.kernel, r.note);
  s += fmt::format("\nStraggler groups (first delivery s:size), model: {}\n\nkernel: {}\n\n", groups_text(c.model.groups),
                   groups_text(c.kernel.groups));
  return s;
}

std::string render_statistics_json(const StatisticalComparison& c, const Comparison* per_connection) {
  return json::dump(statistics_json(c, per_connection), 2) + "\n";
}

json::Value statistics_json(const StatisticalComparison& c, const Comparison* per_connection) {
  json::Value j;
  j["format"] = "synsim-comparison";
  j["version"] = 1;
  j["scenario"] = c.model_info.scenario;
  j["mode"] = per_connection != nullptr ? "connections" : "statistical";
  j["verdict"] = verdict_word(per_connection != nullptr ? per_connection->agree() : c.agree());
  j["misses"] = json::array_of(per_connection != nullptr ? per_connection->disagreements : c.misses);
  j["rule"] = tolerance_rule();
  j["busy_kernel_runs"] = json::array_of(c.busy_kernel_runs);
  j["kernel_unsettled"] = json::array_of(c.unsettled);
  j["slow_kernel_runs"] = json::array_of(c.slow_kernel_runs);
  j["model_runs"] = c.model_runs;
  j["kernel_runs"] = c.kernel_runs;
  j["stall_threshold_ns"] = to_ns(c.options.stall_threshold);
  j["noise_floor_ns"] = to_ns(c.options.noise_floor);
  j["group_gap_ns"] = to_ns(c.options.group_gap);
  j["model_wall_ns"] = c.model_wall ? json::Value(to_ns(*c.model_wall)) : nullptr;
  j["kernel_wall_ns"] = c.kernel_wall ? json::Value(to_ns(*c.kernel_wall)) : nullptr;
  json::Value judged = json::Value::array();
  for (const Judged& x : c.judged) {
    // Durations in ns; a quantile among unfinished connections is "unfinished".
    auto values = [&](const std::vector<std::int64_t>& v) {
      json::Value a = json::Value::array();
      for (const std::int64_t n : v) a.push_back(value_json(n));
      return a;
    };
    json::Value band = json::Value::array();
    band.push_back(value_json(x.band.lo));
    band.push_back(value_json(x.band.hi));
    judged.push_back(json::Value::object({{"what", x.what},
                                          {"model", values(x.model)},
                                          {"model_median", value_json(x.model_median)},
                                          {"kernel", values(x.kernel)},
                                          {"band", std::move(band)},
                                          {"agree", x.agree},
                                          {"not_judged", x.not_judged.empty() ? json::Value(nullptr)
                                                                              : json::Value(x.not_judged)}}));
  }
  j["judged"] = judged;
  j["model"] = side_json(c.model, c.model_info);
  j["kernel"] = side_json(c.kernel, c.kernel_info);
  return j;
}

}  // namespace synsim::compare
