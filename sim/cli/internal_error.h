// Internal errors: the third kind of failure (style.md rule 8). A broken
// model invariant (InvariantViolation), a std::logic_error from an internal
// check (tcp::Stack, EventQueue) or any other exception that a command did
// not handle means synsim itself is wrong. It must not escape main() (an
// uncaught exception aborts the process with no word of what to rerun):
// the command's output is abandoned, and synsim says "internal error",
// what broke, the scenario and seed that reproduce it, and exits 3.
//
// No half-written output: run and kernel render their --out files before
// they write any, and compare stages each of its outputs as it renders it
// and publishes them together (StagedFiles, sim/core/atomic_file.h), so an
// internal error leaves every --out file as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace synsim::cli {

// What reproduces a command's run: its subcommand, scenario file, --set
// overrides and --seed (if given; otherwise the scenario's own seed, read
// from the file). `seeded` false: a command that runs no scenario (check,
// sweep-report), `file` then holds its file arguments.
struct Reproducer {
  std::string command;  // "run", "kernel", "compare", "sweep", ...
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  bool seeded = true;
};

// Returns command()'s exit code; if an exception escapes it, prints the
// internal error to `err` and returns kExitInvariant (3).
int exit_on_internal_error(const Reproducer& reproducer, const std::function<int()>& command, std::ostream& err);

}  // namespace synsim::cli
