// Sweeps on the schedulers people already run, never a coordinator of our
// own: GNU parallel and a Slurm job array (a single-node cluster that
// scripts/sweep-slurm starts in a network namespace of its own) each run the
// shards, `synsim sweep-merge` joins them, and the result must be the
// unsharded sweep byte for byte. Each check is also shown failing: a synsim
// whose shard runs differ from the whole sweep makes the script fail.
// Skips with the script's reason where the scheduler cannot run (exit 77).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/run_synsim.h"

namespace synsim {
namespace {

using testing::Result;
using testing::shell;

const std::string kSource = SYNSIM_SOURCE_DIR;

Result run_script(const std::string& script, const std::string& synsim) {
  return shell(kSource + "/scripts/" + script + " " + synsim + " 4 2>&1");
}

// A synsim that runs every --shard invocation with another seed: shards that
// are not the sweep they claim to be. The merge still succeeds (the lines
// are well formed and whole), so only the byte comparison can catch it.
std::string lying_synsim() {
  const std::string path = std::filesystem::temp_directory_path() / ("synsim-lying-" + std::to_string(getpid()));
  std::ofstream(path) << "#!/bin/sh\n"
                         "case \" $* \" in *' --shard '*) exec " SYNSIM_BINARY " \"$@\" --set seed=7 ;; esac\n"
                         "exec " SYNSIM_BINARY " \"$@\"\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

void expect_identical_then_failing(const std::string& script, const std::string& what) {
  const Result ok = run_script(script, SYNSIM_BINARY);
  if (ok.exit_code == 77) GTEST_SKIP() << ok.output;
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("24 runs from 4 " + what + ", merged: byte-identical to the unsharded sweep"),
            std::string::npos)
      << ok.output;

  const std::string liar = lying_synsim();
  const Result bad = run_script(script, liar);
  std::filesystem::remove(liar);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("the merged shards differ from the unsharded sweep"), std::string::npos) << bad.output;
}

TEST(Schedulers, GnuParallelShardsMergeToTheUnshardedSweep) {
  expect_identical_then_failing("sweep-parallel", "GNU parallel jobs");
}

TEST(Schedulers, ASlurmJobArrayMergesToTheUnshardedSweep) {
  expect_identical_then_failing("sweep-slurm", "Slurm tasks");
}

}  // namespace
}  // namespace synsim
