// `synsim calibrate`: fits the model's machine costs to this machine's pace
// (sim/model/calibrate.h says why and how), so that a comparison or a
// prediction is made for the machine it is about.
#pragma once

#include <cstdint>
#include <string>

namespace synsim::cli {

struct CalibrateArgs {
  std::uint32_t runs = 3;        // kernel runs, and model seeds per scale
  std::string format = "text";   // text | sets
};

// Exit codes: 0 measured; 1 measured, but on a busy machine (the figures are
// printed, marked, and `--format sets` prints nothing); 4 the kernel runner
// cannot run here.
int calibrate_command(const CalibrateArgs& args);

}  // namespace synsim::cli
