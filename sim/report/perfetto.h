// Outcomes as Chrome / Perfetto trace-event JSON, for ui.perfetto.dev and
// chrome://tracing.
//
// Read first: "Trace Event Format" (the Chrome tracing JSON Object Format:
// {"traceEvents": [...], "displayTimeUnit": ...}); Perfetto's JSON importer
// follows it.
//
// Layout:
//   - one process per side: pid 1 "model (linux-6.18)", pid 2 "kernel (6.x)"
//     (from info.source; any other source gets the next free pid);
//   - one thread per connection, named "x#1 :49442", in scenario order, plus
//     a thread "other packets" for packets of no known connection;
//   - on a connection's thread, complete ("X") slices for its phases:
//       connect             connect_start -> connect_done
//       waiting for accept  connect_done -> accepted
//       data in flight      first_data_sent -> data_delivered
//       response            data_delivered -> response_received
//       close               first FIN or RST of the connection -> closed
//     A phase whose end never happened runs to the end of the run and says
//     so in its args ("unfinished": true). Slices on one thread must nest, so
//     a phase that starts inside another and outlasts it is cut at that end
//     and continues as a second slice (args "continued": true);
//   - one instant ("i", thread scope) event per packet on its connection's
//     thread, named "[S.] client SYN-ACK" style (tcpdump flags, then the
//     kind; ", retransmission" / ", dropped" appended), args seq, ack, len,
//     win and the annotation texts;
//   - counter ("C") tracks "SYN queue", "accept queue" and "accept queue
//     limit" from outcome.queues / accept_queue_limit.
// Times (ts, dur) are microseconds since the run's start, with nanosecond
// decimals. The same outcome gives the same bytes: one event per line, keys
// in a fixed order, events in a fixed order.
#pragma once

#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::report {

std::string render_perfetto(const outcome::Outcome& outcome);

// Model and kernel in one trace (two processes on one time axis, for
// `synsim compare`). `kernel` may be null.
std::string render_perfetto(const outcome::Outcome& model, const outcome::Outcome* kernel);

}  // namespace synsim::report
