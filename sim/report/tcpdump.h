// Timelines in `tcpdump -tt -n` text form (Linux tcpdump 4.99), so people can
// read them without learning a new notation and diff them against a real
// capture.
//
// Read first: tcpdump's print-tcp.c, tcp_print(). We follow it line by line
// for the parts a loopback handshake exercises:
//   - flags in the order F S R P . U E W ("[S.]", "[FP.]", "[none]");
//   - sequence numbers relative to the conversation only for segments with
//     ACK set: the first ACK-bearing segment of a 4-tuple (or any SYN+ACK)
//     records the bases and prints absolute numbers, later ones print
//     numbers relative to them; segments without ACK always print absolute;
//   - `seq A:B` when there is payload, `seq A` for SYN, FIN or RST;
//   - SACK blocks relative to the base of the acknowledged direction.
// Deviation: tcpdump decodes well-known application ports after `length N`
// (HTTP on 80/8080, SSH on 22, DNS on 53, ...); we never do, so a timeline
// matches `tcpdump -r` exactly only for other server ports.
#pragma once

#include <cstdint>
#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// The flags as tcpdump prints them between the brackets: "S.", "FP.", "R", "none".
std::string tcpdump_flags(std::uint8_t flags);

// One line per packet. With annotations (the default) the output starts with
// a `# synsim ...` header line and each annotation follows its packet as
// `    # x#0: text`. Without, the output is exactly what
// `tcpdump -tt -n -r capture.pcap` prints for render_pcap() of the same outcome.
std::string render_tcpdump(const outcome::Outcome& outcome, bool with_annotations = true);

}  // namespace synsim::report
