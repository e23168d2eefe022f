#include "sim/compare/statistics.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

namespace synsim::compare {

namespace {

using outcome::ConnectionOutcome;
using outcome::ConnectionRecord;

std::int64_t counter_or_zero(const outcome::Outcome& o, const std::string& name) {
  const auto it = o.counters.find(name);
  return it == o.counters.end() ? 0 : it->second;
}

// a * num / den rounded down (up when `up`), saturating at INT64_MAX.
std::int64_t scaled(std::int64_t a, std::int64_t num, std::int64_t den, bool up) {
  if (a >= INT64_MAX / num) return INT64_MAX;
  return up ? (a * num + den - 1) / den : a * num / den;
}

std::int64_t lower_median(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  return outcome::nearest_rank(v, 500);
}

}  // namespace

Mode mode_for(std::uint64_t total_connections) {
  return total_connections > kStatisticalAboveConnections ? Mode::statistical : Mode::connections;
}

Band widened(std::int64_t kernel_min, std::int64_t kernel_max, std::int64_t slack) {
  Band b;
  // Every kernel run left its p99 unfinished: only an unfinished model p99 matches.
  if (kernel_min == kUnfinished) return Band{kUnfinished, kUnfinished};
  b.lo = std::max<std::int64_t>(0, std::min(scaled(kernel_min, 1, kFactor, false), kernel_min - slack));
  if (kernel_max == kUnfinished) {
    b.hi = kUnfinished;
  } else {
    b.hi = std::max(scaled(kernel_max, kFactor, 1, true),
                    kernel_max > INT64_MAX - slack ? INT64_MAX : kernel_max + slack);
  }
  return b;
}

std::string tolerance_rule() {
  return fmt::format("a figure agrees when the model's median run lies within the kernel's range of runs widened "
                     "by x{} either way or by ±{} (counts) / ±{} (durations), whichever is wider",
                     kFactor, kCountSlack, format_duration(kDurationSlack));
}

bool is_duration(Figure f) { return f == Figure::total_p99 || f == Figure::longest_stall; }

const std::vector<std::string>& statistical_counters() {
  static const std::vector<std::string> names = {
      "TcpExtListenOverflows", "TcpExtListenDrops",     "TcpExtSyncookiesSent", "TcpExtTCPReqQFullDoCookies",
      "TcpExtSyncookiesRecv",  "TcpExtTCPChallengeACK", "TcpExtTCPSynRetrans",  "TcpRetransSegs",
  };
  return names;
}

std::vector<StragglerGroup> straggler_groups(const outcome::Outcome& o, const StatOptions& options) {
  std::vector<Time> deliveries;
  if (o.summary && o.summary->stall_threshold == options.noise_floor) {
    // Summary detail: the deliveries of the stalls above its threshold, every
    // one of them (the records kept are only some).
    for (const std::int64_t t : o.summary->stalled_deliveries) deliveries.push_back(kTimeZero + Duration{t});
  } else {
    for (const ConnectionRecord& r : o.connections) {
      const auto s = r.stall();
      if (s && *s > options.noise_floor) deliveries.push_back(*r.data_delivered);
    }
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
  if (o.summary) {
    // Summary detail: every connection counted, only a few recorded.
    s.connections = static_cast<std::int64_t>(o.summary->total);
    const auto count = [&](ConnectionOutcome c) {
      return static_cast<std::int64_t>(o.summary->outcomes[static_cast<std::size_t>(c)]);
    };
    s.completed = count(ConnectionOutcome::completed);
    s.reset = count(ConnectionOutcome::reset);
    s.timed_out = count(ConnectionOutcome::timed_out);
    s.refused = count(ConnectionOutcome::refused);
    s.open_at_end = count(ConnectionOutcome::open_at_end);
    s.syn_retransmits = static_cast<std::int64_t>(o.summary->syn_retransmits);
    s.synack_retransmits = static_cast<std::int64_t>(o.summary->synack_retransmits);
    s.data_retransmits = static_cast<std::int64_t>(o.summary->data_retransmits);
  }
  // Summary detail keeps retransmissions as counters only.
  static const std::vector<ConnectionRecord> kNoRecords;
  for (const ConnectionRecord& r : o.summary ? kNoRecords : o.connections) {
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
  if (o.summary) {
    s.syncookies = static_cast<std::int64_t>(o.summary->syncookies);
  } else if (o.info.source != "kernel") {
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
  const outcome::UserLatencies u = outcome::user_latencies(o);
  for (const outcome::Latency which : outcome::kLatencies) {
    s.latency[static_cast<std::size_t>(which)] = outcome::latency_figures(u[which], which);
  }
  s.data_retransmit_segments = counter_or_zero(o, "TcpRetransSegs") - counter_or_zero(o, "TcpExtTCPSynRetrans");
  return s;
}

std::int64_t figure_value(const SideStatistics& s, Figure f) {
  const auto& total = s.latency[static_cast<std::size_t>(outcome::Latency::total)];
  const auto& connect = s.latency[static_cast<std::size_t>(outcome::Latency::connect)];
  auto counter = [&](std::string_view name) -> std::int64_t {
    for (const auto& [n, v] : s.counters) {
      if (n == name) return v;
    }
    return 0;
  };
  switch (f) {
    case Figure::total_over_1s: return static_cast<std::int64_t>(total.over[0]);
    case Figure::connect_over_1s: return static_cast<std::int64_t>(connect.over[0]);
    case Figure::total_p99: {
      if (total.started == 0) return 0;
      const auto& q = total.quantiles[2];  // kQuantiles[2] is p99
      return q.value ? to_ns(*q.value) : kUnfinished;
    }
    case Figure::completed: return s.completed;
    case Figure::unfinished: return s.connections - s.completed;
    case Figure::stalled: return s.stalled_over_threshold;
    case Figure::listen_overflows: return counter("TcpExtListenOverflows");
    case Figure::listen_drops: return counter("TcpExtListenDrops");
    case Figure::syn_retransmits: return counter("TcpExtTCPSynRetrans");
    case Figure::syncookies_sent: return counter("TcpExtSyncookiesSent");
    case Figure::reqq_full_cookies: return counter("TcpExtTCPReqQFullDoCookies");
    case Figure::data_retransmits: return s.data_retransmit_segments;
    case Figure::stalled_over_noise_floor: return s.stalled_over_noise_floor;
    case Figure::longest_stall: return s.longest_tail ? to_ns(*s.longest_tail) : 0;
  }
  return 0;
}

namespace {
std::string figure_name(Figure f, const StatOptions& options) {
  switch (f) {
    case Figure::total_over_1s: return "total > 1s";
    case Figure::connect_over_1s: return "connect > 1s";
    case Figure::total_p99: return "total p99";
    case Figure::completed: return "completed";
    case Figure::unfinished: return "not completed";
    case Figure::stalled: return "stalled > " + format_duration(options.stall_threshold);
    case Figure::listen_overflows: return "TcpExtListenOverflows";
    case Figure::listen_drops: return "TcpExtListenDrops";
    case Figure::syn_retransmits: return "TcpExtTCPSynRetrans";
    case Figure::syncookies_sent: return "TcpExtSyncookiesSent";
    case Figure::reqq_full_cookies: return "TcpExtTCPReqQFullDoCookies";
    case Figure::data_retransmits: return "data retransmits";
    case Figure::stalled_over_noise_floor: return "stalled > " + format_duration(options.noise_floor);
    case Figure::longest_stall: return "longest stall";
  }
  return "?";
}
}  // namespace

std::string figure_text(Figure f, std::int64_t value) {
  if (!is_duration(f)) return std::to_string(value);
  if (value == kUnfinished) return "unfinished";
  return format_duration(Duration{(value + 500) / 1000 * 1000});  // whole microseconds
}

std::string miss_line(const Judged& j) {
  auto list = [&](const std::vector<std::int64_t>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + figure_text(j.figure, v[i]);
    return out;
  };
  return fmt::format("{}: model {} (median of {}), kernel {} (band {}..{}): outside the band", j.what,
                     figure_text(j.figure, j.model_median), list(j.model), list(j.kernel),
                     figure_text(j.figure, j.band.lo), figure_text(j.figure, j.band.hi));
}

std::vector<Spread> spread(const std::vector<outcome::Outcome>& runs, const StatOptions& options) {
  std::vector<SideStatistics> sides;
  for (const outcome::Outcome& o : runs) sides.push_back(side_statistics(o, options));
  std::vector<Spread> out;
  for (std::size_t i = 0; i < kFigures && !sides.empty(); ++i) {
    Spread s;
    s.figure = static_cast<Figure>(i);
    s.what = figure_name(s.figure, options);
    for (const SideStatistics& side : sides) s.values.push_back(figure_value(side, s.figure));
    const auto [lo, hi] = std::minmax_element(s.values.begin(), s.values.end());
    s.min = *lo;
    s.max = *hi;
    s.median = lower_median(s.values);
    out.push_back(std::move(s));
  }
  return out;
}

StatisticalComparison compare_statistics(const outcome::Outcome& model, const outcome::Outcome& kernel,
                                         const StatOptions& options) {
  return compare_statistics(std::vector<outcome::Outcome>{model}, std::vector<outcome::Outcome>{kernel}, options);
}

namespace {

// A capture shows the cookies only of connections whose ACK was ignored long
// enough to rule out a request's SYN-ACK timer (capture/explain.h): a lower
// bound, not a count to judge the model by.
std::string why_not_judged(const outcome::Outcome& kernel, Figure f) {
  if (kernel.info.source != "capture") return "";
  if (f == Figure::syncookies_sent || f == Figure::reqq_full_cookies) {
    return "not judged: a capture shows only the cookies whose ACK was ignored for seconds";
  }
  return "";
}

}  // namespace

StatisticalComparison compare_statistics(const std::vector<outcome::Outcome>& models,
                                         const std::vector<outcome::Outcome>& kernels, const StatOptions& options) {
  if (models.empty() || kernels.empty()) throw std::logic_error("compare_statistics: a side without a run");
  StatisticalComparison c;
  c.model_info = models.front().info;
  c.kernel_info = kernels.front().info;
  c.options = options;
  c.model_runs = models.size();
  c.kernel_runs = kernels.size();
  std::vector<SideStatistics> m;
  std::vector<SideStatistics> k;
  for (const outcome::Outcome& o : models) {
    m.push_back(side_statistics(o, options));
    c.model_seeds.push_back(o.info.seed);
  }
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    k.push_back(side_statistics(kernels[i], options));
    if (const auto& host = kernels[i].info.host; host && host->busy()) {
      const std::int64_t pm = host->other_per_mille();
      c.busy_kernel_runs.push_back(fmt::format("run {}: other processes took {}.{:02} CPU on average (of {})", i + 1,
                                               pm / 1000, (pm % 1000) / 10, host->cpus));
    }
  }
  c.model = m.front();
  c.kernel = k.front();
  for (std::size_t i = 0; i < kJudgedFigures; ++i) {
    const auto f = static_cast<Figure>(i);
    std::vector<std::int64_t> model;
    std::vector<std::int64_t> kernel;
    for (const SideStatistics& s : m) model.push_back(figure_value(s, f));
    for (const SideStatistics& s : k) kernel.push_back(figure_value(s, f));
    Judged j = judge_figure(f, std::move(model), std::move(kernel));
    j.what = figure_name(j.figure, options);
    j.not_judged = why_not_judged(kernels.front(), j.figure);
    if (!j.not_judged.empty()) j.agree = true;
    if (!j.agree) c.misses.push_back(miss_line(j));
    c.judged.push_back(std::move(j));
  }
  c.unsettled = kernel_unsettled(c.judged);
  c.slow_kernel_runs = slow_machine_runs(kernels);
  return c;
}

std::vector<std::string> slow_machine_runs(const std::vector<outcome::Outcome>& kernels) {
  std::optional<Duration> fastest;
  for (const outcome::Outcome& k : kernels) {
    if (k.info.host && k.info.host->loopback_cycle > Duration{0}) {
      fastest = fastest ? std::min(*fastest, k.info.host->loopback_cycle) : k.info.host->loopback_cycle;
    }
  }
  std::vector<std::string> lines;
  if (!fastest) return lines;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const auto& host = kernels[i].info.host;
    if (!host || host->loopback_cycle.count() * kSlowMachineDenominator <= fastest->count() * kSlowMachineNumerator) {
      continue;
    }
    const std::int64_t per_cent = host->loopback_cycle.count() * 100 / fastest->count();
    const auto micros = [](Duration d) { return fmt::format("{}.{} us", d.count() / 1000, d.count() % 1000 / 100); };
    lines.push_back(fmt::format("run {}: loopback cycle {}, x{}.{:02} the fastest run's {}", i + 1,
                                micros(host->loopback_cycle), per_cent / 100, per_cent % 100, micros(*fastest)));
  }
  return lines;
}

Judged judge_figure(Figure f, std::vector<std::int64_t> model, std::vector<std::int64_t> kernel) {
  if (model.empty() || kernel.empty()) throw std::logic_error("judge_figure: a side without a run");
  Judged j;
  j.figure = f;
  j.model = std::move(model);
  j.kernel = std::move(kernel);
  j.model_median = lower_median(j.model);
  const auto [lo, hi] = std::minmax_element(j.kernel.begin(), j.kernel.end());
  j.band = widened(*lo, *hi, is_duration(f) ? to_ns(kDurationSlack) : kCountSlack);
  j.agree = j.band.lo <= j.model_median && j.model_median <= j.band.hi;
  return j;
}

std::vector<std::string> kernel_unsettled(const std::vector<Judged>& judged) {
  std::vector<std::string> lines;
  for (const Judged& j : judged) {
    if (!j.not_judged.empty() || j.kernel.size() < 2) continue;
    for (std::size_t i = 0; i < j.kernel.size(); ++i) {
      std::vector<std::int64_t> rest;
      std::string names;
      for (std::size_t r = 0; r < j.kernel.size(); ++r) {
        if (r == i) continue;
        rest.push_back(j.kernel[r]);
        names += fmt::format("{}{}", names.empty() ? "" : ", ", r + 1);
      }
      const Judged self = judge_figure(j.figure, {j.kernel[i]}, rest);
      if (self.agree) continue;
      lines.push_back(fmt::format("{}: run {} ({}) outside run{} {} (band {}..{})", j.what, i + 1,
                                  figure_text(j.figure, j.kernel[i]), rest.size() == 1 ? "" : "s", names,
                                  figure_text(j.figure, self.band.lo), figure_text(j.figure, self.band.hi)));
      break;  // one line a figure: the first run that stands apart
    }
  }
  return lines;
}

}  // namespace synsim::compare
