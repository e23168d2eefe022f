// What a TCP segment is: SYN, SYN-ACK, data, FIN, ACK or RST. The one
// definition that the model's link (sim/tcp/loopback.cc), the kernel
// runner's wire and recorder (sim/kernel), the test harness (sim/testing),
// compare and the report's swimlanes all call (style.md rule 13).
#pragma once

#include <cstdint>
#include <optional>

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

// A segment's class: its kind, with the handshake's final ACK told apart
// from every other ACK. The vocabulary of the scenario's link rules
// (`segment: final_ack`, scenarios/README.md "Link"), plus `fin`, which
// only an `any` rule matches.
enum class SegmentClass : std::uint8_t { syn, synack, final_ack, data, ack, rst, fin };

// "syn", "synack", "final_ack", "data", "ack", "rst", "fin".
const char* to_string(SegmentClass c);

// The one classifier of a connection's segments, fed each segment in the
// order it was sent (both directions): the model's link (sim/tcp
// loopback.cc), the kernel runner's TUN wire (sim/kernel/wire.cc), the
// packetdrill peer and the capture reader (sim/capture/story.cc) all keep one
// per connection, so a segment has one class everywhere.
//
// The final ACK is the third segment of the handshake: the connecting
// side's first bare ACK (no payload, no FIN) of the SYN-ACK, seq = its
// ISN + 1, ack = the SYN-ACK's ISN + 1 (tcp_rcv_synsent_state_process() ->
// tcp_send_ack(), or the delayed ACK of TCP_DEFER_ACCEPT). Any later bare
// ACK with the same numbers is an `ack`: a challenge ACK to a retransmitted
// SYN-ACK (tcp_validate_incoming() -> tcp_send_challenge_ack()) is not the
// handshake's, even when the final ACK itself never arrived. A final ACK
// that rides on the request is `data`. A new SYN with another ISN (the
// 4-tuple reused) starts the handshake again.
class SegmentClassifier {
 public:
  // `from_client`: sent by the connecting side. Numbers are absolute.
  SegmentClass classify(std::uint8_t flags, std::uint32_t length, std::uint32_t seq, std::uint32_t ack,
                        bool from_client);
  SegmentClass classify(const Packet& p) { return classify(p.flags, p.length, p.seq, p.ack, p.from_client); }

 private:
  std::optional<std::uint32_t> client_isn_;
  std::optional<std::uint32_t> server_isn_;
  bool final_ack_seen_ = false;
};

}  // namespace synsim::outcome
