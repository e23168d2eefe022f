// What a capture file holds, before it is an outcome: its TCP segments with
// their times, and what was skipped (each said, never silently dropped).
// Read from pcap/pcapng (pcap_file.h) or from tcpdump's text (tcpdump_text.h).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/outcome/outcome.h"

namespace synsim::capture {

// One TCP segment: its time in ns on the capture's clock (since the epoch
// for pcap and `-tt`, since midnight for tcpdump's default time of day) and
// the packet with absolute sequence numbers (time, connection, from_client
// are set when it becomes an outcome).
struct Segment {
  std::int64_t ns = 0;
  outcome::Packet packet;
  std::string where;  // "packet 7" or "FILE:12": for messages about it
};

// Something in the input that is not a TCP segment: a non-TCP packet, a
// line that is not a tcpdump packet line. `where` is "packet 7" or
// "FILE:12:1".
struct Skipped {
  std::string where;
  std::string why;
};

struct Input {
  std::string name;                // the file, as given
  std::string format;              // "pcap", "pcapng", "tcpdump text"
  std::vector<Segment> segments;   // in capture order
  std::vector<Skipped> skipped;
  std::vector<std::string> notes;  // how the input was read ("times are -ttt deltas"), for the reader
};

// Bad input: truncated, corrupt, or nothing TCP in it. The message names
// the file and the packet ("FILE: packet 7: ...") or the line and column
// ("FILE:12:30: ..."); the command exits 2 with it.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace synsim::capture
