// `synsim sweep` and `synsim sweep-report`: parameter sweeps over the model.
//
//   synsim sweep FILE --grid KEY=V1,V2,... [--grid ...] [--seeds N] [--shard I/N] [--jobs J]
//                [--set KEY=VALUE]... [--out FILE.jsonl] [--html FILE.html [--metric M]]
//   synsim sweep-report PART.jsonl... --html FILE.html [--metric M]
//
// `sweep` writes one JSON line per run (sim/sweep/record.h), in run-index
// order, to --out (via FILE.tmp, renamed when complete) or stdout; with a
// terminal on stderr it draws a progress bar there. `sweep-report` draws the
// heat map from any number of JSON-lines files, e.g. the outputs of all
// shards. Exit codes: 0 done (a run whose expect: fails is data, not a
// failure), 2 bad input (grid, shard, metric, scenario, an unsupported
// feature), 3 a run broke a model invariant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct SweepArgs {
  std::string file;
  std::vector<std::string> grids;  // --grid KEY=V1,V2,...
  std::uint64_t seeds = 1;         // seed numbers 1..N: scenario seed + 0..N-1
  std::optional<std::string> shard;  // "I/N"
  unsigned jobs = 1;               // model runs at once; 0 = one per hardware thread
  std::vector<std::string> sets;   // --set KEY=VALUE, applied before the grid's values
  std::optional<std::string> out;  // JSON lines; stdout when absent
  std::optional<std::string> html; // heat map of this invocation's runs
  std::optional<std::string> markdown;  // the runs side by side as a Markdown table ("-": stdout)
  std::string metric = "slow_fraction";
};

struct SweepReportArgs {
  std::vector<std::string> files;  // JSON lines, e.g. part-*.jsonl
  std::string html;
  std::string metric = "slow_fraction";
};

struct SweepMergeArgs {
  std::vector<std::string> files;  // the shards' JSON lines, in any order
  std::optional<std::string> out;  // via FILE.tmp; stdout when absent
};

int sweep_command(const SweepArgs& args);
int sweep_report_command(const SweepReportArgs& args);
int sweep_merge_command(const SweepMergeArgs& args);

// For --help: the metrics --metric accepts.
std::string sweep_metric_help();

}  // namespace synsim::cli
