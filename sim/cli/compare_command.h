// `synsim compare FILE`: the scenario on the model and on the real kernel,
// aligned, with a verdict (exit 0 agree, 1 disagree, 4 the machine cannot
// run the kernel side).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct CompareArgs {
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::string> out_dir;
  std::int64_t noise_ms = 25;
};

int compare_command(const CompareArgs& args);

}  // namespace synsim::cli
