#include "sim/sweep/metric.h"

#include <fmt/format.h>

#include <cmath>

namespace synsim::sweep {

namespace {

struct Named {
  const char* name;
  const char* label;
  Metric::Unit unit;
};

constexpr Named kMetrics[] = {
    {"stall_fraction", "fraction of connections stalled > 190 ms", Metric::Unit::fraction},
    {"stalled", "connections stalled > 190 ms", Metric::Unit::count},
    {"connections", "connections", Metric::Unit::count},
    {"completed", "connections completed", Metric::Unit::count},
    {"reset", "connections reset", Metric::Unit::count},
    {"timed_out", "connections timed out", Metric::Unit::count},
    {"refused", "connections refused", Metric::Unit::count},
    {"open_at_end", "connections open at the end", Metric::Unit::count},
    {"stall_p50", "stall p50", Metric::Unit::ns},
    {"stall_p90", "stall p90", Metric::Unit::ns},
    {"stall_p99", "stall p99", Metric::Unit::ns},
    {"stall_max", "longest stall", Metric::Unit::ns},
    {"connect_p99", "connect() p99", Metric::Unit::ns},
    {"slow_fraction", "fraction of connections taking > 1 s, connect() call to response", Metric::Unit::fraction},
    {"total_over_1s", "connections taking > 1 s, connect() call to response", Metric::Unit::count},
    {"connect_over_1s", "connections whose connect() took > 1 s", Metric::Unit::count},
    {"total_p99", "p99 connect() call to response (blank: among unfinished)", Metric::Unit::ns},
    {"expectations_passed", "fraction of runs whose expect: held", Metric::Unit::fraction},
    {"events", "model events", Metric::Unit::count},
};

constexpr std::string_view kCounterPrefix = "counter:";

std::optional<double> ns_value(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

// Fixed decimals, trailing zeros trimmed: never the locale, never exponents.
std::string trimmed_fixed(double v, int decimals) {
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Three significant digits at most: 1.02s, 204ms, 37.5us, 812ns.
std::string format_ns(double ns) {
  if (ns == 0) return "0";
  const double a = std::fabs(ns);
  struct Unit {
    double scale;
    const char* suffix;
  };
  const Unit u = a >= 1e9 ? Unit{1e9, "s"} : a >= 1e6 ? Unit{1e6, "ms"} : a >= 1e3 ? Unit{1e3, "us"} : Unit{1, "ns"};
  const double x = ns / u.scale;
  const double ax = std::fabs(x);
  const int decimals = u.scale == 1 ? 0 : ax >= 100 ? 0 : ax >= 10 ? 1 : 2;
  return trimmed_fixed(x, decimals) + u.suffix;
}

}  // namespace

std::optional<double> Metric::value(const SweepRecord& r) const {
  const RunSummary& s = r.summary;
  if (name.starts_with(kCounterPrefix)) {
    const auto it = s.counters.find(name.substr(kCounterPrefix.size()));
    return it == s.counters.end() ? 0.0 : static_cast<double>(it->second);
  }
  if (name == "stall_fraction") {
    if (s.connections == 0) return std::nullopt;
    return static_cast<double>(s.stalled) / static_cast<double>(s.connections);
  }
  if (name == "stalled") return static_cast<double>(s.stalled);
  if (name == "connections") return static_cast<double>(s.connections);
  if (name == "completed") return static_cast<double>(s.completed);
  if (name == "reset") return static_cast<double>(s.reset);
  if (name == "timed_out") return static_cast<double>(s.timed_out);
  if (name == "refused") return static_cast<double>(s.refused);
  if (name == "open_at_end") return static_cast<double>(s.open_at_end);
  if (name == "stall_p50") return ns_value(s.stall_p50_ns);
  if (name == "stall_p90") return ns_value(s.stall_p90_ns);
  if (name == "stall_p99") return ns_value(s.stall_p99_ns);
  if (name == "stall_max") return ns_value(s.stall_max_ns);
  if (name == "connect_p99") return ns_value(s.connect_p99_ns);
  if (name == "slow_fraction") {
    if (s.connections == 0) return std::nullopt;
    return static_cast<double>(s.total_over_1s) / static_cast<double>(s.connections);
  }
  if (name == "total_over_1s") return static_cast<double>(s.total_over_1s);
  if (name == "connect_over_1s") return static_cast<double>(s.connect_over_1s);
  if (name == "total_p99") return ns_value(s.total_p99_ns);
  if (name == "expectations_passed") {
    if (!s.expectations_passed) return std::nullopt;
    return *s.expectations_passed ? 1.0 : 0.0;
  }
  if (name == "events") return static_cast<double>(r.events);
  return std::nullopt;
}

std::optional<Metric> find_metric(std::string_view name, std::string* error) {
  for (const Named& m : kMetrics) {
    if (name == m.name) return Metric{m.name, m.label, m.unit};
  }
  if (name.starts_with(kCounterPrefix) && name.size() > kCounterPrefix.size()) {
    const std::string counter(name.substr(kCounterPrefix.size()));
    return Metric{std::string(name), counter, Metric::Unit::count};
  }
  if (error) {
    std::string known;
    for (const std::string& n : metric_names()) known += (known.empty() ? "" : ", ") + n;
    *error = fmt::format("--metric: unknown metric '{}' (one of: {})", name, known);
  }
  return std::nullopt;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const Named& m : kMetrics) names.emplace_back(m.name);
  names.emplace_back("counter:NAME");
  return names;
}

std::string format_metric_value(const Metric& m, double v) {
  switch (m.unit) {
    case Metric::Unit::fraction: return trimmed_fixed(v * 100, std::fabs(v) >= 0.1 ? 0 : 1) + "%";
    case Metric::Unit::count: return trimmed_fixed(v, std::fabs(v) >= 100 ? 0 : 1);
    case Metric::Unit::ns: return format_ns(v);
  }
  return trimmed_fixed(v, 2);
}

}  // namespace synsim::sweep
