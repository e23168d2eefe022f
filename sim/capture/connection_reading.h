// One connection's packets read into what `synsim explain` says of it: its
// record (explain.h says what each time means), its typed reasons in the
// order of its packets (PacketReading, then infer(): story.h), its story
// when the one judge calls it worth one, and its share of the deduced
// counters. The one place both explain() (every packet in memory) and the
// streaming explainer (stream.h, a connection at a time) do this, so that
// either gives a connection the same answers.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"

namespace synsim::capture {

// A reason and the packet (index into the connection's packets) it is
// noted under: the timeline's annotation.
struct PacketNote {
  std::size_t packet = 0;
  outcome::Reason reason;
};

// `ps`: the connection's packets in capture order (from_client and time
// set); `has_syn`: it began with the client's SYN (ActiveOpens);
// `capture_end`: the time of the capture's last packet to or from the
// server. `r` comes with its name, group, index and client port and gets
// the rest; `k` gets the connection's counts added (zeros included: the
// caller drops those once, at the end). `notes`, when given, gets every
// reason with its packet: the reading's first, then the inferences.
void read_connection(std::span<const outcome::Packet* const> ps, bool has_syn, Time capture_end,
                     outcome::ConnectionRecord& r, outcome::Counters& k, std::vector<PacketNote>* notes);

}  // namespace synsim::capture
