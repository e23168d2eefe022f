// Decoding captured frames into outcome::Packet: IPv4 + TCP headers and the
// TCP options tcpdump prints (MSS, SACK-permitted, timestamps, window scale,
// SACK blocks). Pure functions, unit-tested on bytes without root.
//
// Read first: RFC 791 §3.1 (IPv4 header), RFC 9293 §3.1 (TCP header),
// RFC 7323 (timestamps, window scale), RFC 2018 (SACK).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sim/outcome/outcome.h"

namespace synsim::kernel {

// An IPv4 packet carrying TCP, starting at the IP header. `bytes` may be
// truncated after the TCP header (the capture keeps headers only): the
// payload length comes from the IP total length. nullopt for anything else
// (not IPv4, not TCP, fragments, headers cut short or inconsistent).
// time, connection and from_client are left for the caller.
std::optional<outcome::Packet> parse_ipv4_tcp(std::span<const std::uint8_t> bytes);

// An Ethernet frame as AF_PACKET SOCK_RAW delivers it on `lo` (14-byte
// header, zero MACs, EtherType 0x0800 for IPv4).
std::optional<outcome::Packet> parse_ethernet_frame(std::span<const std::uint8_t> frame);

// TCP options (the bytes after the fixed 20-byte header) into `out`; stops at
// EOL or at the first malformed option.
void parse_tcp_options(std::span<const std::uint8_t> options, outcome::TcpOptions& out);

}  // namespace synsim::kernel
