#include "sim/cli/vm_side.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/kernel/runner.h"
#include "sim/report/json.h"
#include "sim/vm/vm_run.h"

namespace synsim::cli {

namespace {

// Each line of the guest's stderr, marked as the guest's.
void say_guest_stderr(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) std::cerr << "synsim: guest: " << line << '\n';
  }
}

void say_figures(const vm::VmRun& r, const std::string& profile) {
  std::cerr << "synsim: " << profile << " VM (" << r.release << ", clocksource " << r.clocksource << "): "
            << "/init after " << (r.boot ? format_seconds(*r.boot) + " s" : std::string("?")) << " of boot";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const vm::GuestRun& g = r.runs[i];
    std::cerr << ", run " << i + 1 << ": " << (g.wall ? format_seconds(*g.wall) + " s" : std::string("?"));
  }
  std::cerr << ", qemu " << format_seconds(r.qemu_wall) << " s in all\n";
}

// The guest runs' outcomes; an exit code after saying why a run has none.
std::variant<Runs, int> outcomes_of(const vm::VmRun& r) {
  Runs runs;
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const vm::GuestRun& g = r.runs[i];
    say_guest_stderr(g.stderr_text);
    if (!g.outcome_json) {
      std::cerr << "synsim: the guest's run " << i + 1 << " wrote no outcome (exit " << g.exit_code << ")\n";
      return g.exit_code > 0 ? g.exit_code : kExitEnvironment;
    }
    try {
      runs.outcomes.push_back(report::outcome_from_json(*g.outcome_json));
    } catch (const std::exception& e) {
      std::cerr << "synsim: the guest's outcome " << i + 1 << " does not read: " << e.what() << '\n';
      return kExitEnvironment;
    }
  }
  return runs;
}

}  // namespace

std::variant<Runs, int> run_on_vm(const VmSide& vm, const scenario::Scenario& sc, std::size_t runs) {
  std::variant<vm::VmImage, std::string> image = vm::find_vm_image(vm.profile);
  if (const std::string* why = std::get_if<std::string>(&image)) {
    std::cerr << "synsim: cannot run the " << vm.profile << " VM: " << *why << '\n';
    return kExitEnvironment;
  }
  vm::VmRequest request;
  request.image = std::get<vm::VmImage>(image);
  std::error_code ec;
  request.synsim_binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  request.scenario_text = sc.source_text;
  request.plan.runs = static_cast<int>(runs);
  request.plan.kernel_args = vm.kernel_args;
  // The guest's teardown waits longer: emulated on a machine whose CPUs
  // others keep busy, the applications took over 7 s to end after the
  // deadline (the counters are read at the deadline, before it).
  if (std::find(vm.kernel_args.begin(), vm.kernel_args.end(), "--teardown-limit") == vm.kernel_args.end()) {
    request.plan.kernel_args.insert(request.plan.kernel_args.end(), {"--teardown-limit", "30s"});
  }
  request.scenario_duration = sc.duration;
  // SIGINT/SIGTERM kill qemu (and with it the guest) rather than leave it running.
  stop_kernel_runs_on_signals();
  request.should_stop = [] { return kernel::stop_requested(); };
  // SYNSIM_VM_CPUS: the guest's vCPUs (default 2, vm_run.h).
  if (const char* cpus = std::getenv("SYNSIM_VM_CPUS"); cpus != nullptr && std::atoi(cpus) > 0) {
    request.cpus = std::atoi(cpus);
  }
  std::cerr << "synsim: booting " << request.image.source << " under qemu (TCG) for " << runs << " run"
            << (runs == 1 ? "" : "s") << " of " << sc.name << '\n';
  const vm::VmRun r = vm::run_in_vm(request);
  if (!r.error.empty()) {
    std::cerr << "synsim: the " << vm.profile << " VM: " << r.error << '\n';
    return r.stopped ? kExitInterrupted : r.environment ? kExitEnvironment : kExitBadInput;
  }
  say_figures(r, vm.profile);
  std::variant<Runs, int> out = outcomes_of(r);
  if (Runs* got = std::get_if<Runs>(&out)) {
    Duration wall{0};
    for (const vm::GuestRun& g : r.runs) wall += g.wall.value_or(Duration{0});
    got->wall = wall;
  }
  return out;
}

}  // namespace synsim::cli
