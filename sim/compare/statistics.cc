#include "sim/compare/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace synsim::compare {

namespace {

using outcome::ConnectionOutcome;
using outcome::ConnectionRecord;

std::int64_t counter_or_zero(const outcome::Outcome& o, const std::string& name) {
  const auto it = o.counters.find(name);
  return it == o.counters.end() ? 0 : it->second;
}

// "x3.3", the larger over the smaller; "x∞" when the smaller is 0.
std::string factor_text(std::int64_t a, std::int64_t b) {
  const std::int64_t lo = std::min(a, b);
  const std::int64_t hi = std::max(a, b);
  if (hi == 0) return "x1.0";
  if (lo == 0) return "x∞";
  return fmt::format("x{:.1f}", static_cast<double>(hi) / static_cast<double>(lo));
}

}  // namespace

Mode mode_for(std::uint64_t total_connections) {
  return total_connections > kStatisticalAboveConnections ? Mode::statistical : Mode::connections;
}

bool counts_agree(std::int64_t model, std::int64_t kernel) {
  const std::int64_t lo = std::min(model, kernel);
  const std::int64_t hi = std::max(model, kernel);
  if (hi <= kSmallCount && hi - lo <= kSmallCountSlack) return true;
  // hi / lo <= 3/2, in integers.
  return hi * kCountFactorDenominator <= lo * kCountFactorNumerator;
}

std::string count_rule() {
  return fmt::format("a count agrees when within a factor of {:.1f} either way, or within ±{} when both are <= {}",
                     static_cast<double>(kCountFactorNumerator) / static_cast<double>(kCountFactorDenominator),
                     kSmallCountSlack, kSmallCount);
}

const std::vector<std::string>& statistical_counters() {
  static const std::vector<std::string> names = {
      "TcpExtListenOverflows", "TcpExtListenDrops",     "TcpExtSyncookiesSent",
      "TcpExtSyncookiesRecv",  "TcpExtTCPChallengeACK", "TcpExtTCPSynRetrans",
  };
  return names;
}

std::vector<StragglerGroup> straggler_groups(const outcome::Outcome& o, const StatOptions& options) {
  std::vector<Time> deliveries;
  for (const ConnectionRecord& r : o.connections) {
    const auto s = r.stall();
    if (s && *s > options.noise_floor) deliveries.push_back(*r.data_delivered);
  }
  std::sort(deliveries.begin(), deliveries.end());
  std::vector<StragglerGroup> groups;
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    if (i == 0 || deliveries[i] - deliveries[i - 1] > options.group_gap) groups.push_back({deliveries[i], 0});
    ++groups.back().size;
  }
  return groups;
}

SideStatistics side_statistics(const outcome::Outcome& o, const StatOptions& options) {
  SideStatistics s;
  s.connections = static_cast<std::int64_t>(o.connections.size());
  for (const ConnectionRecord& r : o.connections) {
    switch (r.outcome) {
      case ConnectionOutcome::completed: ++s.completed; break;
      case ConnectionOutcome::reset: ++s.reset; break;
      case ConnectionOutcome::timed_out: ++s.timed_out; break;
      case ConnectionOutcome::refused: ++s.refused; break;
      case ConnectionOutcome::open_at_end: ++s.open_at_end; break;
    }
    s.syn_retransmits += r.syn_retransmits;
    s.synack_retransmits += r.synack_retransmits;
    s.data_retransmits += r.data_retransmits;
  }
  const std::vector<std::int64_t> stalls = outcome::sorted_stalls(o);
  s.delivered = static_cast<std::int64_t>(stalls.size());
  s.stalled_over_threshold = static_cast<std::int64_t>(outcome::count_above(stalls, to_ns(options.stall_threshold)));
  s.stalled_over_noise_floor = static_cast<std::int64_t>(outcome::count_above(stalls, to_ns(options.noise_floor)));
  for (const auto& [name, per_mille] : {std::pair{"p50", 500}, std::pair{"p90", 900}, std::pair{"p99", 990},
                                        std::pair{"p99.9", 999}, std::pair{"max", 1000}}) {
    Quantile q{name, per_mille, std::nullopt};
    if (!stalls.empty()) q.value = Duration{outcome::nearest_rank(stalls, static_cast<std::uint32_t>(per_mille))};
    s.quantiles.push_back(q);
  }
  if (!stalls.empty()) s.longest_tail = Duration{stalls.back()};
  if (o.info.source != "kernel") {
    std::int64_t cookies = 0;
    for (const ConnectionRecord& r : o.connections) cookies += r.syncookie ? 1 : 0;
    s.syncookies = cookies;
  }
  for (const std::string& name : statistical_counters()) s.counters.emplace_back(name, counter_or_zero(o, name));

  s.groups = straggler_groups(o, options);
  std::map<std::int64_t, std::int64_t> by_size;
  for (const StragglerGroup& g : s.groups) ++by_size[g.size];
  for (const auto& [size, count] : by_size) {  // ascending size, so ">=" keeps the larger on ties
    if (count >= s.common_group_count) {
      s.common_group_size = size;
      s.common_group_count = count;
    }
  }
  s.accept_queue_limit = o.accept_queue_limit;
  return s;
}

std::string miss_line(const JudgedCount& j) {
  const std::int64_t diff = j.model > j.kernel ? j.model - j.kernel : j.kernel - j.model;
  std::string why = fmt::format("{}, outside x{:.1f}", factor_text(j.model, j.kernel),
                                static_cast<double>(kCountFactorNumerator) / kCountFactorDenominator);
  if (std::max(j.model, j.kernel) <= kSmallCount) why += fmt::format(" and {} apart, outside ±{}", diff, kSmallCountSlack);
  return fmt::format("model {} vs kernel {} {}: {}", j.model, j.kernel, j.what, why);
}

StatisticalComparison compare_statistics(const outcome::Outcome& model, const outcome::Outcome& kernel,
                                         const StatOptions& options) {
  StatisticalComparison c;
  c.model_info = model.info;
  c.kernel_info = kernel.info;
  c.options = options;
  c.model = side_statistics(model, options);
  c.kernel = side_statistics(kernel, options);
  const std::string stalled = "stalled > " + format_duration(options.stall_threshold);
  c.judged.push_back({stalled, c.model.stalled_over_threshold, c.kernel.stalled_over_threshold, false});
  c.judged.push_back({"completed", c.model.completed, c.kernel.completed, false});
  for (JudgedCount& j : c.judged) {
    j.agree = counts_agree(j.model, j.kernel);
    if (!j.agree) c.misses.push_back(miss_line(j));
  }
  return c;
}

}  // namespace synsim::compare
