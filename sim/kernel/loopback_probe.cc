#include "sim/kernel/loopback_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "sim/kernel/fd.h"

namespace synsim::kernel {

namespace {

// A listener on 127.0.0.1, any free port (the scenario's is not listening
// yet); `at` gets its address. -1 when a call failed.
int listen_on_loopback(sockaddr_in& at) {
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.fd < 0) return -1;
  at = sockaddr_in{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof at;
  if (::bind(listener.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0 ||
      ::listen(listener.fd, 16) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&at), &len) != 0) {
    return -1;
  }
  return listener.release();
}

// Every blocking call of the cross-CPU probe gives up after a second, so a
// lost reply cannot hang a kernel run.
bool bound(int fd) {
  const timeval limit{1, 0};
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0 &&
         ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) == 0;
}

// A client connected to `to` whose close() sends an RST (SO_LINGER 0, as
// the loaders close, so that no TIME_WAIT sock is left); -1 when a call
// failed. `bounded`: its reads and writes give up after a second.
int connected_client(const sockaddr_in& to, bool bounded) {
  Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const linger reset{1, 0};
  if (client.fd < 0 || (bounded && !bound(client.fd)) ||
      ::setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset) != 0 ||
      ::connect(client.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    return -1;
  }
  return client.release();
}

// Best effort: where pinning is refused the two threads still run apart
// most of the time.
void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

// Runs `one_cycle` `batches` x `cycles` times and returns the median over
// batches of the time per cycle; nullopt as soon as a cycle fails.
template <typename Cycle>
std::optional<Duration> median_per_cycle(int batches, int cycles, Cycle one_cycle) {
  if (batches < 1 || cycles < 1) return std::nullopt;
  std::vector<std::int64_t> per_cycle;
  for (int b = 0; b < batches; ++b) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cycles; ++i) {
      if (!one_cycle()) return std::nullopt;
    }
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    per_cycle.push_back(took.count() / cycles);
  }
  std::nth_element(per_cycle.begin(), per_cycle.begin() + static_cast<std::ptrdiff_t>(per_cycle.size() / 2),
                   per_cycle.end());
  return Duration{per_cycle[per_cycle.size() / 2]};
}

}  // namespace

std::optional<Duration> probe_loopback_cycle(int batches, int cycles) {
  sockaddr_in at{};
  const Fd listener(listen_on_loopback(at));
  if (listener.fd < 0) return std::nullopt;
  return median_per_cycle(batches, cycles, [&] {
    Fd client(connected_client(at, /*bounded=*/false));
    const Fd child(client.fd < 0 ? -1 : ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC));
    if (child.fd < 0) return false;
    ::close(client.release());  // the RST first, as a loader's close does
    return true;
  });
}

std::optional<Duration> probe_cross_cpu_cycle(int batches, int cycles) {
  if (batches < 1 || cycles < 1 || std::thread::hardware_concurrency() < 2) return std::nullopt;
  sockaddr_in at{};
  const Fd listener(listen_on_loopback(at));
  if (listener.fd < 0 || !bound(listener.fd)) return std::nullopt;  // SO_RCVTIMEO bounds accept() too
  std::atomic<bool> server_ok{true};
  // Threads made here inherit this thread's network namespace. A side
  // that gives up leaves the other waiting for at most its 1 s limit.
  std::thread server([&] {
    pin_to_cpu(1);
    for (int i = 0; i < batches * cycles && server_ok; ++i) {
      const Fd child(::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC));
      char byte = 0;
      if (child.fd < 0 || !bound(child.fd) || ::read(child.fd, &byte, 1) != 1 || ::write(child.fd, &byte, 1) != 1) {
        server_ok = false;
      }
    }
  });
  std::optional<Duration> result;
  std::thread client([&] {
    pin_to_cpu(0);
    result = median_per_cycle(batches, cycles, [&] {
      const Fd c(connected_client(at, /*bounded=*/true));
      char byte = 'x';
      return server_ok && c.fd >= 0 && ::write(c.fd, &byte, 1) == 1 && ::read(c.fd, &byte, 1) == 1;
    });
  });
  client.join();
  server.join();
  return server_ok ? result : std::nullopt;
}

}  // namespace synsim::kernel
