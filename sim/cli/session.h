// The operations the `synsim` commands are made of: load a scenario with its
// --set overrides, run it on the model or on this machine's kernel, read a
// saved outcome, compare the two sides, and write an output directory.
// A command is these steps in order, with its own words and exit codes
// around them; the layers behind the steps (scenario, model, kernel, compare,
// report, expect) are this file's business, not each command's.
//
// Failures that are bad input are said on stderr here, in the words the
// commands have always used, and come back as an empty result (the command
// then exits kExitBadInput). A kernel run's refusal comes back as data
// (KernelRefusal), since commands word it differently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/compare/compare.h"
#include "sim/compare/statistics.h"
#include "sim/core/time.h"
#include "sim/expect/evaluate.h"
#include "sim/kernel/runner.h"
#include "sim/model/run.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::cli {

// --- Scenarios

// FILE with the overrides applied; nullopt after printing each diagnostic.
std::optional<scenario::Scenario> load_scenario(const std::string& file, const std::vector<std::string>& sets);

// The kernel profile whose rules this machine's kernel follows (its release
// read with uname, profile::profile_for_release): the one the kernel side
// is compared against ("linux-6.18").
std::string_view host_profile_name();

// --- Runs

// The scenario on the model; nullopt when the model cannot run it ("FILE: why" said).
std::optional<outcome::Outcome> run_on_model(const scenario::Scenario& sc, const model::RunOptions& options,
                                             const std::string& file);

// Several runs of one side and the wall-clock time they took (none for saved outcomes).
struct Runs {
  std::vector<outcome::Outcome> outcomes;
  std::optional<Duration> wall;
};

// `runs` model runs with seeds sc.seed, sc.seed + 1, ..., timed (the model
// never reads a clock; the command measures it for the speed ratio: the
// runs' own times added up, whatever `jobs` ran at once). `jobs` as for
// run_indices(); the outcomes are the same for any value. `detail`: summary
// detail counts every connection but records few (no packets, no sockets):
// enough for compare's statistical verdict, at a fraction of the time.
std::optional<Runs> run_on_model_seeds(const scenario::Scenario& sc, std::size_t runs, const std::string& file,
                                       unsigned jobs = 1,
                                       model::RunOptions::Detail detail = model::RunOptions::Detail::full);

// Why the kernel runner did not run the scenario: the scenario asks for
// what it cannot do (kernel::Unsupported), or this machine cannot run it
// (kernel::EnvironmentError).
struct KernelRefusal {
  bool environment = false;
  std::string what;
};

struct KernelRun {
  outcome::Outcome outcome;
  std::vector<std::string> notes;  // what the runner changed beyond the scenario, in words
  std::optional<KernelRefusal> refused;
};
KernelRun run_on_kernel(const scenario::Scenario& sc, const kernel::KernelOptions& options);

struct KernelRuns {
  Runs runs;
  std::optional<KernelRefusal> refused;
};
// Up to `runs` timed kernel runs, fewer when a stop was requested (SIGINT).
KernelRuns run_on_kernel_repeatedly(const scenario::Scenario& sc, std::size_t runs,
                                    const kernel::KernelOptions& options = {});

// An outcome.json written by `--out` (a saved kernel run); nullopt after
// saying why it cannot be read.
std::optional<outcome::Outcome> read_kernel_outcome_file(const std::string& path);

// --- Comparing

// --stall-threshold and the rest of the statistical options; nullopt after
// saying what is wrong.
std::optional<compare::StatOptions> statistical_options(const std::string& stall_threshold);
// --mode: auto picks by the scenario's connection count.
compare::Mode comparison_mode(const std::string& mode, const scenario::Scenario& sc);

struct Verdict {
  compare::StatisticalComparison statistics;
  std::optional<compare::Comparison> per_connection;  // connections mode
  std::string text;                                   // the verdict and table, as printed
  std::string json;                                   // comparison.json, with each side's expect: results
  bool agree() const { return per_connection ? per_connection->agree() : statistics.agree(); }
};
Verdict compare_runs(const Runs& models, const Runs& kernels, compare::Mode mode, const compare::StatOptions& options,
                     std::int64_t noise_ms);

// Each run judged by the scenario's expect: (its Outcome::expect).
void judge_runs(const scenario::Scenario& sc, Runs& runs);

// Each failed expectation of `out` on stderr, "expectation failed: WHAT:
// got ACTUAL", or "expectation failed on the kernel: ..." with a side
// (compare's two). True when any failed: the command exits 1.
bool say_failed_expectations(const outcome::Outcome& out, std::string_view side = "");

// Every run of both sides judged (judge_runs), each failure of each run on
// stderr (say_failed_expectations, under its report::run_label). True when any
// failed: compare exits 1.
bool say_failed_expectations(const Runs& models, const Runs& kernels);

// compare's text report opens with this when an expectation failed on any
// run of either side, "" otherwise: the banner `run` opens with
// (report::expectations_banner), one per failed run, each naming its side
// ("FAILED on the kernel (run 2 of 3): 1 of 6 expectations").
std::string expectations_banners(const Runs& models, const Runs& kernels);

// "\nexpectations on the model\n..." and the same for the kernel, for the
// runs judged with expectations stated (Outcome::expect): every run of each
// side, under its report::run_label.
std::string expectations_text(const Runs& models, const Runs& kernels);

// `run --seeds`: each judged figure's spread over the runs, as text or JSON
// (with each run's expect: results, Outcome::expect).
std::string render_spread(const std::vector<outcome::Outcome>& runs, const std::vector<std::uint64_t>& seeds,
                          bool json);

// --- Output directories (false: the file system refused, said on stderr)

// `run --out`, `kernel --out`: every rendering of the run (report::write_out_dir);
// summary.txt from `summary` when given (the same run in summary detail).
bool write_run_dir(const std::string& dir, const outcome::Outcome& out, const std::string& scenario_text,
                   const outcome::Outcome* summary = nullptr);

// `compare --out`: model/, kernel/ (model-2/, ... for further runs),
// comparison.txt (`comparison_text`: what compare prints), comparison.json,
// report.html, summary.md, trace.json, all appearing together at the end.
bool write_comparison_dir(const std::string& dir, const scenario::Scenario& sc, const Runs& models,
                          const Runs& kernels, const Verdict& verdict, const std::string& comparison_text);

// `text` to `path` through a temporary file: a reader never sees half of it.
bool write_file(const std::string& path, const std::string& text);
// A file written under the temporary name `tmp`, renamed to `path`.
bool commit_written_file(const std::string& tmp, const std::string& path);

}  // namespace synsim::cli
