#include "sim/cli/compare_command.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/capture/explain.h"
#include "sim/cli/calibrate_command.h"
#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/session.h"
#include "sim/cli/vm_side.h"
#include "sim/expect/evaluate.h"

namespace synsim::cli {

namespace {

// Another scenario's outcome would compare two different experiments, and
// so would the same scenario with other settings (a --set on one side
// only). False after saying why.
bool same_experiment(const std::string& path, const scenario::Scenario& sc, const outcome::Outcome& out,
                     const char* side = "kernel") {
  if (out.info.scenario != sc.name) {
    std::cerr << path << ": holds an outcome of scenario " << out.info.scenario << ", not " << sc.name << '\n';
    return false;
  }
  if (out.info.settings.empty()) {
    std::cerr << "synsim: note: " << path << " does not say which settings it ran with (written by an older "
              << "synsim); it is taken to be this experiment\n";
  } else if (out.info.settings != sc.settings) {
    std::vector<std::string> theirs;
    std::vector<std::string> ours;
    std::set_difference(out.info.settings.begin(), out.info.settings.end(), sc.settings.begin(), sc.settings.end(),
                        std::back_inserter(theirs));
    std::set_difference(sc.settings.begin(), sc.settings.end(), out.info.settings.begin(), out.info.settings.end(),
                        std::back_inserter(ours));
    std::cerr << path << ": ran " << sc.name << " with other settings; comparing it would judge two experiments\n";
    for (const std::string& s : theirs) std::cerr << "  saved run:        " << s << '\n';
    for (const std::string& s : ours) std::cerr << "  this comparison:  " << s << '\n';
    return false;
  }
  if (out.info.source != side) {
    std::cerr << "synsim: note: " << path << " holds a " << out.info.source << " outcome, compared as the " << side
              << " side\n";
  }
  return true;
}

// Whether a --kernel-outcome file is a capture (pcap, pcapng, tcpdump
// text) rather than an outcome.json: an outcome is a JSON object.
bool is_capture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c) && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
  }
  return in && c != '{';
}

// A capture as the kernel side (`synsim explain`'s outcome): it names no
// scenario and no settings, so it is taken to be this experiment, and said.
std::optional<outcome::Outcome> read_capture_side(const std::string& path, const scenario::Scenario& sc) {
  try {
    capture::Input in = capture::read_capture_file(path);
    outcome::Outcome out = capture::explain(in, capture::ExplainOptions{});
    out.info.scenario = sc.name;
    std::cerr << "synsim: note: " << path << " is a capture: its connections as `synsim explain` reads them, its "
              << "counters deduced from the segments; it names no scenario or settings and is taken to be "
              << sc.name << " as given\n";
    return out;
  } catch (const capture::InputError& e) {
    std::cerr << e.what() << '\n';
    return std::nullopt;
  }
}

// The saved kernel outcomes of --kernel-outcome (outcome.json files or
// captures); nullopt after saying why not.
std::optional<Runs> read_kernel_outcomes(const std::vector<std::string>& paths, const scenario::Scenario& sc) {
  Runs kernels;
  for (const std::string& path : paths) {
    if (is_capture(path)) {
      std::optional<outcome::Outcome> out = read_capture_side(path, sc);
      if (!out) return std::nullopt;
      kernels.outcomes.push_back(std::move(*out));
      continue;
    }
    std::optional<outcome::Outcome> out = read_kernel_outcome_file(path);
    if (!out || !same_experiment(path, sc, *out)) return std::nullopt;
    kernels.outcomes.push_back(std::move(*out));
  }
  return kernels;
}

// The model side as saved (--model-outcome): a model run's outcome.json, or
// a kernel run's, to judge the kernel against itself (what the verdict says
// of two runs of one experiment: its noise, scripts/verdict-noise).
std::optional<Runs> read_model_outcomes(const std::vector<std::string>& paths, const scenario::Scenario& sc) {
  Runs models;
  for (const std::string& path : paths) {
    std::optional<outcome::Outcome> out = read_kernel_outcome_file(path);
    if (!out || !same_experiment(path, sc, *out, "model")) return std::nullopt;
    models.outcomes.push_back(std::move(*out));
  }
  return models;
}

