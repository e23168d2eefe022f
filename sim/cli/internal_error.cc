#include "sim/cli/internal_error.h"

#include <fmt/format.h>

#include <exception>
#include <ostream>

#include "sim/cli/exit_codes.h"
#include "sim/core/invariant.h"
#include "sim/scenario/load.h"

namespace synsim::cli {

namespace {

// The scenario's own seed (after the --set overrides), when it loads.
std::optional<std::uint64_t> scenario_seed(const Reproducer& r) {
  try {
    scenario::LoadResult loaded = scenario::load_file(r.file, r.sets);
    if (loaded.ok()) return loaded.scenario->seed;
  } catch (...) {
    // Reporting the error matters more than naming the seed.
  }
  return std::nullopt;
}

void report(const Reproducer& r, const std::string& what, std::optional<std::uint64_t> seed, std::ostream& err) {
  err << "synsim: internal error: " << what << (what.ends_with('\n') ? "" : "\n");
  if (!r.seeded) {
    err << fmt::format("synsim: to reproduce: synsim {} {}\n", r.command, r.file);
    return;
  }
  if (!seed) seed = r.seed ? r.seed : scenario_seed(r);
  err << fmt::format("synsim: scenario {}, seed {}\n", r.file, seed ? std::to_string(*seed) : "unknown");
  std::string again = fmt::format("synsim {} {}", r.command, r.file);
  for (const std::string& s : r.sets) again += fmt::format(" --set {}", s);
  // Only `run` takes --seed; the others run the scenario's own seed.
  if (r.command == "run" && seed) again += fmt::format(" --seed {}", *seed);
  err << "synsim: to reproduce: " << again << '\n';
}

}  // namespace

int exit_on_internal_error(const Reproducer& reproducer, const std::function<int()>& command, std::ostream& err) {
  try {
    return command();
  } catch (const InvariantViolation& e) {
    report(reproducer, e.report(), e.seed(), err);
  } catch (const std::exception& e) {
    report(reproducer, e.what(), std::nullopt, err);
  } catch (...) {
    report(reproducer, "unknown exception", std::nullopt, err);
  }
  err.flush();
  return kExitInvariant;
}

}  // namespace synsim::cli
