// An output directory: every rendering of one run, side by side.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/atomic_file.h"
#include "sim/outcome/outcome.h"

namespace synsim::report {

// Creates `dir` if needed, claims it (see claim_out_dir) and writes
//   timeline.txt   render_tcpdump() with annotations
//   summary.txt    render_summary()
//   outcome.json   render_json()
//   capture.pcap   render_pcap()
//   trace.json     render_perfetto() (ui.perfetto.dev)
//   report.html    render_html() of this run
//   summary.md     render_markdown() of this run
//   scenario.yaml  scenario_text, as given
// the same bytes `--format tcpdump|summary|json|perfetto|html|markdown`
// print. With `summary`, summary.txt is render_summary(*summary) instead:
// `synsim run` gives the same run in summary detail there, which is what its
// --format summary prints when no expectation names a connection. The files are written all or nothing (StagedFiles,
// sim/core/atomic_file.h: each under a temporary name in `dir`, flushed to
// disk, then all renamed over their final names and the directory
// flushed), so a reader never sees a half-written file or a partial set.
// Throws std::runtime_error naming the path and the system's reason on
// failure (the temporary files are removed).
void write_out_dir(const std::filesystem::path& dir, const outcome::Outcome& outcome, const std::string& scenario_text,
                   const outcome::Outcome* summary = nullptr);

// One side's directory of `synsim compare --out` (model/, kernel/), in two
// steps, for a command that writes several outputs and publishes them
// together (StagedFiles, sim/core/atomic_file.h), so that a failure while
// it renders the next one leaves no half-written output: the files,
// rendered; then claim_out_dir(dir) and each staged. These are
// write_out_dir's files but trace.json, report.html and summary.md, which
// compare renders once for both sides.
struct OutDirFile {
  std::string name;
  std::string bytes;
};
std::vector<OutDirFile> render_out_dir(const outcome::Outcome& outcome, const std::string& scenario_text);
void stage_out_dir(StagedFiles& staged, const std::filesystem::path& dir, const std::vector<OutDirFile>& files);

// The marker file that says a directory holds synsim's output, so that a
// later run may replace what is in it.
inline constexpr const char* kOutDirMarker = ".synsim-out";

// Makes `dir` ready to receive synsim's files: creates it if needed and
// writes the marker (kOutDirMarker) into it. `dir` is refused (nothing is
// created or written; std::runtime_error naming `dir` and what is in it)
// when it exists, is not empty, and does not look like synsim's output:
// no marker, and some entry that is neither one of write_out_dir's file
// names, nor one of `own_names`, nor a temporary file of an interrupted
// write. So `--out DIR` never replaces files synsim did not write.
// write_out_dir calls this itself; a command that writes more into a
// directory (`synsim compare`: model/, kernel/, comparison.txt) calls it
// first with those names.
void claim_out_dir(const std::filesystem::path& dir, const std::vector<std::string>& own_names = {});

}  // namespace synsim::report
