// A TCP segment on the simulated loopback, compact: the model moves
// millions of these; the model layer turns them into outcome::Packet only
// when a timeline is recorded.
#pragma once

#include <cstdint>

#include "sim/core/time.h"

namespace synsim::tcp {

enum SegFlag : std::uint8_t {
  kFin = 0x01,
  kSyn = 0x02,
  kRst = 0x04,
  kPsh = 0x08,
  kAck = 0x10,
};

struct Segment {
  std::uint32_t conn = 0;       // connection index (which client socket's 4-tuple)
  bool from_client = true;      // direction: client -> listener port, or back
  std::uint8_t flags = 0;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint32_t len = 0;        // payload bytes
  std::uint16_t window = 0;
  // Options (kernel-handshake.md §8: loopback negotiates MSS, SACK, TS, wscale).
  std::uint16_t mss = 0;        // SYN / SYN-ACK only
  bool sack_permitted = false;
  std::int8_t wscale = -1;
  bool has_ts = false;
  std::uint32_t ts_val = 0;
  std::uint32_t ts_ecr = 0;
  bool has_sack = false;        // one (D-)SACK block
  std::uint32_t sack_left = 0;
  std::uint32_t sack_right = 0;
  bool handshake_ack = false;   // the client's third segment of the handshake (a bare ACK)

  std::uint32_t end_seq() const {
    return seq + len + ((flags & kSyn) ? 1 : 0) + ((flags & kFin) ? 1 : 0);
  }
};

// What a segment is, in the scenario's link-rule vocabulary.
enum class SegmentClass { syn, synack, final_ack, data, ack, rst, fin };

}  // namespace synsim::tcp
