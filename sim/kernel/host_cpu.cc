#include "sim/kernel/host_cpu.h"

#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <charconv>
#include <string>
#include <vector>

#include "sim/kernel/text_file.h"

namespace synsim::kernel {
namespace {

std::vector<std::int64_t> numbers_after(std::string_view text) {
  std::vector<std::int64_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] == '\n') break;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
    if (ec != std::errc{}) {  // a non-number field (a task's state letter): -1 keeps the positions
      out.push_back(-1);
      while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
      continue;
    }
    out.push_back(v);
    i = static_cast<std::size_t>(end - text.data());
  }
  return out;
}

// Unreadable: empty, which every parser here refuses.
std::string slurp(const std::string& path) { return read_text_file(path).value_or(""); }

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Every kernel thread's ticks (PF_KTHREAD in /proc/PID/stat's flags):
// ksoftirqd/N running the run's own deferred softirq work, the kworkers that
// tear down its previous namespaces (cleanup_net, kvfree_rcu_reclaim: 0.14
// CPU over 5 s after a series of load runs on 2026-12-06, with nothing else
// running), and the VM's memory daemons (kdamond). They work for the machine
// as a whole; a competing process shows in its own ticks.
std::int64_t kernel_thread_ticks() {
  std::int64_t sum = 0;
  DIR* d = opendir("/proc");
  if (d == nullptr) return 0;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const std::string stat = slurp(std::string("/proc/") + e->d_name + "/stat");
    if (!is_kernel_thread(stat)) continue;
    if (const auto t = parse_task_ticks(stat)) sum += *t;
  }
  closedir(d);
  return sum;
}

}  // namespace

std::optional<std::int64_t> parse_proc_stat(std::string_view text) {
  if (text.rfind("cpu ", 0) != 0) return std::nullopt;
  const auto eol = text.find('\n');
  const auto v = numbers_after(text.substr(4, eol == std::string_view::npos ? std::string_view::npos : eol - 4));
  // user nice system idle iowait irq softirq steal [guest guest_nice]
  if (v.size() < 8) return std::nullopt;
  for (std::size_t i = 0; i < 8; ++i) {
    if (v[i] < 0) return std::nullopt;
  }
  return v[0] + v[1] + v[2];
}

bool is_kernel_thread(std::string_view stat_line) {
  const auto close = stat_line.rfind(')');
  if (close == std::string_view::npos) return false;
  // After "pid (comm)": state is field 3, flags field 9.
  const auto v = numbers_after(stat_line.substr(close + 1));
  constexpr std::int64_t kPfKthread = 0x00200000;  // include/linux/sched.h PF_KTHREAD
  return v.size() > 6 && v[6] >= 0 && (v[6] & kPfKthread) != 0;
}

std::optional<std::int64_t> parse_task_ticks(std::string_view stat_line) {
  const auto close = stat_line.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // After "pid (comm)": state is field 3, utime field 14, stime field 15.
  const auto v = numbers_after(stat_line.substr(close + 1));
  if (v.size() < 13 || v[11] < 0 || v[12] < 0) return std::nullopt;
  return v[11] + v[12];
}

HostCpuSnapshot read_host_cpu() {
  HostCpuSnapshot s;
  s.taken_ns = monotonic_ns();
  s.machine_busy_ticks = parse_proc_stat(slurp("/proc/stat")).value_or(-1);
  if (const auto t = parse_task_ticks(slurp("/proc/self/stat"))) s.self_ticks = *t;
  s.kernel_thread_ticks = kernel_thread_ticks();
  return s;
}

std::optional<Duration> other_cpu(const HostCpuSnapshot& before, const HostCpuSnapshot& after,
                                  std::int64_t ticks_per_second) {
  if (before.machine_busy_ticks < 0 || after.machine_busy_ticks < 0 || ticks_per_second <= 0) return std::nullopt;
  const std::int64_t others = (after.machine_busy_ticks - before.machine_busy_ticks) -
                              (after.self_ticks - before.self_ticks) -
                              (after.kernel_thread_ticks - before.kernel_thread_ticks);
  if (others <= 0) return Duration{0};
  return Duration{others * (1'000'000'000 / ticks_per_second)};
}

}  // namespace synsim::kernel
