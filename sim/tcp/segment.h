// A TCP segment on the simulated loopback, compact: the model moves
// millions of these; the model layer turns them into outcome::Packet only
// when a timeline is recorded.
#pragma once

#include <cstdint>
#include <string>

#include "sim/core/time.h"
#include "sim/outcome/segment_kind.h"

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
  bool handshake_ack = false;   // the handshake's final ACK (outcome::SegmentClassifier), set as it is sent

  std::uint32_t end_seq() const {
    return seq + len + ((flags & kSyn) ? 1 : 0) + ((flags & kFin) ? 1 : 0);
  }
};

// What a segment is, in the scenario's link-rule vocabulary: the one
// classifier's (sim/outcome/segment_kind.h).
using SegmentClass = outcome::SegmentClass;

// The flags as tcpdump and packetdrill print them: F S R P . U E W, in that
// order ("S.", "P.", "FP."; print-tcp.c tcp_flag_values[], printed by
// bittok2str_nosep() in table order); "none" for none. The one copy: the model's
// tests, the packetdrill player and the report all print flags with it.
inline std::string flag_letters(std::uint8_t flags) {
  constexpr struct {
    std::uint8_t bit;
    char letter;
  } kLetters[] = {{0x01, 'F'}, {0x02, 'S'}, {0x04, 'R'}, {0x08, 'P'}, {0x10, '.'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'W'}};
  std::string text;
  for (const auto& f : kLetters) {
    if (flags & f.bit) text += f.letter;
  }
  return text.empty() ? "none" : text;
}

}  // namespace synsim::tcp
