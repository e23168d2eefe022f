// Hand-built outcomes for the report tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::report::testing {

inline constexpr std::uint16_t kClientPort = 40000;
inline constexpr std::uint16_t kServerPort = 9100;
inline constexpr std::uint32_t kClientIsn = 1234;
inline constexpr std::uint32_t kServerIsn = 5678;

// One connection x#0 from 127.0.0.1:40000 to 127.0.0.1:9100, in the shape of
// the 2003 loopback stall:
//   0  SYN                      6  FIN+PSH with 1 byte (client)
//   1  SYN-ACK                  7  RST+ACK (server)
//   2  final ACK                8  RST without ACK (client)
//   3  request, 5 bytes
//   4  retransmitted SYN-ACK
//   5  dup ACK with D-SACK of the server's SYN
// with annotations after packets 2 and 4 and one connection record.
outcome::Outcome handshake_outcome();

// A packet from the client (from_client) or the server of handshake_outcome().
outcome::Packet client_packet(std::int64_t time_ns, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                              std::uint32_t length = 0);
outcome::Packet server_packet(std::int64_t time_ns, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                              std::uint32_t length = 0);

// The `expect:` results of a run of handshake_outcome() (Outcome::expect):
//   held    TcpExtListenOverflows at least 1: got 1 (t.yaml:12:5)
//   failed  x#0 data_delivered_at 500ms ±100ms: got 1.000060 (t.yaml:14:5)
std::vector<outcome::Expectation> one_held_one_failed();

// The packet lines of a text (lines not starting with '#' or "    #").
std::string packet_lines(const std::string& text);

}  // namespace synsim::report::testing