// The kernel side: saved outcomes, or `runs` runs on this machine's kernel.
// An exit code when it cannot be had.
// Packet by packet needs the packets; a statistical comparison judges the
// connection records and counters, which the capture would perturb.
std::variant<Runs, int> kernel_side(const CompareArgs& args, const scenario::Scenario& sc, std::size_t runs,
                                    compare::Mode mode) {
  if (!args.kernel_outcomes.empty()) {
    std::optional<Runs> saved = read_kernel_outcomes(args.kernel_outcomes, sc);
    if (!saved) return kExitBadInput;
    return std::move(*saved);
  }
  if (!args.vm.empty()) {
    VmSide vm{args.vm, {}};
    for (const std::string& s : args.sets) vm.kernel_args.insert(vm.kernel_args.end(), {"--set", s});
    if (mode != compare::Mode::connections && !args.capture) vm.kernel_args.emplace_back("--no-capture");
    vm.kernel_args.insert(vm.kernel_args.end(), {"--loader", args.loader});
    return run_on_vm(vm, sc, runs);
  }
  kernel::KernelOptions options;
  options.capture_packets = mode == compare::Mode::connections || args.capture;
  options.loader = kernel::loader_kind_named(args.loader);  // "auto": nullopt, chosen per scenario
  std::cerr << "synsim: running " << sc.name << " on the kernel " << runs << " time" << (runs == 1 ? "" : "s")
            << " (" << format_duration(sc.duration) << " of real time each"
            << (options.capture_packets ? "" : "; no packet capture, which perturbs load runs: --capture keeps it")
            << ")\n";
  stop_kernel_runs_on_signals();
  KernelRuns k = run_on_kernel_repeatedly(sc, runs, options);
  if (k.refused && k.refused->environment) {
    std::cerr << "synsim: " << k.refused->what << '\n';
    return kExitEnvironment;
  }
  if (k.refused) {
    std::cerr << args.file << ": " << k.refused->what << '\n';
    return kExitBadInput;
  }
  return std::move(k.runs);
}

// Whether the kernel side can be the scenario's kernel: the VM's profile,
// or this machine's; false after saying why.
bool kernel_side_fits(const CompareArgs& args, const scenario::Scenario& sc) {
  if (!args.vm.empty() && (!args.kernel_outcomes.empty() || args.calibrate)) {
    std::cerr << "synsim compare: --vm runs the kernel side in the VM; not with "
              << (args.calibrate ? "--calibrate (it fits the model to this machine)" : "--kernel-outcome") << '\n';
    return false;
  }
  if (!args.vm.empty() && sc.kernel != args.vm) {
    std::cerr << args.file << ": the kernel side runs the " << args.vm << " VM; compare needs the " << args.vm
              << " profile (got " << sc.kernel << "; --set kernel=" << args.vm << ")\n";
    return false;
  }
  if (args.vm.empty() && sc.kernel != host_profile_name()) {
    std::cerr << args.file << ": the kernel side runs this machine's kernel; compare needs the "
              << host_profile_name() << " profile (got " << sc.kernel << ")\n";
    return false;
  }
  return true;
}

// --mode, where a capture on the kernel side allows only statistical: its
// connections are named by their ports, not by the scenario's names, so
// there is nothing to align them with one by one.
std::optional<compare::Mode> chosen_mode(const CompareArgs& args, const scenario::Scenario& sc) {
  if (std::none_of(args.kernel_outcomes.begin(), args.kernel_outcomes.end(), is_capture)) {
    return comparison_mode(args.mode, sc);
  }
  if (args.mode == "connections") {
    std::cerr << "synsim compare: --mode connections aligns connections by the scenario's names; a capture's are "
                 "named by their ports, so a capture is compared statistically (--mode statistical or auto)\n";
    return std::nullopt;
  }
  return compare::Mode::statistical;
}

// A statistical verdict reads counts, latencies and stalls, which a
// summary-detail run holds exactly (tests/compare/summary_detail_test.cc) at
// a fraction of the time; --out keeps full detail for the model's
// timelines, and so does an expect: that reads connection records.
model::RunOptions::Detail model_detail(const CompareArgs& args, const scenario::Scenario& sc, compare::Mode mode) {
  const bool summary =
      mode == compare::Mode::statistical && !args.out_dir && !expect::needs_connection_records(sc.expect);
  return summary ? model::RunOptions::Detail::summary : model::RunOptions::Detail::full;
}

}  // namespace

