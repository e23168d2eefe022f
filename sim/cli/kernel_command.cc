#include "sim/cli/kernel_command.h"

#include <csignal>
#include <iostream>
#include <sstream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/interrupt.h"
#include "sim/cli/render.h"
#include "sim/kernel/runner.h"
#include "sim/report/json.h"
#include "sim/report/out_dir.h"
#include "sim/report/reason_text.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "sim/scenario/load.h"

namespace synsim::cli {

const char* kernel_command_description() { return kernel::kernel_requirements_text(); }

int kernel_command(const KernelArgs& args) {
  // A write to a reset connection must be an outcome (EPIPE), never a signal
  // that kills the run. The runner also passes MSG_NOSIGNAL; this covers
  // anything else.
  std::signal(SIGPIPE, SIG_IGN);
  stop_kernel_runs_on_signals();

  scenario::LoadResult loaded = scenario::load_file(args.file, args.sets);
  if (!loaded.ok()) {
    for (const scenario::Diagnostic& d : loaded.errors) std::cerr << d.str() << '\n';
    return kExitBadInput;
  }
  const scenario::Scenario& sc = *loaded.scenario;

  outcome::Outcome out;
  try {
    kernel::KernelOptions options;
    options.host_loopback = args.host_loopback;
    options.capture_packets = !args.no_capture;
    options.loader = kernel::loader_kind_named(args.loader).value_or(kernel::LoaderKind::asio);
    if (!args.port_range.empty()) {
      int low = 0, high = 0;
      char dash = 0;
      std::istringstream in(args.port_range);
      if (!(in >> low >> dash >> high) || dash != '-' || !in.eof()) {
        std::cerr << "synsim kernel: --port-range wants LOW-HIGH, got '" << args.port_range << "'\n";
        return kExitBadInput;
      }
      options.port_range_low = low;
      options.port_range_high = high;
    }
    std::vector<outcome::Reason> notes;
    out = kernel::run_kernel(sc, options, &notes);
    // What the runner changed beyond the scenario (a widened port range).
    for (const outcome::Reason& n : notes) std::cerr << "synsim " << report::reason_text(n) << '\n';
  } catch (const kernel::Unsupported& e) {
    std::cerr << args.file << ": " << e.what() << '\n';
    return kExitBadInput;
  } catch (const kernel::EnvironmentError& e) {
    std::cerr << "synsim kernel: this machine cannot run it: " << e.what() << '\n';
    // Only a namespace problem is helped by the host's loopback.
    if (!args.host_loopback && std::string(e.what()).find("namespace") != std::string::npos) {
      std::cerr << "synsim kernel: --host-loopback runs on the host's own loopback instead, without a namespace; it "
                   "changes nothing, so it works only when every sysctl the scenario sets already has that value "
                   "on the host\n";
    }
    return kExitEnvironment;
  }

  if (args.out_dir) {
    try {
      report::write_out_dir(*args.out_dir, out, sc.source_text);
    } catch (const std::runtime_error& e) {  // the file system's refusal
      std::cerr << "synsim: " << e.what() << '\n';
      return kExitBadInput;
    }
  }
  std::cout << render_format(args.format, out, sc.source_text);
  if (out.info.partial) {
    std::cout.flush();
    std::cerr << "synsim kernel: interrupted at " << format_seconds(out.info.stopped_at)
              << " s: the results above are partial\n";
    return kExitInterrupted;
  }
  std::cout.flush();
  return kExitOk;
}

}  // namespace synsim::cli
