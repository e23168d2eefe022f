// A synthetic loopback capture as a loader under load leaves it, written as
// pcap in time order a few thousand packets at a time (never held whole:
// the explain benchmark writes 10,000,000 packets to a file with it).
//
// Connection i starts at i * spacing from 127.0.(i / 50000).1, port
// 10000 + i % 50000 (so a 4-tuple is reused every 50,000 connections, with
// a new ISN, as a loader cycling its ephemeral ports does), to 127.0.0.1:8080.
// Most are SYN, SYN-ACK, ACK, a 5-byte request, its ACK, a 100-byte
// response, its ACK and the client's RST (8 packets). By i % 100:
//   99  the first SYN goes unanswered and is retransmitted 1 s later (dropped SYN);
//   37  the final ACK and the request are ignored by a full accept queue, the
//       request retransmitted at 200 ms, the SYN-ACK at 1 s, answered by the
//       client's duplicate ACK, which creates the child (final ACK dropped);
//   53  the listener resets the final ACK (tcp_abort_on_overflow) and the
//       request that followed it (two RSTs on one 4-tuple);
//   71  closed with FINs instead of the RST;
// and every 1000th (i % 1000 == 83) is never accepted: its SYN-ACK is
// retransmitted at 1, 3 and 7 s and then nothing (the request expired, as
// the capture's end tells); every 1000th (i % 1000 == 517) got a syncookie
// whose ACK met a full accept queue: the request retransmitted at 0.2, 0.6
// and 1.4 s, no SYN-ACK ever again, the client's RST at 2 s (how sure the
// cookie is depends on how long the capture saw it silent after that).
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "sim/outcome/outcome.h"
#include "sim/report/pcap.h"

namespace synsim::testing {

struct SyntheticCapture {
  std::uint64_t packets = 0;
  std::uint64_t connections = 0;
};

namespace synthetic_detail {

struct Timed {
  std::int64_t ns;
  std::uint64_t order;
  outcome::Packet p;
  bool operator>(const Timed& o) const { return ns != o.ns ? ns > o.ns : order > o.order; }
};

inline outcome::Packet segment(const std::string& client, std::uint16_t port, bool from_client, std::int64_t t_ns,
                               std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint32_t length) {
  outcome::Packet p;
  p.time = at_ns(t_ns);
  p.src_addr = from_client ? client : "127.0.0.1";
  p.dst_addr = from_client ? "127.0.0.1" : client;
  p.src_port = from_client ? port : 8080;
  p.dst_port = from_client ? 8080 : port;
  p.flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.length = length;
  p.window = 512;
  p.from_client = from_client;
  return p;
}

// Connection i's packets, as (time, flags, from_client, seq, ack, length).
inline void connection(std::uint64_t i, std::int64_t spacing_ns, const std::function<void(outcome::Packet)>& add) {
  using namespace outcome;
  const std::string client = "127.0." + std::to_string(i / 50000) + ".1";
  const auto port = static_cast<std::uint16_t>(10000 + i % 50000);
  const std::int64_t t = static_cast<std::int64_t>(i) * spacing_ns;
  const std::uint32_t c = 1000 + static_cast<std::uint32_t>(i) * 7, s = 900000 + static_cast<std::uint32_t>(i) * 13;
  const auto at = [&](bool from_client, std::int64_t u, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                      std::uint32_t length) { add(segment(client, port, from_client, u, flags, seq, ack, length)); };
  constexpr std::int64_t kSec = 1'000'000'000;
  std::int64_t u = t;
  if (i % 100 == 99) {
    at(true, t, kSyn, c, 0, 0);
    u = t + kSec;
  }
  at(true, u, kSyn, c, 0, 0);
  at(false, u + 5'000, kSyn | kAck, s, c + 1, 0);
  at(true, u + 10'000, kAck, c + 1, s + 1, 0);
  at(true, u + 11'000, kAck | kPsh, c + 1, s + 1, 5);
  if (i % 1000 == 83) {
    at(true, u + 211'000'000, kAck | kPsh, c + 1, s + 1, 5);
    for (const std::int64_t rtx : {1 * kSec, 3 * kSec, 7 * kSec}) at(false, u + rtx, kSyn | kAck, s, c + 1, 0);
    return;
  }
  if (i % 1000 == 517) {
    for (const std::int64_t rtx : {200'000'000, 600'000'000, 1'400'000'000}) at(true, u + rtx, kAck | kPsh, c + 1, s + 1, 5);
    at(true, u + 2 * kSec, kRst | kAck, c + 6, s + 1, 0);
    return;
  }
  if (i % 100 == 53) {
    at(false, u + 12'000, kRst, s + 1, 0, 0);
    at(false, u + 13'000, kRst, s + 1, 0, 0);
    return;
  }
  if (i % 100 == 37) {
    at(true, u + 211'000'000, kAck | kPsh, c + 1, s + 1, 5);
    u += kSec;
    at(false, u, kSyn | kAck, s, c + 1, 0);
    at(true, u + 5'000, kAck, c + 6, s + 1, 0);
  }
  at(false, u + 15'000, kAck, s + 1, c + 6, 0);
  at(false, u + 40'000, kAck | kPsh, s + 1, c + 6, 100);
  at(true, u + 45'000, kAck, c + 6, s + 101, 0);
  if (i % 100 == 71) {
    at(true, u + 50'000, kFin | kAck, c + 6, s + 101, 0);
    at(false, u + 55'000, kFin | kAck, s + 101, c + 7, 0);
    at(true, u + 60'000, kAck, c + 7, s + 102, 0);
    return;
  }
  at(true, u + 50'000, kRst | kAck, c + 6, s + 101, 0);
}

}  // namespace synthetic_detail

// At least `packets` packets, connections `spacing_ns` apart, written to
// `out` as one pcap file (report::render_pcap's records) a chunk at a time.
inline SyntheticCapture write_synthetic_capture(std::uint64_t packets, std::int64_t spacing_ns,
                                                const std::function<void(const std::string&)>& out) {
  using synthetic_detail::Timed;
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> pending;
  std::uint64_t order = 0;
  SyntheticCapture made;
  outcome::Outcome chunk;
  bool header = true;
  const auto flush = [&] {
    if (chunk.packets.empty()) return;
    const std::string bytes = report::render_pcap(chunk);
    out(header ? bytes : bytes.substr(24));  // the 24-byte file header once
    header = false;
    chunk.packets.clear();
  };
  const auto emit_before = [&](std::int64_t ns) {
    while (!pending.empty() && pending.top().ns < ns) {
      chunk.packets.push_back(pending.top().p);
      pending.pop();
      ++made.packets;
      if (chunk.packets.size() >= 4096) flush();
    }
  };
  while (made.packets + pending.size() < packets) {
    const std::int64_t t = static_cast<std::int64_t>(made.connections) * spacing_ns;
    emit_before(t);
    synthetic_detail::connection(made.connections++, spacing_ns, [&](outcome::Packet p) {
      const std::int64_t ns = to_ns(p.time);
      pending.push(Timed{ns, order++, std::move(p)});
    });
  }
  emit_before(INT64_MAX);
  flush();
  return made;
}

}  // namespace synsim::testing
