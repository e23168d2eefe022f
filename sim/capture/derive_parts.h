// Internal to derive.cc: the pieces of a capture's connection that the
// scenario's inferences read (a connection's packets and what its client
// sent, its script as a client group, the connections in flight), and the
// thresholds they use. Not part of sim/capture's interface.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::capture::derive_detail {

using outcome::ConnectionRecord;
using outcome::Packet;
using outcome::ReasonKind;

// Up to this many connections, each is its own client group, at its own
// time: a handful of connections is a hand-made experiment (the 2003
// report's two, the E scenarios), not a load with an arrival process.
constexpr std::size_t kFewConnections = 8;
// A connect() this soon after another connection's close followed it: a
// closed loop (the loader's next connect() is its next step).
constexpr Duration kFollowsClose = ms(2);
// SYN retransmissions this close together left in one timer tick (a
// jiffy is 1-10 ms; one tick's expiries go out within microseconds).
constexpr Duration kBurstGap = ms(1);
// A request answered this much later than the first one was delivered
// waited for an application that was not accepting yet.
constexpr Duration kLateAccept = ms(100);
// The window over which the server's busiest pace is read.
constexpr Duration kPaceWindow = ms(10);

bool has(const ConnectionRecord& r, ReasonKind k);
const outcome::Reason* first(const ConnectionRecord& r, ReasonKind k);
Duration round_to(Duration d, Duration unit);
Duration ceil_to(Duration d, Duration unit);

template <typename T>
T median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename T>
T mode(const std::vector<T>& v) {
  std::map<T, std::size_t> n;
  for (const T& x : v) ++n[x];
  return std::max_element(n.begin(), n.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
}

// One connection of the capture with its packets.
struct Conn {
  const ConnectionRecord* r = nullptr;
  std::vector<const Packet*> packets;
  bool deferred = false;  // its final ACK rode on its request (TCP_DEFER_ACCEPT on the client)
  std::uint32_t request_bytes = 0;
  std::uint32_t response_bytes = 0;
  bool client_rst = false;
  bool server_fin = false;
};

// Reads what the client and the server sent into `c`.
void read_segments(Conn& c);

// The listener ignored this connection's request (see derive_parts.cc).
bool request_ignored(const ConnectionRecord& r, const std::vector<const Packet*>& packets);

// What one connection's client did, as a group's script.
scenario::ClientGroup script_of(const Conn& c, Time origin, Time capture_end);

// The most connections in flight at once (connect() called, not yet
// closed), and how many connect()s came right after another's close.
struct Flight {
  std::uint32_t peak = 0;
  std::size_t after_close = 0;  // of those after the first `peak`
  std::size_t considered = 0;
};
Flight in_flight(const std::vector<Conn>& conns);

}  // namespace synsim::capture::derive_detail
