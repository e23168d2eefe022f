// The bytes of a packetdrill script's segments on a TUN device
// (pkt_player.h): a `<` line built into an IPv4 packet carrying TCP, and
// what the kernel wrote to the device read back as a tcp::Segment, the
// model's form, so that one matcher (sim/packetdrill/segment_text.h) judges
// both sides.
//
// Read first: RFC 791 §3.1 (IPv4 header), RFC 9293 §3.1 (TCP header and its
// checksum over the pseudo-header), RFC 7323 §2-3 (window scale,
// timestamps), RFC 2018 §2-3 (SACK), RFC 1071 (the Internet checksum).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sim/packetdrill/script.h"
#include "sim/tcp/segment.h"

namespace synsim::kernel {

// One side of the 4-tuple: an IPv4 address in host order and a port.
struct PktEndpoint {
  std::uint32_t addr = 0;
  std::uint16_t port = 0;
};

// Where the script's numbers land: the remote peer's ISN (its relative 0)
// and the local kernel's (its SYN's or SYN-ACK's sequence number), and the
// TSval an injected TS ecr other than 0 echoes (Local::local_ts()).
struct PktNumbers {
  std::uint32_t peer_isn = 0;
  std::uint32_t local_isn = 0;
  std::uint32_t local_ts = 0;
};

// The `<` line as the remote peer sends it: its flags, numbers, window
// (65535 when the line gives none) and options exactly as the line lists
// them (NOPs included, padded with EOL to a 4-byte boundary), then `len`
// zero bytes; checksums filled.
std::vector<std::uint8_t> build_inbound(const packetdrill::PacketEvent& p, PktEndpoint from, PktEndpoint to,
                                        const PktNumbers& numbers);

// What the kernel sent, as the model's Segment (absolute numbers, the
// first SACK block), and the port it went to; nullopt unless it is IPv4 TCP
// from `from` (address and port) to the address `to`.
struct PktOutbound {
  tcp::Segment seg;
  std::uint16_t to_port = 0;
};
std::optional<PktOutbound> read_outbound(std::span<const std::uint8_t> bytes, PktEndpoint from, std::uint32_t to);

// RFC 1071's one's-complement sum folded to 16 bits, over `bytes` after
// `sum` (a partial sum, e.g. the pseudo-header's).
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);

}  // namespace synsim::kernel
