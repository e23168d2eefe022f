#include "sim/kernel/cpu_trace.h"

#include <fmt/format.h>
#include <sched.h>
#include <time.h>

#include <cstdlib>

#include "sim/core/atomic_file.h"

namespace synsim::kernel {

void CpuTrace::Thread::note() {
  ++handlers;
  const int cpu = sched_getcpu();
  if (cpu == last) return;
  last = cpu;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  changes.emplace_back(std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec, cpu);
}

std::string CpuTrace::path_from_environment() {
  const char* p = std::getenv("SYNSIM_CPU_TRACE");
  return p ? std::string(p) : std::string();
}

CpuTrace::Thread& CpuTrace::add(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  threads_.push_back(Thread{name, {}, -1, 0});
  return threads_.back();
}

void CpuTrace::write(const std::string& path, std::int64_t t0_mono_ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "# synsim cpu trace: per thread, 'thread NAME HANDLERS' then 't_ns cpu' at each change of CPU\n";
  for (const Thread& t : threads_) {
    out += fmt::format("thread {} {}\n", t.name, t.handlers);
    for (const auto& [at, cpu] : t.changes) out += fmt::format("{} {}\n", at - t0_mono_ns, cpu);
  }
  write_file_atomically(path, out);
}

}  // namespace synsim::kernel
