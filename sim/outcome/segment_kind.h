// What a TCP segment is: SYN, SYN-ACK, data, FIN, ACK or RST. The one
// definition that the model's link (sim/tcp/loopback.cc), the kernel
// runner's wire and recorder (sim/kernel), the test harness (sim/testing),
// compare and the report's swimlanes all call (style.md rule 13).
#pragma once

#include <cstdint>

#include "sim/outcome/outcome.h"

namespace synsim::outcome {

enum class SegmentKind : std::uint8_t {
  syn,     // SYN without ACK: a connection request (or its retransmission)
  synack,  // SYN and ACK
  data,    // carries payload (with or without FIN)
  fin,     // FIN without payload
  ack,     // anything else: a pure ACK (or a segment with no flags at all)
  rst,     // RST, whatever else it carries
};

// Decided by the flags first, RST over SYN, then by payload, then by FIN:
//   RST > SYN-ACK > SYN > data > FIN > ACK.
// A FIN that carries payload is `data`: the receiver queues the payload
// before it acts on the FIN (tcp_data_queue() queues the skb; tcp_fin()
// runs when the FIN's sequence number is reached), a scenario's link rule
// `segment: data` means the request whether or not the FIN rides on it, and
// compare pairs it with the other side's request, not with its bare FIN.
// `flags` are TcpFlag bits; `length` the payload bytes.
SegmentKind segment_kind(std::uint8_t flags, std::uint32_t length);
inline SegmentKind segment_kind(const Packet& p) { return segment_kind(p.flags, p.length); }

// "SYN", "SYN-ACK", "data", "FIN", "ACK", "RST".
const char* to_string(SegmentKind k);

}  // namespace synsim::outcome
