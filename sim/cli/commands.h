// The `synsim` subcommands, each a function from parsed options to an exit
// code. main.cc only parses arguments; the work is here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::optional<std::string> kernel;
  std::vector<std::string> sets;  // --set KEY=VALUE
  std::string format = "text";    // output_formats(): text | tcpdump | summary | json | ... | netstat
  std::optional<std::string> at;  // --format netstat: the snapshot's moment, a duration since the start
  std::optional<std::string> out_dir;
  std::uint32_t seeds = 0;        // > 0: run this many seeds (from --seed or the scenario's) and print their spread
  unsigned jobs = 1;              // --seeds: runs at once (0: one per hardware thread); the output is the same
  std::optional<std::string> connection;  // --format pkt: the connection the script is of ("x#1")
};

int run_command(const RunArgs& args);
// Each file loaded with the --set overrides, as `run` would load it.
int check_command(const std::vector<std::string>& files, const std::vector<std::string>& sets = {});

}  // namespace synsim::cli
