#include "sim/model/calibrate.h"

#include "sim/model/translate.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace synsim::model {

std::string calibration_scenario_text(std::uint32_t cpus) {
  return fmt::format(
      "name: calibrate\n"
      "description: >\n"
      "  synsim calibrate: a closed loop of 64 connections (connect, 5-byte request, 100-byte response, RST close)\n"
      "  against a listener whose queue never overflows, so that its pace is the machine's CPU work alone.\n"
      "kernel: linux-6.18\n"
      "seed: 1\n"
      "duration: 3s\n"
      "machine: {{cpus: {}, stops: measured, placement: measured}}\n"
      "sysctl: {{net.core.somaxconn: 4096}}\n"
      "server:\n"
      "  backlog: 4096\n"
      "  on_data: {{respond_bytes: 100, close: after_response}}\n"
      "clients:\n"
      "  - name: load\n"
      "    count: 6000\n"
      "    arrival: {{concurrency: 64}}\n"
      "    send: {{bytes: 5, after: 0s}}\n"
      "    close: after_response\n"
      "    close_style: rst\n",
      std::max<std::uint32_t>(1, cpus));
}

std::optional<Duration> closed_loop_pace(const outcome::Outcome& out) {
  std::vector<Time> starts;
  starts.reserve(out.connections.size());
  for (const outcome::ConnectionRecord& c : out.connections) {
    if (c.connect_start) starts.push_back(*c.connect_start);
  }
  constexpr std::size_t kFrom = 500;   // past the loop's first burst
  constexpr std::size_t kTo = 4'500;   // well before the last connections
  if (starts.size() <= kTo) return std::nullopt;
  std::nth_element(starts.begin(), starts.begin() + kFrom, starts.end());
  const Time from = starts[kFrom];
  std::nth_element(starts.begin(), starts.begin() + kTo, starts.end());
  return starts[kTo] - from;
}

Costs scaled_costs(const Costs& costs, std::uint32_t scale_per_mille) {
  Costs c = costs;
  for (const CostField& f : cost_fields()) c.*f.cost = Duration{(c.*f.cost).count() * scale_per_mille / 1000};
  return c;
}

void scale_costs(scenario::Scenario& sc, std::uint32_t scale_per_mille) {
  scale_costs(sc, scale_per_mille, 1000);
}

Costs scaled_costs(const Costs& costs, std::uint32_t scale_per_mille, std::uint32_t server_per_mille) {
  Costs c = scaled_costs(costs, scale_per_mille);
  c.accept = Duration{c.accept.count() * server_per_mille / 1000};
  c.serve = Duration{c.serve.count() * server_per_mille / 1000};
  return c;
}

void scale_costs(scenario::Scenario& sc, std::uint32_t scale_per_mille, std::uint32_t server_per_mille) {
  const Costs c = scaled_costs(machine_costs(sc), scale_per_mille, server_per_mille);
  for (const CostField& f : cost_fields()) sc.machine.costs.*f.setting = c.*f.cost;
}

namespace {

// floor(sqrt(a * b)): the geometric middle of two scales.
std::uint32_t geometric_middle(std::uint32_t a, std::uint32_t b) {
  const std::uint64_t p = std::uint64_t{a} * b;
  std::uint64_t r = a;
  while ((r + 1) * (r + 1) <= p) ++r;
  return static_cast<std::uint32_t>(r);
}

std::int64_t distance(Duration a, Duration b) { return a > b ? (a - b).count() : (b - a).count(); }

}  // namespace

CostFit fit_cost_scale(Duration target, const std::function<Duration(std::uint32_t)>& pace_at) {
  CostFit best;
  auto consider = [&](std::uint32_t scale) {
    const Duration p = pace_at(scale);
    ++best.evaluations;
    if (best.evaluations == 1 || distance(p, target) < distance(best.pace, target)) {
      best.scale_per_mille = scale;
      best.pace = p;
    }
    return p;
  };
  std::uint32_t lo = kMinScale;
  std::uint32_t hi = kMaxScale;
  // As shipped first: most machines are near it, and it is the figure to report.
  std::uint32_t scale = 1000;
  for (int i = 0; i < 14; ++i) {
    const Duration p = consider(scale);
    if (distance(p, target) * 100 <= target.count()) {
      best.converged = true;
      return best;
    }
    if (p < target) {
      lo = scale;
    } else {
      hi = scale;
    }
    if (hi - lo <= 1) break;
    scale = geometric_middle(lo, hi);
  }
  best.converged = distance(best.pace, target) * 100 <= target.count();
  return best;
}

SplitFit fit_cpu_split(CpuSplit target, const std::function<CpuSplit(std::uint32_t, std::uint32_t)>& split_at) {
  SplitFit fit;
  const CpuSplit base = split_at(1000, 1000);
  const CpuSplit server_x2 = split_at(1000, 2000);
  if (base.loader <= Duration{0} || target.loader <= Duration{0}) return fit;
  // Per mille, rounded, within the range the pace fit allows (integers: the
  // model's arithmetic stays exact, tests/tidy).
  auto in_range = [](std::int64_t pm) { return pm >= kMinScale && pm <= kMaxScale; };
  auto clamped = [](std::int64_t pm) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(pm, kMinScale, kMaxScale));
  };
  const std::int64_t a = (target.loader.count() * 1000 + base.loader.count() / 2) / base.loader.count();
  fit.scale_per_mille = clamped(a);
  // The server's CPU at x1: `own` from accept and serve, `rest` from its
  // softirq packets and its closes. At factors a and b (per mille):
  // server = a/1000 * (rest + own * b/1000).
  const std::int64_t own = (server_x2.server - base.server).count();
  const std::int64_t rest = base.server.count() - own;
  bool fits = in_range(a) && own > 0;
  if (own > 0) {
    const std::int64_t b = (target.server.count() * 1000 / fit.scale_per_mille - rest) * 1000 / own;
    fits = fits && in_range(b);
    fit.server_per_mille = clamped(b);
  }
  fit.model = split_at(fit.scale_per_mille, fit.server_per_mille);
  auto within = [](Duration got, Duration want) { return distance(got, want) * 100 <= want.count() * 3; };
  fit.converged = fits && within(fit.model.loader, target.loader) && within(fit.model.server, target.server);
  return fit;
}

}  // namespace synsim::model
