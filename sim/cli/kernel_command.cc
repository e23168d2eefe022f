#include "sim/cli/kernel_command.h"

#include <csignal>
#include <iostream>
#include <sstream>
#include <variant>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/packetdrill_command.h"
#include "sim/cli/render.h"
#include "sim/cli/session.h"
#include "sim/cli/vm_side.h"
#include "sim/scenario/load.h"

namespace synsim::cli {

namespace {

// --port-range LOW-HIGH into the runner's options; false after saying what is wrong.
bool apply_port_range(const std::string& port_range, kernel::KernelOptions& options) {
  if (port_range.empty()) return true;
  int low = 0, high = 0;
  char dash = 0;
  std::istringstream in(port_range);
  if (!(in >> low >> dash >> high) || dash != '-' || !in.eof()) {
    std::cerr << "synsim kernel: --port-range wants LOW-HIGH, got '" << port_range << "'\n";
    return false;
  }
  options.port_range_low = low;
  options.port_range_high = high;
  return true;
}

// --teardown-limit into the runner's options; false after saying what is wrong.
bool apply_teardown_limit(const std::string& text, kernel::KernelOptions& options) {
  if (text.empty()) return true;
  std::string error;
  const std::optional<Duration> d = scenario::parse_duration(text, &error);
  if (!d || *d <= Duration{0}) {
    std::cerr << "synsim kernel: --teardown-limit: " << (d ? "must be positive" : error) << '\n';
    return false;
  }
  options.teardown_limit = *d;
  return true;
}

int refused(const KernelArgs& args, const KernelRefusal& r) {
  if (!r.environment) {
    std::cerr << args.file << ": " << r.what << '\n';
    return kExitBadInput;
  }
  std::cerr << "synsim kernel: this machine cannot run it: " << r.what << '\n';
  // Only a namespace problem is helped by the host's loopback.
  if (!args.host_loopback && r.what.find("namespace") != std::string::npos) {
    std::cerr << "synsim kernel: --host-loopback runs on the host's own loopback instead, without a namespace; it "
                 "changes nothing, so it works only when every sysctl the scenario sets already has that value "
                 "on the host\n";
  }
  return kExitEnvironment;
}

// What `synsim kernel` in the guest is told beyond the scenario file: the
// same options as here (--vm's guest plays them on its own loopback).
std::vector<std::string> guest_kernel_args(const KernelArgs& args) {
  std::vector<std::string> out;
  for (const std::string& s : args.sets) out.insert(out.end(), {"--set", s});
  if (args.no_capture) out.emplace_back("--no-capture");
  if (!args.port_range.empty()) out.insert(out.end(), {"--port-range", args.port_range});
  if (!args.teardown_limit.empty()) out.insert(out.end(), {"--teardown-limit", args.teardown_limit});
  out.insert(out.end(), {"--loader", args.loader});
  return out;
}

// The run, on this machine's kernel or in the VM; an exit code when there is none.
std::variant<KernelRun, int> play(const KernelArgs& args, const scenario::Scenario& sc) {
  if (args.vm.empty()) {
    kernel::KernelOptions options;
    options.host_loopback = args.host_loopback;
    options.capture_packets = !args.no_capture;
    options.loader = kernel::loader_kind_named(args.loader);  // "auto": nullopt, chosen per scenario
    if (!apply_port_range(args.port_range, options) || !apply_teardown_limit(args.teardown_limit, options)) {
      return kExitBadInput;
    }
    KernelRun run = run_on_kernel(sc, options);
    if (run.refused) return refused(args, *run.refused);
    return run;
  }
  if (args.host_loopback) {
    std::cerr << "synsim kernel: --host-loopback is for this machine; the VM's guest has a loopback of its own\n";
    return kExitBadInput;
  }
  std::variant<Runs, int> vm = run_on_vm({args.vm, guest_kernel_args(args)}, sc, 1);
  if (const int* rc = std::get_if<int>(&vm)) return *rc;
  KernelRun run;
  run.outcome = std::move(std::get<Runs>(vm).outcomes.front());
  return run;
}

}  // namespace

const char* kernel_command_description() { return kernel::kernel_requirements_text(); }

int kernel_command(const KernelArgs& args) {
  // A write to a reset connection must be an outcome (EPIPE), never a signal
  // that kills the run. The runner also passes MSG_NOSIGNAL; this covers
  // anything else.
  std::signal(SIGPIPE, SIG_IGN);
  if (is_packetdrill_script(args.file)) return kernel_packetdrill(args);
  stop_kernel_runs_on_signals();

  const std::optional<scenario::Scenario> sc = load_scenario(args.file, args.sets);
  if (!sc) return kExitBadInput;

  // The kernel side plays this machine's rules (or the VM's), whatever the scenario names.
  const std::string machine = args.vm.empty() ? std::string(host_profile_name()) : args.vm;
  if (sc->kernel != machine) {
    std::cerr << "synsim kernel: note: " << (args.vm.empty() ? "this machine's kernel" : "the VM's kernel")
              << " follows " << machine << "'s rules; the scenario names " << sc->kernel
              << ", whose rules the model plays (synsim run): the two are not like for like (synsim kernels diff "
              << machine << " " << sc->kernel << ")\n";
  }
  std::variant<KernelRun, int> played = play(args, *sc);
  if (const int* rc = std::get_if<int>(&played)) return *rc;
  KernelRun& run = std::get<KernelRun>(played);
  // What the runner changed beyond the scenario (a widened port range).
  for (const std::string& note : run.notes) std::cerr << "synsim " << note << '\n';
  outcome::Outcome& out = run.outcome;
  // Judged once, here, as `synsim run` judges the model's run: every
  // rendering and every file of --out carries the results.
  expect::judge(sc->expect, out);

  if (args.out_dir && !write_run_dir(*args.out_dir, out, sc->source_text)) return kExitBadInput;
  std::cout << render_format(args.format, out, sc->source_text);
  std::cout.flush();
  // A partial run's results are printed and written, but what it says about
  // the hypotheses is partial too: the interruption decides the exit code.
  if (out.info.partial) {
    std::cerr << "synsim kernel: interrupted at " << format_seconds(out.info.stopped_at)
              << " s: the results above are partial\n";
    return kExitInterrupted;
  }
  return say_failed_expectations(out) ? kExitExpectationFailed : kExitOk;
}

}  // namespace synsim::cli
