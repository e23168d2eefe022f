#include "sim/kernel/loopback_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
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

}  // namespace

std::optional<Duration> probe_loopback_cycle(int batches, int cycles) {
  if (batches < 1 || cycles < 1) return std::nullopt;
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.get() < 0) return std::nullopt;
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  at.sin_port = 0;  // any free port: the scenario's is not listening yet
  socklen_t len = sizeof at;
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0 ||
      ::listen(listener.get(), 16) != 0 ||
      ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&at), &len) != 0) {
    return std::nullopt;
  }
  std::vector<std::int64_t> per_cycle;
  for (int b = 0; b < batches; ++b) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < cycles; ++i) {
      if (!cycle(listener.get(), at)) return std::nullopt;
    }
    const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    per_cycle.push_back(took.count() / cycles);
  }
  std::nth_element(per_cycle.begin(), per_cycle.begin() + static_cast<std::ptrdiff_t>(per_cycle.size() / 2),
                   per_cycle.end());
  return Duration{per_cycle[per_cycle.size() / 2]};
}

}  // namespace synsim::kernel
