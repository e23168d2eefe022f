// `synsim explain` of a capture too large to hold: the file is read packet by
// packet (libpcap's pcap_next_ex for pcap and pcapng), each TCP segment
// decoded without allocating (wire_segment.h), demultiplexed by its 4-tuple
// into the connections open at that point of the capture, and a connection
// is read (connection_reading.h: the record, typed reasons and story
// explain() gives it) and its segments freed as soon as nothing later in the
// capture can change what is said of it. Memory is bounded by the
// connections open at once; a finished connection keeps its latencies (8
// bytes a wait, as a summary-detail run does) and, for the few a summary
// shows, its record.
//
// The answers are explain()'s, or none: the file is read twice (first for
// the server's side, which explain() takes from every SYN-ACK of the
// capture, and the time order; then to explain), and whatever would make the
// stream's answer differ throws NotStreamable, for the caller to explain the
// capture in memory instead:
//   - segments out of time order (explain() sorts them);
//   - a segment of a connection already read (after its close, or after it
//     was silent for longer than the kernel's timers allow, see stream.cc);
//   - tcpdump text whose addresses are names, not numbers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/capture/explain.h"
#include "sim/capture/input.h"
#include "sim/outcome/latency.h"
#include "sim/outcome/outcome.h"

namespace synsim::capture {

class NotStreamable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the stream held at most: the bound its memory had.
struct StreamHeld {
  std::size_t max_open_connections = 0;  // read from and not yet finished
  std::size_t max_segments_held = 0;     // their segments
  std::size_t max_remembered = 0;        // finished connections' 4-tuples kept to catch a late segment
};

struct StreamedExplanation {
  // info and counters as explain() gives them; connections: only the
  // records render_summary() shows of all of them (the first 200 in
  // capture order, the first 200 with a story or not completed), in order.
  outcome::Outcome kept;
  std::size_t connections = 0;        // every connection
  std::uint64_t segments = 0;         // to or from the server
  // Every connection's latencies, the figures latency_figures() gives of
  // them (counted by value as they come: outcome/latency_tally.h).
  std::array<outcome::LatencyFigures, 3> latencies{};
  std::vector<Skipped> skipped;       // the first kSkippedKept, in the order explain() lists them
  std::size_t skipped_count = 0;      // all of them
  StreamHeld held;
};

inline constexpr std::size_t kSkippedKept = 10;

// Each connection's whole record as it is read (tests hold the stream to
// explain() with it); the stream keeps only the ones a summary shows.
using EveryRecord = std::function<void(const outcome::ConnectionRecord&)>;

// The file (pcap, pcapng or tcpdump text); throws InputError with the
// messages read_capture_file() and explain() give, NotStreamable (above).
StreamedExplanation explain_stream_file(const std::string& path, const ExplainOptions& options = {},
                                        const EveryRecord& every = {});
// The same from bytes (tests).
StreamedExplanation explain_stream_bytes(std::string_view bytes, const std::string& name,
                                         const ExplainOptions& options = {}, const EveryRecord& every = {});

}  // namespace synsim::capture
