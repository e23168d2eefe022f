#include "sim/kernel/ports.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/kernel/runner.h"

namespace synsim::kernel {

namespace {

constexpr const char* kRangePath = "/proc/sys/net/ipv4/ip_local_port_range";
constexpr std::uint64_t kLoopbackCapacityPerS = 40'000;  // kernel-measured-rules.md 14, RST close

std::int64_t sysctl_value(const scenario::Scenario& sc, const std::string& name, std::int64_t fallback) {
  std::int64_t v = fallback;
  for (const scenario::SysctlSetting& s : sc.sysctls) {
    if (s.name == name) v = s.value;  // later entries win
  }
  return v;
}

}  // namespace

PortRange read_local_port_range() {
  std::ifstream in(kRangePath);
  PortRange r;
  if (!(in >> r.low >> r.high)) return PortRange{};
  return r;
}

void write_local_port_range(PortRange range) {
  const std::string text = fmt::format("{} {}\n", range.low, range.high);
  const int fd = ::open(kRangePath, O_WRONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int e = errno;
  if (fd >= 0) ::close(fd);
  const PortRange got = read_local_port_range();
  if (!ok || got.low != range.low || got.high != range.high) {
    throw EnvironmentError(fmt::format("cannot set net.ipv4.ip_local_port_range = {} {} in the private namespace: {}",
                                       range.low, range.high, ok ? "reads back differently" : std::strerror(e)));
  }
}

SocketCounts read_socket_counts() {
  // "TCP: inuse 5 orphan 0 tw 3 alloc 7 mem 1"
  std::ifstream in("/proc/thread-self/net/sockstat");
  std::string line;
  SocketCounts c;
  for (int n = 0; n < 32 && std::getline(in, line); ++n) {
    if (line.rfind("TCP:", 0) != 0) continue;
    std::istringstream words(line.substr(4));
    std::string key;
    std::int64_t value = 0;
    while (words >> key >> value) {
      if (key == "inuse") c.in_use = value;
      if (key == "tw") c.time_wait = value;
    }
  }
  return c;
}

std::uint64_t ephemeral_ports_needed(const scenario::Scenario& sc) {
  using scenario::ArrivalSpec;
  using scenario::CloseSpec;
  // TIME_WAIT ports come back after tcp_tw_reuse_delay (1 s) only with
  // timestamps (tcp_twsk_unique() compares them); otherwise after 60 s.
  const std::uint64_t hold_s = sysctl_value(sc, "net.ipv4.tcp_timestamps", 1) == 0 ? 60 : 1;
  std::uint64_t total = 0;
  for (const scenario::ClientGroup& g : sc.clients) {
    std::uint64_t per_s = kLoopbackCapacityPerS;  // closed loop: as fast as the machine goes
    switch (g.arrival.kind) {
      case ArrivalSpec::Kind::rate: per_s = g.arrival.rate_per_s; break;
      case ArrivalSpec::Kind::spaced:
        per_s = g.spacing > Duration{0} ? std::max<std::uint64_t>(1, 1'000'000'000ull / to_ns(g.spacing)) : g.count;
        break;
      case ArrivalSpec::Kind::burst: per_s = g.count; break;
      case ArrivalSpec::Kind::concurrency: break;
    }
    const bool client_closes = g.close.kind != CloseSpec::Kind::never;
    const bool time_wait = client_closes && g.close_style == scenario::CloseStyle::fin;
    std::uint64_t held = g.count;  // never closed: every connection keeps its port
    if (time_wait) {
      held = per_s * hold_s;
    } else if (client_closes) {
      held = g.arrival.kind == ArrivalSpec::Kind::concurrency ? g.arrival.concurrency : per_s;
    }
    total += std::min<std::uint64_t>(held, g.count);
  }
  return total;
}

PortIndex::PortIndex(const std::vector<PortUse>& uses) : by_port_(uses) {
  std::stable_sort(by_port_.begin(), by_port_.end(),
                   [](const PortUse& a, const PortUse& b) { return a.port < b.port; });
}

std::int64_t PortIndex::conn_at(std::uint16_t port, Time t) const {
  // First use after (port, t); the one before it, if it is of this port.
  const auto it = std::upper_bound(by_port_.begin(), by_port_.end(), std::make_pair(port, t),
                                   [](const std::pair<std::uint16_t, Time>& key, const PortUse& u) {
                                     return key.first != u.port ? key.first < u.port : key.second < u.from;
                                   });
  if (it == by_port_.begin()) return -1;
  const PortUse& u = *std::prev(it);
  return u.port == port ? static_cast<std::int64_t>(u.conn) : -1;
}

}  // namespace synsim::kernel
