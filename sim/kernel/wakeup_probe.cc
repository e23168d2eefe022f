#include "sim/kernel/wakeup_probe.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <system_error>
#include <thread>

#include "sim/kernel/fd.h"

namespace synsim::kernel {
namespace {

std::int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void sleep_until_ns(std::int64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000), static_cast<long>(t % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

}  // namespace

std::uint32_t samples_for(const WakeupProbeOptions& opt, Duration idle) {
  const std::int64_t per = std::max<std::int64_t>(1, to_ns(idle + opt.busy_after));
  const std::int64_t fit = std::max<std::int64_t>(1, to_ns(opt.limit) / 10 / per);
  return static_cast<std::uint32_t>(std::min<std::int64_t>(opt.samples, fit));
}

std::vector<WakeupBin> probe_wakeup(const WakeupProbeOptions& opt) {
  Fd efd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (efd.fd < 0) fail("eventfd");
  Fd ep(epoll_create1(EPOLL_CLOEXEC));
  if (ep.fd < 0) fail("epoll_create1");
  epoll_event ev{};
  ev.events = EPOLLIN;
  if (epoll_ctl(ep.fd, EPOLL_CTL_ADD, efd.fd, &ev) != 0) fail("epoll_ctl");

  // One wakeup at a time: the waker publishes when it wrote and on which
  // CPU; the waiter answers with when it ran and where.
  std::atomic<std::int64_t> woke_at{0};
  std::atomic<int> woke_cpu{-1};
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    epoll_event got{};
    while (!done.load(std::memory_order_acquire)) {
      const int n = epoll_wait(ep.fd, &got, 1, 200);
      if (n <= 0) continue;
      const std::int64_t t = mono_ns();
      std::uint64_t v = 0;
      (void)!::read(efd.fd, &v, sizeof v);
      woke_cpu.store(sched_getcpu(), std::memory_order_relaxed);
      woke_at.store(t, std::memory_order_release);
    }
  });

  std::vector<WakeupBin> bins;
  const std::int64_t deadline = mono_ns() + to_ns(opt.limit);
  std::int64_t last_wake = mono_ns();
  for (const Duration idle : opt.idle) {
    WakeupBin bin;
    bin.idle = idle;
    const std::uint32_t n = samples_for(opt, idle);
    for (std::uint32_t i = 0; i < n && mono_ns() < deadline; ++i) {
      sleep_until_ns(last_wake + to_ns(idle));
      woke_at.store(0, std::memory_order_relaxed);
      const int cpu = sched_getcpu();
      const std::int64_t sent = mono_ns();
      const std::uint64_t one = 1;
      if (::write(efd.fd, &one, sizeof one) != sizeof one) {
        done = true;
        waiter.join();
        fail("write(eventfd)");
      }
      // Busy, as a loader is after its connect() queued a child.
      while (mono_ns() < sent + to_ns(opt.busy_after)) {
      }
      // Then wait for the waiter (a 1 s bound: a lost wakeup is not a sample).
      std::int64_t t = 0;
      const std::int64_t give_up = mono_ns() + 1'000'000'000;
      while ((t = woke_at.load(std::memory_order_acquire)) == 0 && mono_ns() < give_up) std::this_thread::yield();
      if (t == 0) continue;
      bin.latency.push_back(Duration{t - sent});
      if (woke_cpu.load(std::memory_order_relaxed) == cpu) ++bin.same_cpu;
      last_wake = t;
    }
    std::sort(bin.latency.begin(), bin.latency.end());
    bins.push_back(std::move(bin));
  }
  done = true;
  waiter.join();
  return bins;
}

}  // namespace synsim::kernel
