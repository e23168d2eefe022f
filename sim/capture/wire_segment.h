// A TCP segment's headers as frame.h decodes them, without allocating: the
// addresses as bytes, the options in fixed fields. `synsim explain` reads a
// capture of millions of packets through this (stream.h) and makes an
// outcome::Packet, with its address strings, only of the segments it keeps;
// decode_frame() makes the same Packet of every frame (to_packet()).
//
// Read first: RFC 9293 §3.1 (the TCP header), RFC 2018 §3 (a SACK option
// holds at most 4 blocks in the 40 bytes of options, 3 beside timestamps).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::capture {

// An IPv4 (the first 4 bytes) or IPv6 address in network byte order.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t version = 4;  // 4 or 6
  auto operator<=>(const IpAddress&) const = default;
};
// As tcpdump prints it: "127.0.0.1", "::1" (RFC 5952).
std::string to_string(const IpAddress& a);

struct WireSegment {
  IpAddress src, dst;
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t flags = 0;  // FIN SYN RST PSH ACK, as outcome::Packet::flags
  std::uint32_t seq = 0, ack = 0;
  std::uint32_t length = 0;  // payload bytes (from the IP length)
  std::uint16_t window = 0;
  // The options tcp_parse_options() reads, as outcome::TcpOptions holds them.
  std::uint16_t mss = 0;
  std::int16_t wscale = -1;
  bool sack_permitted = false;
  bool has_timestamp = false;
  std::uint8_t sack_blocks = 0;
  std::uint32_t ts_val = 0, ts_ecr = 0;
  std::array<outcome::SackBlock, 4> sack{};  // 40 bytes of options hold at most 4 blocks
};

// The options `o` (the bytes after the fixed 20-byte header) into `w`; stops
// at EOL or at the first malformed option, as parse_tcp_options() does.
void parse_wire_options(const std::uint8_t* o, std::size_t size, WireSegment& w);

// The segment's options as outcome::TcpOptions holds them.
void copy_options(const WireSegment& w, outcome::TcpOptions& out);

// The outcome::Packet decode_frame() gives (time, connection, from_client
// left for the caller).
outcome::Packet to_packet(const WireSegment& w);
// The same into `p` but for its addresses (the caller's: the stream reuses
// one text a connection), its options reset without giving up their SACK
// vector's storage: the stream refills one scratch packet per segment.
void fill_packet(const WireSegment& w, outcome::Packet& p);

}  // namespace synsim::capture
