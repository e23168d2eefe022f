// What a sweep report plots: one number per run, read from its record.
//
//   slow_fraction          connections over 1 s from connect() call to response /
//                          connections: latency as users see it (the default)
//   stall_fraction         stalled / connections
//   stalled completed reset timed_out refused open_at_end connections events
//                          counts
//   stall_p50 stall_p90 stall_p99 stall_max connect_p99
//                          durations (ns; a run with no stall has none)
//   expectations_passed    1 when the scenario's expect: held, 0 when not
//                          (averaged over seeds: the fraction that held)
//   counter:NAME           an nstat counter, e.g. counter:TcpExtListenOverflows
//                          (0 when the run did not count any)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sweep/record.h"

namespace synsim::sweep {

struct Metric {
  enum class Unit { fraction, count, ns };
  std::string name;    // as given: "stall_p99", "counter:TcpExtListenOverflows"
  std::string label;   // for people: "stall p99", "TcpExtListenOverflows"
  Unit unit = Unit::count;

  // The run's value; nullopt when the run has none (no stall to take a
  // quantile of, no connections, no expectations).
  std::optional<double> value(const SweepRecord& r) const;
};

// nullopt with *error ("--metric: unknown metric 'x' (one of: ...)") for an
// unknown name.
std::optional<Metric> find_metric(std::string_view name, std::string* error);

// The names find_metric() knows, counter:NAME last.
std::vector<std::string> metric_names();

// A value as a cell shows it: "42%" (fraction), "3.5" (count),
// "1.024s" (ns).
std::string format_metric_value(const Metric& m, double v);

}  // namespace synsim::sweep
