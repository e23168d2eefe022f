// This machine's loopback connection capacity through the kernel runner:
// closed-loop load (5-byte request, 100-byte response), closed by RST and
// by FIN, printed as connections/s (completed connections / duration).
// Not a test: it measures, it asserts nothing. Needs root or user
// namespaces, and an otherwise quiet machine (both CPUs are the subject).
//
//   scripts/bench-kernel [--seconds N] [--concurrency N,N,...] [--capture] [--style rst|fin]
//                        [--port-range LOW-HIGH]
//
// By default the runner widens the namespace's port range for the FIN
// load (ports.h); --port-range 32768-60999 measures the default range.
//
// kernel-measured-rules.md 14 measured, with a C loader on this machine,
// 30-40k connections/s with RST close and ~14k/s with FIN close (ports in
// TIME_WAIT on the default port range).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/kernel/runner.h"
#include "sim/report/reason_text.h"
#include "sim/scenario/load.h"

namespace {

using namespace synsim;

struct Args {
  int seconds = 5;
  std::vector<int> concurrency{64, 128, 256};
  bool capture = false;
  std::vector<std::string> styles{"rst", "fin"};
  int port_low = 0, port_high = 0;  // 0: the runner's choice (widened for FIN load)
};

std::int64_t counter(const outcome::Outcome& out, const std::string& name) {
  const auto it = out.counters.find(name);
  return it == out.counters.end() ? 0 : it->second;
}

int run_one(const Args& a, const std::string& style, int concurrency) {
  const std::string file = std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/capacity-" + style + ".yaml";
  scenario::LoadResult r = scenario::load_file(
      file, {fmt::format("duration={}s", a.seconds), fmt::format("clients.load.arrival={{concurrency: {}}}", concurrency)});
  if (!r.ok()) {
    for (const auto& d : r.errors) std::cerr << d.str() << '\n';
    return 2;
  }
  kernel::KernelOptions opt;
  opt.capture_packets = a.capture;
  opt.port_range_low = a.port_low;
  opt.port_range_high = a.port_high;
  std::vector<outcome::Reason> notes;
  const auto start = std::chrono::steady_clock::now();
  const outcome::Outcome out = kernel::run_kernel(*r.scenario, opt, &notes);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uint64_t completed = 0, failed = 0;
  for (const auto& c : out.connections) {
    if (c.outcome == outcome::ConnectionOutcome::completed) ++completed;
    if (!c.error.empty()) ++failed;
  }
  const double secs = static_cast<double>(out.info.duration.count()) / 1e9;
  fmt::print("{:<13} concurrency {:>4}  capture {:<3}  {:>7} completed in {:.0f} s  {:>7.0f} connections/s  "
             "(errors {}, ListenOverflows {}, packets {}, wall {:.1f} s)\n",
             "capacity-" + style, concurrency, a.capture ? "on" : "off", completed, secs,
             static_cast<double>(completed) / secs, failed, counter(out, "TcpExtListenOverflows"), out.packets.size(),
             wall);
  for (const outcome::Reason& n : notes) fmt::print("    {}\n", report::reason_text(n));
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--seconds") {
      a.seconds = std::atoi(value().c_str());
    } else if (arg == "--concurrency") {
      a.concurrency.clear();
      std::istringstream in(value());
      for (std::string n; std::getline(in, n, ',');) a.concurrency.push_back(std::atoi(n.c_str()));
    } else if (arg == "--capture") {
      a.capture = true;
    } else if (arg == "--port-range") {
      const std::string v = value();
      const auto dash = v.find('-');
      a.port_low = std::atoi(v.substr(0, dash).c_str());
      a.port_high = dash == std::string::npos ? 0 : std::atoi(v.substr(dash + 1).c_str());
    } else if (arg == "--style") {
      a.styles = {value()};
    } else {
      std::cerr << "usage: kernel_load_bench [--seconds N] [--concurrency N,N,...] [--capture] [--style rst|fin] "
                   "[--port-range LOW-HIGH]\n";
      return 2;
    }
  }
  try {
    for (const std::string& style : a.styles) {
      for (const int c : a.concurrency) {
        if (const int rc = run_one(a, style, c)) return rc;
      }
    }
  } catch (const kernel::EnvironmentError& e) {
    std::cerr << "kernel_load_bench: this machine cannot run it: " << e.what() << '\n';
    return 4;
  } catch (const std::exception& e) {
    std::cerr << "kernel_load_bench: " << e.what() << '\n';
    return 2;
  }
  return 0;
}
