// Which CPU each application thread ran on, over time: the measurement
// behind the model's machine (sim/model/machine.h: how many vCPUs the
// loader and the server really use). Each thread notes sched_getcpu()
// after every handler it runs and keeps only the changes, so the cost is a
// vDSO call per handler and a few bytes per migration.
//
// Enabled by SYNSIM_CPU_TRACE=FILE on `synsim kernel` (scripts/measure-cpus
// reads the file); off, it costs nothing.
//
// Internal to sim/kernel.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace synsim::kernel {

class CpuTrace {
 public:
  // One thread's changes of CPU: (CLOCK_MONOTONIC ns, cpu).
  struct Thread {
    std::string name;
    std::vector<std::pair<std::int64_t, int>> changes;
    int last = -1;
    std::uint64_t handlers = 0;
    void note();
  };

  // The file named by SYNSIM_CPU_TRACE, or "" (tracing off).
  static std::string path_from_environment();

  // A new thread's record; the reference stays valid (a deque).
  Thread& add(const std::string& name);
  // Writes "name handlers" then one "t_ns cpu" line per change, t relative
  // to t0, per thread. Throws EnvironmentError when the file cannot be
  // written.
  void write(const std::string& path, std::int64_t t0_mono_ns) const;

 private:
  mutable std::mutex mu_;
  std::deque<Thread> threads_;
};

}  // namespace synsim::kernel
