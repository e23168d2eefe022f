// What a connection's packets say about it, read off a capture: the one
// reading that `synsim explain` (a capture file) and the kernel runner (its
// own capture, sim/kernel/assemble.cc) both make, so that the same packets
// get the same typed reasons from either (style.md 13).
//
// Two levels:
//   - packet by packet (PacketReading): what each segment is to its
//     connection: a SYN, SYN-ACK or request retransmitted (with the gap
//     since the previous transmission: the backoff), the client's duplicate
//     or challenge ACK to a retransmitted SYN-ACK, an RST;
//   - the connection as a whole (infer()): what the listener must have done
//     for the packets to look like this (SYNs dropped, a syncookie, the final
//     ACK dropped on a full accept queue with the request kept `acked`, an
//     RST from tcp_abort_on_overflow, a request expired after
//     tcp_synack_retries), each with a confidence.
//
// Read first: ../reference/kernel-handshake.md §3-§6 (what the listener does
// with each segment, which segments it sends back), and the 2003 report's
// hung connection (../reference/lkml-2003-loopback-stall.txt).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

// One connection's packets read in capture order (from_client set).
class PacketReading {
 public:
  // The reasons `p` gives its connection, in order (usually none or one).
  // `client_established`: the client is known to be ESTABLISHED (the kernel
  // runner knows it from connect(); a capture from the client's ACK);
  // `client_rst_scripted`: the client closes with RST on purpose.
  std::vector<outcome::Reason> read(const outcome::Packet& p, bool client_established = false,
                                    bool client_rst_scripted = false);

  std::uint32_t syn_retransmits() const { return syns_ > 1 ? syns_ - 1 : 0; }
  std::uint32_t synack_retransmits() const { return synacks_ > 1 ? synacks_ - 1 : 0; }
  std::uint32_t data_retransmits() const { return data_sends_; }

 private:
  std::uint32_t syns_ = 0, synacks_ = 0, data_sends_ = 0;
  outcome::SegmentClassifier classes_;  // the connection's segments, in capture order
  bool answer_due_ = false;  // a retransmitted SYN-ACK went to an established client
  bool client_acked_ = false;  // the client sent an ACK after a SYN-ACK
  bool data_seen_ = false;
  std::uint32_t data_end_ = 0;  // highest sequence sent + 1
  Time last_data_{};
};

// What the listener must have done, and on which packet it shows.
struct Inference {
  std::size_t packet = 0;  // index into the connection's packets
  outcome::Reason reason;  // a capture_* kind (reason.h), d = confidence in percent
};

// `packets`: one connection's, in capture order. `loopback`: both ends on
// one host, every segment seen once (a drop is the listener's, not the
// link's); otherwise confidences are lower. `capture_end`: the time of the
// capture's last packet (a silence can only be read up to it).
std::vector<Inference> infer(std::span<const outcome::Packet* const> packets, bool loopback, Time capture_end);

// Both addresses are one host's (127.0.0.0/8, ::1, or the same address).
bool is_loopback(const outcome::Packet& p);

}  // namespace synsim::capture
