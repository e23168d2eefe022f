// Calibrating the model's machine to another machine (sim/model/calibrate.h):
// the pace both sides are measured by, the bisection, and the model fitted
// to itself at a known factor.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/model/calibrate.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"
#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

Outcome starts_every(Duration gap, std::size_t n) {
  Outcome out;
  for (std::size_t i = 0; i < n; ++i) {
    outcome::ConnectionRecord r;
    r.connect_start = kTimeZero + gap * static_cast<std::int64_t>(n - 1 - i);  // in any order
    out.connections.push_back(r);
  }
  return out;
}

TEST(Calibrate, ThePaceIsTheTimeFromThe500thToThe4500thConnect) {
  EXPECT_EQ(model::closed_loop_pace(starts_every(us(25), 6000)), us(25) * 4000);
  // A connection that never called connect() is not counted.
  Outcome out = starts_every(us(10), 4501);
  EXPECT_EQ(model::closed_loop_pace(out), us(10) * 4000);
  out.connections.back().connect_start.reset();
  EXPECT_EQ(model::closed_loop_pace(out), std::nullopt);
}

TEST(Calibrate, ScalesEveryCallAndPacketCostAndNothingElse) {
  const model::Costs base = model::measured_costs();
  const model::Costs c = model::scaled_costs(base, 2500);
  EXPECT_EQ(c.connect, base.connect * 5 / 2);
  EXPECT_EQ(c.send, base.send * 5 / 2);
  EXPECT_EQ(c.read, base.read * 5 / 2);
  EXPECT_EQ(c.close, base.close * 5 / 2);
  EXPECT_EQ(c.accept, base.accept * 5 / 2);
  EXPECT_EQ(c.serve, base.serve * 5 / 2);
  EXPECT_EQ(c.softirq_packet, base.softirq_packet * 5 / 2);
  // The scheduler's figures are the machine's timing, not its CPU work.
  EXPECT_EQ(c.slice, base.slice);
  EXPECT_EQ(c.wakeup, base.wakeup);
  EXPECT_EQ(c.stop, base.stop);
  EXPECT_EQ(c.tick, base.tick);
}

TEST(Calibrate, TheFitFindsTheScaleOfAMonotonicPace) {
  const auto pace = [](std::uint32_t scale) { return us(100) * scale / 1000; };
  const model::CostFit fit = model::fit_cost_scale(us(312) + Duration{500}, pace);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.scale_per_mille, 3125, 32);  // within 1%
  // The shipped costs are tried first, and a machine like the reference one
  // is fitted at once.
  const model::CostFit same = model::fit_cost_scale(us(100), pace);
  EXPECT_EQ(same.scale_per_mille, 1000u);
  EXPECT_EQ(same.evaluations, 1);
}

TEST(Calibrate, AFitThatCannotReachTheTargetSaysSo) {
  const auto pace = [](std::uint32_t scale) { return us(100) * scale / 1000; };
  const model::CostFit fit = model::fit_cost_scale(sec(10), pace);  // x100 would be needed
  EXPECT_FALSE(fit.converged);
  EXPECT_GT(fit.scale_per_mille, model::kMaxScale * 9 / 10);
  const model::CostFit fast = model::fit_cost_scale(us(1), pace);
  EXPECT_FALSE(fast.converged);
  EXPECT_LT(fast.scale_per_mille, model::kMinScale * 11 / 10);
}

// compare --calibrate's model side: the scenario's own costs scaled, the
// measured ones where it sets none.
TEST(Calibrate, ScalesTheScenariosOwnCostsAndTheMeasuredOthers) {
  Scenario sc;
  sc.machine.costs.accept = us(40);  // a server whose accept() is slow on the reference machine
  model::scale_costs(sc, 2500);
  const model::Costs measured = model::measured_costs();
  EXPECT_EQ(sc.machine.costs.accept, us(100));
  EXPECT_EQ(sc.machine.costs.connect, measured.connect * 5 / 2);
  EXPECT_EQ(sc.machine.costs.softirq_packet, measured.softirq_packet * 5 / 2);
  EXPECT_EQ(sc.machine.costs.serve, measured.serve * 5 / 2);
}

// The model run as a slower machine at x2, then fitted to that pace from
// the shipped costs: the factor comes back, so the pace grows with the
// costs the way the bisection assumes.
TEST(Calibrate, TheModelFittedToItselfAtTwiceTheCostsFindsTwice) {
  const scenario::LoadResult loaded = scenario::load_string(model::calibration_scenario_text(2), "calibrate");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().message;
  auto pace_at = [&](std::uint32_t scale) {
    Scenario sc = *loaded.scenario;
    model::scale_costs(sc, scale);
    return model::closed_loop_pace(model::run(sc)).value();
  };
  const Duration shipped = pace_at(1000);
  const Duration twice = pace_at(2000);
  EXPECT_GT(twice, shipped * 3 / 2);
  const model::CostFit fit = model::fit_cost_scale(twice, pace_at);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.scale_per_mille, 2000, 60);
}

// --fit cpu: the model's own split at known factors is found again, and a
// server cheaper than its softirq work alone is said not to fit.
TEST(Calibrate, TheCpuSplitFitFindsTheFactorsOfAKnownSplit) {
  const scenario::LoadResult loaded = scenario::load_string(model::calibration_scenario_text(2), "calibrate");
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().message;
  auto split_at = [&](std::uint32_t scale, std::uint32_t server) {
    Scenario sc = *loaded.scenario;
    model::scale_costs(sc, scale, server);
    const Outcome out = model::run(sc);
    const auto n = static_cast<std::int64_t>(out.connections.size());
    return model::CpuSplit{out.info.loader_threads.cpu / n, out.info.server_threads.cpu / n};
  };
  const model::CpuSplit known = split_at(2000, 1500);
  EXPECT_GT(known.server, split_at(2000, 1000).server) << "accept and serve are the server's";
  EXPECT_EQ(known.loader, split_at(2000, 1000).loader) << "and not the loader's";
  const model::SplitFit fit = model::fit_cpu_split(known, split_at);
  EXPECT_TRUE(fit.converged);
  EXPECT_NEAR(fit.scale_per_mille, 2000, 20);
  EXPECT_NEAR(fit.server_per_mille, 1500, 30);
  const model::SplitFit impossible = model::fit_cpu_split({known.loader, known.server / 20}, split_at);
  EXPECT_FALSE(impossible.converged);
}

}  // namespace
}  // namespace synsim::testing
