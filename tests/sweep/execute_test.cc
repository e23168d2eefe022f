// Running sweeps of the shipped sweep scenario: determinism, threads, shards,
// seeds, and bad grid values refused before anything runs.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/core/invariant.h"
#include "sim/expect/evaluate.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"
#include "sim/sweep/execute.h"

namespace synsim::sweep {
namespace {

const std::string kScenario = std::string(SYNSIM_SOURCE_DIR) + "/scenarios/sweeps/backlog-vs-rate.yaml";

PreparedSweep prepared(const std::vector<std::string>& grids, std::uint64_t seeds, Shard shard = {},
                       const std::vector<std::string>& sets = {}) {
  GridsParse g = parse_grid(grids);
  EXPECT_TRUE(g.errors.empty());
  std::string error;
  std::optional<SweepPlan> plan = SweepPlan::make(g.axes, seeds, shard, &error);
  EXPECT_TRUE(plan) << error;
  Preparation p = prepare_sweep(kScenario, sets, std::move(*plan));
  for (const std::string& e : p.errors) ADD_FAILURE() << e;
  return std::move(*p.sweep);
}

std::vector<std::string> errors_of(const std::vector<std::string>& grids, const std::vector<std::string>& sets = {},
                                   const std::string& file = kScenario) {
  GridsParse g = parse_grid(grids);
  EXPECT_TRUE(g.errors.empty());
  std::string error;
  std::optional<SweepPlan> plan = SweepPlan::make(g.axes, 1, Shard{}, &error);
  Preparation p = prepare_sweep(file, sets, std::move(*plan));
  EXPECT_FALSE(p.sweep.has_value());
  return p.errors;
}

std::vector<std::string> lines(const PreparedSweep& sweep, unsigned jobs) {
  std::vector<std::string> out;
  ExecuteOptions options;
  options.jobs = jobs;
  options.on_record = [&](const SweepRecord& r) { out.push_back(to_json_line(r)); };
  const std::optional<RunFailure> failure = execute_sweep(sweep, options);
  EXPECT_FALSE(failure) << failure->message;
  return out;
}

const std::vector<std::string> kGrid = {"server.backlog=4,16,128", "clients.load.arrival.rate=500/s,4000/s"};

TEST(Sweep, SameSweepTwiceGivesTheSameLines) {
  const PreparedSweep sweep = prepared(kGrid, 2);
  const std::vector<std::string> first = lines(sweep, 1);
  EXPECT_EQ(first.size(), 12u);
  EXPECT_EQ(first, lines(sweep, 1));
}

TEST(Sweep, ThreadsDoNotChangeTheOutput) {
  const PreparedSweep sweep = prepared(kGrid, 2);
  const std::vector<std::string> one = lines(sweep, 1);
  EXPECT_EQ(one, lines(sweep, 2));
  EXPECT_EQ(one, lines(sweep, 3));
  EXPECT_EQ(one, lines(sweep, 64));  // more threads than runs
}

TEST(Sweep, LoadingEachRunAgainGivesTheSameLinesAsKeptScenarios) {
  const PreparedSweep kept = prepared(kGrid, 2);
  ASSERT_EQ(kept.points.size(), 6u);
  PreparedSweep reloading = kept;
  reloading.points.clear();  // what a grid of more than kKeepLoadedPoints points does
  EXPECT_EQ(lines(kept, 1), lines(reloading, 1));
  EXPECT_EQ(lines(kept, 1), lines(reloading, 2));
}

TEST(Sweep, RecordsComeInIndexOrderWithProgress) {
  const PreparedSweep sweep = prepared(kGrid, 3);
  std::vector<std::uint64_t> indices;
  std::vector<std::uint64_t> done;
  ExecuteOptions options;
  options.jobs = 2;
  options.on_record = [&](const SweepRecord& r) { indices.push_back(r.index); };
  options.on_progress = [&](std::uint64_t d, std::uint64_t n) {
    EXPECT_EQ(n, 18u);
    done.push_back(d);
  };
  EXPECT_FALSE(execute_sweep(sweep, options));
  ASSERT_EQ(indices.size(), 18u);
  for (std::uint64_t i = 0; i < 18; ++i) {
    EXPECT_EQ(indices[i], i);
    EXPECT_EQ(done[i], i + 1);
  }
}

TEST(Sweep, ShardOutputsConcatenateToTheFullSweep) {
  const std::vector<std::string> full = lines(prepared(kGrid, 2), 1);
  std::vector<std::string> merged;
  for (std::uint64_t i = 3; i >= 1; --i) {  // in any order
    const std::vector<std::string> part = lines(prepared(kGrid, 2, Shard{i, 3}), 2);
    EXPECT_EQ(part.size(), 4u);
    merged.insert(merged.end(), part.begin(), part.end());
  }
  std::vector<std::string> sorted_full = full;
  std::sort(sorted_full.begin(), sorted_full.end());
  std::sort(merged.begin(), merged.end());
  EXPECT_EQ(merged, sorted_full);
}

TEST(Sweep, EachRecordIsTheRunItNames) {
  // Seed number k runs with the scenario's seed + k - 1: here 5, 6.
  const PreparedSweep sweep = prepared({"server.backlog=8"}, 2, Shard{}, {"seed=5"});
  ExecuteOptions options;
  std::vector<SweepRecord> records;
  options.on_record = [&](const SweepRecord& r) { records.push_back(r); };
  ASSERT_FALSE(execute_sweep(sweep, options));
  ASSERT_EQ(records.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    const SweepRecord& r = records[k];
    EXPECT_EQ(r.seed, 5 + k);
    EXPECT_EQ(r.sweep, "backlog-vs-rate");
    EXPECT_EQ(r.params, (std::vector<std::pair<std::string, std::string>>{{"server.backlog", "8"}}));
    const scenario::LoadResult loaded = scenario::load_file(kScenario, {"seed=5", "server.backlog=8"});
    ASSERT_TRUE(loaded.ok());
    model::RunOptions run;
    run.seed = r.seed;
    const outcome::Outcome out = model::run(*loaded.scenario, run);
    EXPECT_EQ(r.summary, summarize(out, expect::evaluate(loaded.scenario->expect, out)));
    EXPECT_EQ(r.events, out.info.events);
  }
  EXPECT_GT(records[0].summary.stalled, 0u);
  EXPECT_EQ(records[0].summary.connections, 50u);
}

TEST(Sweep, ShippedPointHoldsItsHypothesesAndALargeBacklogDoesNot) {
  const PreparedSweep sweep = prepared({"server.backlog=8,512"}, 1);
  std::vector<SweepRecord> records;
  ExecuteOptions options;
  options.on_record = [&](const SweepRecord& r) { records.push_back(r); };
  ASSERT_FALSE(execute_sweep(sweep, options));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].summary.expectations_passed, true);
  EXPECT_EQ(records[1].summary.expectations_passed, false);
  EXPECT_EQ(records[1].summary.stalled, 0u);
}

