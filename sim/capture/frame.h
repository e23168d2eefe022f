// Decoding captured frames into outcome::Packet: the link-layer header of the
// capture's link type, IPv4 or IPv6 (extension headers skipped), the TCP
// header and the TCP options tcpdump prints (MSS, SACK-permitted, timestamps,
// window scale, SACK blocks). Pure functions on bytes: the kernel runner's
// AF_PACKET capture and TUN wire (sim/kernel) and `synsim explain`'s capture
// files (pcap_file.h) all decode through here, one decoder.
//
// Read first: RFC 791 §3.1 (IPv4 header), RFC 8200 §3-4 (IPv6 header and
// extension headers), RFC 9293 §3.1 (TCP header), RFC 7323 (timestamps,
// window scale), RFC 2018 (SACK); the link types at tcpdump.org/linktypes.html.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sim/capture/wire_segment.h"
#include "sim/outcome/outcome.h"

namespace synsim::capture {

// The link layers a capture of a Linux host's TCP comes in.
enum class LinkType : std::uint8_t {
  null_bsd,    // LINKTYPE_NULL: 4-byte address family in the capturing host's byte order
  loop,        // LINKTYPE_LOOP: the same, big-endian (OpenBSD)
  ethernet,    // LINKTYPE_ETHERNET: 14 bytes (+4 per 802.1Q tag), what `tcpdump -i lo` writes on Linux
  raw,         // LINKTYPE_RAW / IPV4 / IPV6: starts at the IP header (synsim's own pcap)
  linux_sll,   // LINKTYPE_LINUX_SLL: `tcpdump -i any` before 4.99 (16 bytes, protocol at 14)
  linux_sll2,  // LINKTYPE_LINUX_SLL2: `tcpdump -i any` since 4.99 (20 bytes, protocol at 0)
};
const char* to_string(LinkType t);

// What a frame turned out to be.
struct Decoded {
  enum class Kind : std::uint8_t {
    tcp,        // a TCP segment: `packet` holds it
    other,      // well-formed, but not TCP over IP (ARP, UDP, ICMP, a non-first fragment): `why` names it
    malformed,  // headers cut short or inconsistent: `why` says where
  };
  Kind kind = Kind::other;
  std::optional<outcome::Packet> packet;  // time, connection and from_client left for the caller
  std::string why;
};

// An IPv4 or IPv6 packet carrying TCP, starting at the IP header. `bytes` may
// be truncated after the TCP header (a capture that keeps headers only): the
// payload length comes from the IP header's length field.
Decoded decode_ip(std::span<const std::uint8_t> bytes);
// A frame of the given link type.
Decoded decode_frame(LinkType link, std::span<const std::uint8_t> frame);
// The same decoder without the Packet: a TCP segment's headers go into `w`
// (Decoded::packet stays empty), nothing allocated unless it is not TCP.
Decoded decode_ip(std::span<const std::uint8_t> bytes, WireSegment& w);
Decoded decode_frame(LinkType link, std::span<const std::uint8_t> frame, WireSegment& w);

// The kernel runner's forms: nullopt for anything but a well-formed TCP
// segment. An IPv4 (or IPv6) packet; an Ethernet frame as AF_PACKET SOCK_RAW
// delivers it on `lo` (14-byte header, zero MACs).
std::optional<outcome::Packet> parse_ipv4_tcp(std::span<const std::uint8_t> bytes);
std::optional<outcome::Packet> parse_ethernet_frame(std::span<const std::uint8_t> frame);

// TCP options (the bytes after the fixed 20-byte header) into `out`; stops at
// EOL or at the first malformed option.
void parse_tcp_options(std::span<const std::uint8_t> options, outcome::TcpOptions& out);

}  // namespace synsim::capture
