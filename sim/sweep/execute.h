// Running a sweep: validate every grid point, then run this shard's runs on
// J threads and hand the records over in run-index order.
//
// The model is single-threaded and every run is independent (its own
// scenario, its own seeded streams, no global state), so runs can go on any
// thread; the records are handed over strictly in index order, so the output
// is byte-identical whatever the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/plan.h"
#include "sim/sweep/record.h"

namespace synsim::sweep {

// Grids up to this many points keep every point's loaded scenario from the
// validation pass (a few KB each): loading is about as costly as running a
// small scenario. Larger grids load each run's scenario again.
constexpr std::uint64_t kKeepLoadedPoints = 10'000;

// A sweep whose every grid point loads: ready to run.
struct PreparedSweep {
  std::string file;               // scenario path, as given
  std::string text;               // its YAML text, read once (every run uses this, not the file)
  std::vector<std::string> sets;  // user --set overrides, applied before the grid's
  SweepPlan plan;
  std::vector<scenario::Scenario> points;  // per grid point, or empty (see kKeepLoadedPoints)
};

struct Preparation {
  std::optional<PreparedSweep> sweep;
  std::vector<std::string> errors;  // "FILE:LINE:COL: message", "--grid:N:COL: message"; deduplicated
};

// Loads the scenario once for every grid point (user --set first, then one
// override per axis). A loader error caused by a grid value is reported at
// that value in its --grid text (`--grid:N:COL: message`, with the loader's
// message); other errors as the loader reports them. A grid KEY also given
// with --set is an error. Nothing is run.
Preparation prepare_sweep(const std::string& file, const std::vector<std::string>& sets, SweepPlan plan);

// The run `point` describes, alone: load, run the model without recording
// packets, evaluate the scenario's expect:, summarize. Throws what
// model::run() throws (model::Unsupported, InvariantViolation), and
// std::runtime_error if the scenario text no longer loads.
SweepRecord run_sweep_point(const PreparedSweep& sweep, const RunPoint& point);

struct RunFailure {
  enum class Kind {
    bad_input,  // model::Unsupported, or the scenario no longer loads: exit 2
    invariant,  // the model broke one of its invariants (InvariantViolation): exit 3
    internal,   // anything else thrown by a run: exit 3
  };
  Kind kind = Kind::invariant;
  std::uint64_t index = 0;
  std::string message;  // what happened: the run's parameters and seed, then the model's report
};

struct ExecuteOptions {
  unsigned jobs = 1;
  // Called on the calling thread, in run-index order, once per run.
  std::function<void(const SweepRecord&)> on_record;
  // Called on the calling thread after each record: runs done, runs in this shard.
  std::function<void(std::uint64_t, std::uint64_t)> on_progress;
  // One run; empty: run_sweep_point. Tests put a failing run here.
  std::function<SweepRecord(const PreparedSweep&, const RunPoint&)> run;
};

// Runs this shard's runs. On a failed run, every run before it (in index
// order) is still handed over, nothing after it, and the failure is
// returned: the same runs and the same failure whatever `jobs` is.
std::optional<RunFailure> execute_sweep(const PreparedSweep& sweep, const ExecuteOptions& options);

}  // namespace synsim::sweep