// A run that breaks: everything before it (in index order) is handed over,
// nothing after it, and the failure names the run, whatever the threads.
TEST(Sweep, FailedRunStopsTheSweepAtTheSameRunWhateverTheThreads) {
  const PreparedSweep sweep = prepared(kGrid, 2);
  for (unsigned jobs : {1u, 2u, 3u, 8u}) {
    std::vector<std::uint64_t> handed;
    ExecuteOptions options;
    options.jobs = jobs;
    options.on_record = [&](const SweepRecord& r) { handed.push_back(r.index); };
    options.run = [](const PreparedSweep& s, const RunPoint& p) {
      if (p.index == 5 || p.index == 9) throw model::Unsupported("no such feature");
      return run_sweep_point(s, p);
    };
    const std::optional<RunFailure> failure = execute_sweep(sweep, options);
    ASSERT_TRUE(failure) << "jobs " << jobs;
    EXPECT_EQ(failure->index, 5u);
    EXPECT_EQ(failure->kind, RunFailure::Kind::bad_input);
    EXPECT_NE(failure->message.find("run 5 ("), std::string::npos) << failure->message;
    EXPECT_NE(failure->message.find("--set server.backlog=16 --set clients.load.arrival.rate=500/s --seed 2"),
              std::string::npos)
        << failure->message;
    EXPECT_NE(failure->message.find(": no such feature"), std::string::npos);
    EXPECT_EQ(handed, (std::vector<std::uint64_t>{0, 1, 2, 3, 4})) << "jobs " << jobs;
  }
}

TEST(Sweep, BrokenInvariantIsReportedWithTheModelsReport) {
  const PreparedSweep sweep = prepared({"server.backlog=8"}, 1);
  ExecuteOptions options;
  options.run = [](const PreparedSweep&, const RunPoint&) -> SweepRecord {
    throw InvariantViolation("accept queue over its limit", 7, at_ns(42), "last events");
  };
  const std::optional<RunFailure> failure = execute_sweep(sweep, options);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, RunFailure::Kind::invariant);
  EXPECT_NE(failure->message.find("accept queue over its limit"), std::string::npos);
}

TEST(SweepPreparation, BadGridValueIsReportedAtItsColumnBeforeAnyRun) {
  EXPECT_EQ(errors_of({"server.backlog=8,-1", "clients.load.arrival.rate=1000/s,0/s"}),
            (std::vector<std::string>{
                "--grid:1:18: server.backlog must be >= 0, got -1",
                "--grid:2:34: clients.load.arrival.rate: rate must be in [1, 1000000000]/s, got '0/s'",
            }));
}

TEST(SweepPreparation, UnknownKeyIsReportedAsTheLoaderDoesAtTheKey) {
  const std::vector<std::string> e = errors_of({"server.bogus=1,2"});
  ASSERT_EQ(e.size(), 1u);  // once, not once per point
  EXPECT_EQ(e[0].substr(0, e[0].find(" (")), "--grid:1:8: unknown key 'bogus' in server");
}

TEST(SweepPreparation, ValuesThatBreakALimitOnlyTogetherAreFound) {
  // 6000000 connections in one group is fine; two groups of 6000000 exceed the total limit.
  const std::vector<std::string> e =
      errors_of({"clients.load.count=10,6000000"}, {"clients=[{name: load}, {name: more, count: 6000000}]"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0].find("more than the limit of 10000000"), std::string::npos) << e[0];
}

TEST(SweepPreparation, GridKeyAlsoSetIsAnError) {
  EXPECT_EQ(errors_of({"server.backlog=8,16"}, {"seed=2", "server.backlog=4"}),
            (std::vector<std::string>{"--grid:1:1: KEY server.backlog is swept here and also set by --set 2"}));
}

TEST(SweepPreparation, UserSetErrorsKeepTheirOwnLocation) {
  EXPECT_EQ(errors_of({"server.backlog=8"}, {"server.accept.start=-1s"})[0].substr(0, 8), "--set:1:");
}

TEST(SweepPreparation, UnreadableScenarioIsReportedOnce) {
  const std::vector<std::string> e = errors_of({"server.backlog=8,16"}, {}, "/nonexistent/x.yaml");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind("/nonexistent/x.yaml: cannot read", 0), 0u) << e[0];
}

}  // namespace
}  // namespace synsim::sweep
