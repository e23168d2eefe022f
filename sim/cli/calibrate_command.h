// `synsim calibrate`: fits the model's machine costs to this machine's pace
// (sim/model/calibrate.h says why and how), so that a comparison or a
// prediction is made for the machine it is about.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/time.h"
#include "sim/model/calibrate.h"
#include "sim/scenario/scenario.h"

namespace synsim::cli {

struct CalibrateArgs {
  std::uint32_t runs = 3;        // kernel runs, and model seeds per scale
  std::string format = "text";   // text | sets
  std::string fit = "pace";      // pace: one factor on the loop's pace; cpu: two on each role's CPU a connection
};

// This machine measured and the model fitted to it.
struct MachineCalibration {
  std::vector<Duration> kernel_paces;       // one per kernel run, in run order
  std::vector<std::string> run_notes;       // per run: its probes and others' CPU, in words
  bool busy = false;                        // a run was measured on a busy machine
  std::optional<Duration> shipped_pace;     // the model's at x1
  model::CostFit fit;
  std::vector<std::string> sets;            // machine.costs.KEY=VALUE, one per cost
  // Each role's CPU per connection started and its time waiting for a CPU
  // (outcome::ThreadTimes), the median over the kernel's runs and over the
  // fitted model's seeds: one factor fits the pace, not the split between
  // the loader's and the server's threads.
  struct Role {
    Duration cpu_per_connection{};
    Duration waited{};
  };
  struct Split {
    Role loader, server;
  };
  std::optional<Split> kernel_split, model_split;
  // --fit cpu: the two factors (model::fit_cpu_split) and the model's pace there.
  std::optional<model::SplitFit> split_fit;
  std::optional<Duration> split_fit_pace;
  // "machine.costs x2.136 (kernel 126.2 / 126.4 / 155.0 ms, model 127.5 ms)"
  std::string summary() const;
};

// Runs the calibration workload `runs` times on this machine's kernel and
// fits the model to it; an exit code (said on stderr) when it cannot.
std::variant<MachineCalibration, int> calibrate_machine(std::uint32_t runs, const std::string& fit = "pace");

// Exit codes: 0 measured; 1 measured, but on a busy machine (the figures are
// printed, marked, and `--format sets` prints nothing); 4 the kernel runner
// cannot run here.
int calibrate_command(const CalibrateArgs& args);

}  // namespace synsim::cli
