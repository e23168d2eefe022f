// `synsim compare FILE`: the scenario on the model and on the real kernel,
// with a verdict (exit 0 agree with every expect: held, 1 disagree or an
// expect: failed on either side, 4 the machine cannot run the kernel side). Small scenarios are aligned packet by packet; load scenarios
// (more than compare::kStatisticalAboveConnections connections, or
// --mode statistical) are compared as populations (sim/compare/statistics.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct CompareArgs {
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::string> out_dir;
  std::int64_t noise_ms = 25;
  std::string mode = "auto";             // auto | connections | statistical
  std::string stall_threshold = "1s";    // statistical mode: the judged stall count is stall > this
  std::vector<std::string> kernel_outcomes;  // saved kernel outcome.json files instead of kernel runs
  std::vector<std::string> model_outcomes;   // saved outcome.json files instead of model runs
  std::uint32_t runs = 0;                // runs a side (kernel runs, model seeds); 0: one, or one per saved outcome
  unsigned jobs = 1;                     // model seeds at once (0: one per hardware thread); before the kernel runs
  std::string format = "text";           // text | json (the statistical table, machine-readable)
  std::string loader = "auto";           // the kernel side's loader: auto | asio | epoll (kernel::chosen_loader)
  // Statistical mode runs the kernel without packet capture (the capture
  // perturbs a load run: reports/load/capture.md); true keeps the packets.
  bool capture = false;
  // Before the comparison, fit the model's machine costs to this machine
  // (`synsim calibrate`, 3 kernel runs) and judge the model so calibrated.
  bool calibrate = false;
  // The kernel side on Debian's kernel of this profile under qemu (vm_side.h), not this machine's.
  std::string vm;
};

int compare_command(const CompareArgs& args);

}  // namespace synsim::cli