int compare_command(const CompareArgs& args) {
  const std::optional<scenario::Scenario> loaded = load_scenario(args.file, args.sets);
  if (!loaded) return kExitBadInput;
  const scenario::Scenario& sc = *loaded;
  if (!kernel_side_fits(args, sc)) return kExitBadInput;
  const std::optional<compare::StatOptions> stat_options = statistical_options(args.stall_threshold);
  if (!stat_options) return kExitBadInput;
  const std::optional<compare::Mode> chosen = chosen_mode(args, sc);
  if (!chosen) return kExitBadInput;
  const compare::Mode mode = *chosen;

  const std::size_t runs = args.runs > 0 ? args.runs : std::max<std::size_t>(1, args.kernel_outcomes.size());
  // The model's machine, fitted to this one now (--calibrate): the kernel
  // side runs here now, so the factor is measured beside it.
  scenario::Scenario model_sc = sc;
  std::string calibration;
  if (args.calibrate) {
    if (!args.model_outcomes.empty()) {
      std::cerr << "synsim compare: --calibrate fits the model it runs; --model-outcome runs none\n";
      return kExitBadInput;
    }
    if (!args.kernel_outcomes.empty()) {
      std::cerr << "synsim compare: --calibrate measures this machine now, and saved kernel runs were measured on "
                   "the machine as it was then; give the model the --set values fitted then instead\n";
      return kExitBadInput;
    }
    std::cerr << "synsim: calibrating the model to this machine (synsim calibrate, 3 kernel runs)\n";
    std::variant<MachineCalibration, int> cal = calibrate_machine(3);
    if (const int* rc = std::get_if<int>(&cal)) return *rc;
    const MachineCalibration& c = std::get<MachineCalibration>(cal);
    model::scale_costs(model_sc, c.fit.scale_per_mille);
    calibration = "model calibrated to this machine: " + c.summary() + "\n";
    std::cerr << "synsim: " << calibration;
  }
  // An InvariantViolation escapes to the caller: an internal error
  // (internal_error.h), before anything was written.
  std::optional<Runs> models = args.model_outcomes.empty()
                                   ? run_on_model_seeds(model_sc, runs, args.file, args.jobs, model_detail(args, sc, mode))
                                   : read_model_outcomes(args.model_outcomes, sc);
  if (!models) return kExitBadInput;
  std::variant<Runs, int> side = kernel_side(args, sc, runs, mode);
  if (const int* rc = std::get_if<int>(&side)) return *rc;
  Runs& kernels = std::get<Runs>(side);
  // Every run of both sides judged by the scenario's expect:, once; each
  // output carries these results (a saved kernel run is judged again: it
  // ran the same experiment, and this scenario states the hypotheses).
  judge_runs(sc, *models);
  judge_runs(sc, kernels);

  const Verdict verdict = compare_runs(*models, kernels, mode, *stat_options, args.noise_ms);
  // As `run`'s text: a failed hypothesis opens the report, above a verdict
  // that may say AGREE; every run's results close it.
  const std::string text =
      expectations_banners(*models, kernels) + calibration + verdict.text + expectations_text(*models, kernels);
  std::cout << (args.format == "json" ? verdict.json : text);
  if (args.out_dir && !write_comparison_dir(*args.out_dir, sc, *models, kernels, verdict, text)) {
    return kExitBadInput;
  }
  const outcome::Outcome& last = kernels.outcomes.back();
  if (last.info.partial || (args.kernel_outcomes.empty() && kernels.outcomes.size() < runs)) {
    std::cerr << "synsim compare: interrupted at " << format_seconds(last.info.stopped_at) << " s of run "
              << kernels.outcomes.size() << " of " << runs << ": the kernel side is partial, so is the comparison\n";
    return kExitInterrupted;
  }
  // Exit 1 when the sides disagree, or when the scenario's hypotheses
  // failed on either side (even if both sides agree on it): each is said,
  // the disagreements in the verdict above, each failed expectation on
  // stderr. A user tells them apart by the verdict line ("verdict: AGREE")
  // or comparison.json's "verdict" and "expect". Every run of each side
  // counts (--runs N): a hypothesis that fails on one run of N failed.
  const bool failed = say_failed_expectations(*models, kernels);
  return verdict.agree() && !failed ? kExitOk : kExitExpectationFailed;
}

}  // namespace synsim::cli
