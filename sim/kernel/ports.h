// Ephemeral ports in the runner's namespace: the range connect() picks
// from, how many a scenario may hold at once, and which connection used a
// client port at a given time.
//
// Read first: ip(7) ip_local_port_range, __inet_hash_connect() in
// net/ipv4/inet_hashtables.c (connect() skips ports bound by listeners and
// reuses a TIME_WAIT port only through tcp_twsk_unique(): with
// tcp_tw_reuse=2, on loopback, once its last timestamp is
// tcp_tw_reuse_delay (1 s) old). A client that closes first keeps its port
// in TIME_WAIT, so FIN-closed load holds about rate x 1 s ports; a fresh
// namespace's 32768-60999 gives 28232 (kernel-measured-rules.md 14: ~14k
// connections/s with FIN close on this machine).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

struct PortRange {
  int low = 0;
  int high = -1;
  int size() const { return high >= low ? high - low + 1 : 0; }
};

// The range the runner widens to when a scenario needs more ports: every
// unprivileged port (listeners' ports are never picked by connect()).
inline constexpr PortRange kWidePortRange{1024, 65535};

// net.ipv4.ip_local_port_range of the calling thread's namespace ({0, -1}
// when unreadable).
PortRange read_local_port_range();
// Writes it in the calling thread's (private) namespace. Throws EnvironmentError.
void write_local_port_range(PortRange range);

// From /proc/thread-self/net/sockstat: TCP sockets in use and in TIME_WAIT.
struct SocketCounts {
  std::int64_t in_use = 0;
  std::int64_t time_wait = 0;
};
SocketCounts read_socket_counts();

// An estimate of how many ephemeral ports the scenario holds at once:
// connections open together, plus TIME_WAIT ports of client-closed FIN
// connections for as long as they cannot be reused (1 s with timestamps, the
// loopback tcp_tw_reuse=2 rule; 60 s without). A closed loop is assumed to
// run at this machine's capacity (40000 connections/s, rule 14).
std::uint64_t ephemeral_ports_needed(const scenario::Scenario& sc);

// Which connection used a client port at a time (ports are reused by later
// connections of a long run): built once from the connect()-ordered uses,
// then O(log n) per lookup.
struct PortUse {
  std::uint16_t port = 0;
  std::uint32_t conn = 0;
  Time from{};
};

class PortIndex {
 public:
  explicit PortIndex(const std::vector<PortUse>& uses);
  // The connection whose use of `port` began last at or before `t`; -1 if none.
  std::int64_t conn_at(std::uint16_t port, Time t) const;

 private:
  std::vector<PortUse> by_port_;  // sorted by port, then connect() order
};

}  // namespace synsim::kernel
