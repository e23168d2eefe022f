// Packet captures in the classic pcap format, for Wireshark, tshark and
// `tcpdump -r`.
//
// Read first: the pcap file format (draft-ietf-opsawg-pcap), RFC 791 (IPv4
// header), RFC 9293 section 3.1 (TCP header and checksum).
#pragma once

#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// The bytes of a pcap file: little-endian header (magic 0xa1b2c3d4, version
// 2.4, snaplen 65535, LINKTYPE_RAW), one record per packet holding an IPv4
// header (DF, TTL 64, id counting from 1, correct checksum) and a TCP header
// with the packet's options (encode_tcp_options()) and correct checksum,
// followed by `length` zero bytes of payload. Record times are the packet
// times (seconds since the run's start, microseconds truncated).
// Throws std::runtime_error for a packet that cannot be written: an address
// that is not IPv4, options over 40 bytes, a datagram over 65535 bytes, or a
// time before the run's start.
std::string render_pcap(const outcome::Outcome& outcome);

}  // namespace synsim::report
