#include "sim/compare/statistics_render.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

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

std::string group_shape(const SideStatistics& s) {
  if (s.common_group_count == 0) return "-";
  return fmt::format("{} (x{})", s.common_group_size, s.common_group_count);
}

// One table for text and Markdown: judged counts first, then the rest.
std::vector<Row> rows(const StatisticalComparison& c) {
  const SideStatistics& m = c.model;
  const SideStatistics& k = c.kernel;
  std::vector<Row> r;
  for (const JudgedCount& j : c.judged) r.push_back({j.what, fmt::format("{}", j.model), fmt::format("{}", j.kernel), j.agree ? "ok (judged)" : "MISS (judged)"});
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
  count("SYN retransmits", m.syn_retransmits, k.syn_retransmits);
  count("SYN-ACK retransmits", m.synack_retransmits, k.synack_retransmits);
  count("data retransmits", m.data_retransmits, k.data_retransmits);
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

nlohmann::ordered_json side_json(const SideStatistics& s, const outcome::RunInfo& info) {
  nlohmann::ordered_json j;
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
  nlohmann::ordered_json q = nlohmann::ordered_json::object();
  for (const Quantile& x : s.quantiles) q[x.name] = x.value ? nlohmann::ordered_json(to_ns(*x.value)) : nullptr;
  j["stall_ns"] = q;
  j["syn_retransmits"] = s.syn_retransmits;
  j["synack_retransmits"] = s.synack_retransmits;
  j["data_retransmits"] = s.data_retransmits;
  j["syncookies"] = s.syncookies ? nlohmann::ordered_json(*s.syncookies) : nullptr;
  nlohmann::ordered_json counters = nlohmann::ordered_json::object();
  for (const auto& [name, value] : s.counters) counters[name] = value;
  j["counters"] = counters;
  j["accept_queue_limit"] = s.accept_queue_limit;
  j["common_group_size"] = s.common_group_size;
  j["common_group_count"] = s.common_group_count;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const StragglerGroup& g : s.groups) groups.push_back({{"delivered_ns", to_ns(g.delivered)}, {"size", g.size}});
  j["straggler_groups"] = groups;
  return j;
}

}  // namespace

std::string render_statistics_text(const StatisticalComparison& c) {
  std::string s = fmt::format("verdict: {} (statistical: {} miss{})\n", verdict_word(c.agree()), c.misses.size(),
                              c.misses.size() == 1 ? "" : "es");
  s += fmt::format("model:  {} HZ={} seed={}\nkernel: {} HZ={}\n", c.model_info.kernel, c.model_info.hz,
                   c.model_info.seed, c.kernel_info.kernel, c.kernel_info.hz);
  s += fmt::format("judged: stalled > {} and completed; {}\n", format_duration(c.options.stall_threshold), count_rule());
  s += "stall: first request byte sent -> read by the server application, over delivered requests (nearest rank)\n";
  if (!c.misses.empty()) {
    s += "\nmisses\n";
    for (const std::string& m : c.misses) s += "  " + m + "\n";
  }
  s += fmt::format("\n  {:<28} {:>12} {:>12}\n", "", "model", "kernel");
  for (const Row& r : rows(c)) s += fmt::format("  {:<28} {:>12} {:>12}  {}\n", r.label, r.model, r.kernel, r.note);
  s += "\nstraggler groups (first delivery s:size)\n";
  s += "  model:  " + groups_text(c.model.groups) + "\n";
  s += "  kernel: " + groups_text(c.kernel.groups) + "\n";
  if (c.model_wall || c.kernel_wall) {
    s += fmt::format("\nwall time: model {}, kernel {}\n", opt_duration(c.model_wall), opt_duration(c.kernel_wall));
  }
  return s;
}

std::string render_statistics_markdown(const StatisticalComparison& c) {
  // Cells hold numbers, durations and fixed labels only: nothing to escape.
  std::string s = fmt::format("## Model vs kernel, statistically: {}\n\n**Verdict: {}** ({} miss{}). Judged: "
                              "stalled > {} and completed; {}.\n\n",
                              c.model_info.scenario, verdict_word(c.agree()), c.misses.size(),
                              c.misses.size() == 1 ? "" : "es", format_duration(c.options.stall_threshold),
                              count_rule());
  for (const std::string& m : c.misses) s += "- " + m + "\n";
  if (!c.misses.empty()) s += "\n";
  s += "| | model | kernel | |\n|---|---:|---:|---|\n";
  for (const Row& r : rows(c)) s += fmt::format("| {} | {} | {} | {} |\n", r.label, r.model, r.kernel, r.note);
  s += fmt::format("\nStraggler groups (first delivery s:size), model: {}\n\nkernel: {}\n\n", groups_text(c.model.groups),
                   groups_text(c.kernel.groups));
  return s;
}

std::string render_statistics_json(const StatisticalComparison& c, const Comparison* per_connection) {
  nlohmann::ordered_json j;
  j["format"] = "synsim-comparison";
  j["version"] = 1;
  j["scenario"] = c.model_info.scenario;
  j["mode"] = per_connection != nullptr ? "connections" : "statistical";
  j["verdict"] = verdict_word(per_connection != nullptr ? per_connection->agree() : c.agree());
  j["misses"] = per_connection != nullptr ? per_connection->disagreements : c.misses;
  j["rule"] = count_rule();
  j["stall_threshold_ns"] = to_ns(c.options.stall_threshold);
  j["noise_floor_ns"] = to_ns(c.options.noise_floor);
  j["group_gap_ns"] = to_ns(c.options.group_gap);
  j["model_wall_ns"] = c.model_wall ? nlohmann::ordered_json(to_ns(*c.model_wall)) : nullptr;
  j["kernel_wall_ns"] = c.kernel_wall ? nlohmann::ordered_json(to_ns(*c.kernel_wall)) : nullptr;
  nlohmann::ordered_json judged = nlohmann::ordered_json::array();
  for (const JudgedCount& x : c.judged) {
    judged.push_back({{"what", x.what}, {"model", x.model}, {"kernel", x.kernel}, {"agree", x.agree}});
  }
  j["judged"] = judged;
  j["model"] = side_json(c.model, c.model_info);
  j["kernel"] = side_json(c.kernel, c.kernel_info);
  return j.dump(2) + "\n";
}

}  // namespace synsim::compare
