// Merging the outputs of a sharded sweep (--shard I/N on N machines, a
// Slurm job array, GNU parallel) back into the one file an unsharded run
// writes: the lines in index order, byte-identical to `synsim sweep` without
// --shard. synsim coordinates no machines; this is the step after the
// scheduler's, and it refuses a merge that is not one whole sweep.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/record.h"

namespace synsim::sweep {

struct MergeResult {
  std::vector<SweepRecord> records;   // index order, each index once
  std::vector<std::string> errors;    // FILE:LINE: message; nothing merged when not empty
  std::vector<std::string> warnings;  // e.g. a shard given twice
};

// Reads every file and checks that its lines are one sweep: the same
// scenario and grid keys in every line, each index 0..max exactly once (a
// run given twice with the same content, a shard re-run, is kept once and
// warned about; given twice with different content, it is an error), none
// missing (the missing indices are named: a shard that did not finish).
MergeResult merge_sweep_files(const std::vector<std::string>& paths);

// The same for text already in memory: (name, text) per file.
MergeResult merge_sweep_texts(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace synsim::sweep
