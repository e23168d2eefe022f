#include "sim/cli/probe_command.h"

#include <fmt/format.h>
#include <sys/utsname.h>

#include <iostream>
#include <system_error>
#include <thread>

#include "sim/cli/exit_codes.h"
#include "sim/kernel/wakeup_probe.h"

namespace synsim::cli {
namespace {

// Nearest-rank quantile of a sorted, non-empty vector (q in 1/1000).
Duration at(const std::vector<Duration>& v, std::uint32_t q) {
  std::size_t i = (v.size() * q + 999) / 1000;
  if (i > 0) --i;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int probe_command(const ProbeArgs& args) {
  kernel::WakeupProbeOptions opt;
  opt.samples = args.samples;
  opt.limit = Duration{static_cast<std::int64_t>(args.limit_s * 1e9)};
  if (!args.idle_ms.empty()) {
    opt.idle.clear();
    for (const double m : args.idle_ms) opt.idle.push_back(Duration{static_cast<std::int64_t>(m * 1e6)});
  }
  opt.busy_after = Duration{static_cast<std::int64_t>(args.busy_us * 1e3)};
  std::vector<kernel::WakeupBin> bins;
  try {
    bins = kernel::probe_wakeup(opt);
  } catch (const std::system_error& e) {
    std::cerr << "synsim probe: " << e.what() << "\n";
    return kExitEnvironment;
  }
  utsname u{};
  uname(&u);
  std::cout << fmt::format(
      "# wakeup latency on {} {} ({} CPUs): a thread asleep in epoll_wait() for IDLE, woken through an eventfd by\n"
      "# a thread that stays busy {} after; latency = the write() to epoll_wait() returning\n",
      u.sysname, u.release, std::thread::hardware_concurrency(), format_duration(opt.busy_after));
  std::cout << fmt::format("{:>8} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "idle", "samples", "min", "p25",
                           "p50", "p75", "p90", "max", "same cpu");
  for (const kernel::WakeupBin& b : bins) {
    if (b.latency.empty()) {
      std::cout << fmt::format("{:>8} {:>7}\n", format_duration(b.idle), 0);
      continue;
    }
    std::cout << fmt::format("{:>8} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8}%\n", format_duration(b.idle),
                             b.latency.size(), format_duration(b.latency.front()), format_duration(at(b.latency, 250)),
                             format_duration(at(b.latency, 500)), format_duration(at(b.latency, 750)),
                             format_duration(at(b.latency, 900)), format_duration(b.latency.back()),
                             b.same_cpu * 100 / b.latency.size());
  }
  return kExitOk;
}

}  // namespace synsim::cli
