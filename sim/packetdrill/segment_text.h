// A segment the model sent, in packetdrill's notation, and how it differs
// from a script's `>` line (run_packet.c verify_outbound_live_packet()).
#pragma once

#include <string>
#include <vector>

#include "sim/packetdrill/local.h"
#include "sim/packetdrill/script.h"

namespace synsim::packetdrill::detail {

// "S. 0:0(0) ack 1 win 65483 <mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7>",
// with its ports first ("8080>40001 S. ...") on a tuple a script named.
std::string segment_text(const Sent& s);

// "remote port 40001", "the default remote port".
std::string tuple_text(Tuple t);

// "" when the segment is what the line expects; else what differs
// ("tcp_ack_seq: expected 1, actual 2"). Deviations met are added to `notes`.
std::string segment_differs(const PacketEvent& expected, const Sent& actual, std::vector<std::string>& notes,
                            std::uint32_t line);

}  // namespace synsim::packetdrill::detail
