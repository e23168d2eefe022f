#include "sim/kernel/thread_times.h"

#include <cstdio>

namespace synsim::kernel {

std::optional<outcome::ThreadTimes> read_thread_schedstat() {
  // Three decimal numbers on one line (fs/proc/base.c proc_pid_schedstat()).
  std::FILE* f = std::fopen("/proc/thread-self/schedstat", "re");
  if (f == nullptr) return std::nullopt;
  unsigned long long run = 0, delay = 0, slices = 0;
  const int n = std::fscanf(f, "%llu %llu %llu", &run, &delay, &slices);
  std::fclose(f);
  if (n != 3) return std::nullopt;
  return outcome::ThreadTimes{.threads = 1,
                              .cpu = Duration{static_cast<std::int64_t>(run)},
                              .waited = Duration{static_cast<std::int64_t>(delay)},
                              .slices = slices};
}

}  // namespace synsim::kernel
