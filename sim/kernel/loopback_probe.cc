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

namespace synsim::kernel {

namespace {

// Closes its descriptor when the probe returns, whatever path it takes.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// One connect / accept / RST-close cycle; false when a call failed.
bool cycle(int listener, const sockaddr_in& to) {
  Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (client.get() < 0) return false;
  const linger reset{1, 0};
  if (::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) != 0) return false;
  if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) return false;
  Fd child(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (child.get() < 0) return false;
  ::close(client.release());  // the RST first, as a loader's close does
  return true;
}

// A listener on 127.0.0.1, any free port (the scenario's is not listening
// yet); `at` gets its address.
int listen_on_loopback(sockaddr_in& at) {
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) return -1;
  at = sockaddr_in{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof at;
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0 ||
      ::listen(listener.get(), 16) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&at), &len) != 0) {
    return -1;
  }
  return listener.release();
}

// Best effort: where pinning is refused the two threads still run apart
// most of the time.
void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

// Every blocking call of the cross-CPU probe gives up after a second, so a
// lost reply cannot hang a kernel run.
bool bounded(int fd) {
  const timeval limit{1, 0};
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) == 0 &&
         ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) == 0;
}

Duration median(std::vector<std::int64_t> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return Duration{v[v.size() / 2]};
}

// One request-and-reply cycle from the client's side; false when a call failed.
bool exchange(const sockaddr_in& to) {
  Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (client.get() < 0) return false;
  const linger reset{1, 0};
  char byte = 'x';
  return bounded(client.get()) && ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset) == 0 &&
         ::connect(client.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0 &&
         ::write(client.get(), &byte, 1) == 1 && ::read(client.get(), &byte, 1) == 1;
}

}  // namespace

std::optional<Duration> probe_cross_cpu_cycle(int batches, int cycles) {
  if (batches < 1 || cycles < 1 || std::thread::hardware_concurrency() < 2) return std::nullopt;
  sockaddr_in at{};
  Fd listener(listen_on_loopback(at));
  if (listener.get() < 0 || !bounded(listener.get())) return std::nullopt;  // SO_RCVTIMEO bounds accept() too
  const int total = batches * cycles;
  std::atomic<bool> server_ok{true};
  // Threads made here inherit this thread's network namespace.
  std::thread server([&] {
    pin_to_cpu(1);
    for (int i = 0; i < total && server_ok; ++i) {
      Fd child(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      char byte = 0;
      if (child.get() < 0 || !bounded(child.get()) || ::read(child.get(), &byte, 1) != 1 ||
          ::write(child.get(), &byte, 1) != 1) {
        server_ok = false;
      }
    }
  });
  std::vector<std::int64_t> per_cycle;
  bool client_ok = true;
  std::thread client([&] {
    pin_to_cpu(0);
    for (int b = 0; b < batches && client_ok && server_ok; ++b) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < cycles && client_ok; ++i) client_ok = exchange(at);
      const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
      per_cycle.push_back(took.count() / cycles);
    }
  });
  client.join();
  // A client that gave up leaves the server in accept() for at most its
  // one-second limit.
  server.join();
  if (!client_ok || !server_ok || per_cycle.empty()) return std::nullopt;
  return median(per_cycle);
}

std::optional<Duration> probe_loopback_cycle(int batches, int cycles) {
  if (batches < 1 || cycles < 1) return std::nullopt;
  sockaddr_in at{};
  Fd listener(listen_on_loopback(at));
  if (listener.get() < 0) return std::nullopt;
  std::vector<std::int64_t> per_cycle;
  for (int b = 0; b < batches; ++b) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cycles; ++i) {
      if (!cycle(listener.get(), at)) return std::nullopt;
    }
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    per_cycle.push_back(took.count() / cycles);
  }
  return median(per_cycle);
}

}  // namespace synsim::kernel
