// An output directory: every rendering of one run, side by side.
#pragma once

#include <filesystem>
#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// Creates `dir` if needed and writes
//   timeline.txt   render_tcpdump() with annotations
//   summary.txt    render_summary()
//   outcome.json   render_json()
//   capture.pcap   render_pcap()
//   scenario.yaml  scenario_text, as given
// Everything is rendered before anything is written; each file is written to
// a temporary name in `dir`, flushed to disk and renamed over its final name,
// so a reader never sees a half-written file. Throws std::runtime_error naming
// the path and the system's reason on failure (a temporary file is removed).
void write_out_dir(const std::filesystem::path& dir, const outcome::Outcome& outcome, const std::string& scenario_text);

}  // namespace synsim::report
