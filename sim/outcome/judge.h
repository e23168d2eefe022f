// The one judge: what an outcome means.
//
// The model's recorder (sim/model), the kernel runner (sim/kernel), compare,
// the reports and the sweeps all ask the same questions of a connection
// record: is it complete, did its request stall, is it worth a story, how
// long did its user wait. Each question is answered here, once; a second
// copy anywhere else is a future disagreement between model and kernel
// (house style, point 13).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"

namespace synsim::outcome {

// A request that took longer than this between its first transmission and
// its delivery waited for a retransmission: above a machine's ~100 ms
// scheduling hiccups and below the 200 ms minimum RTO (TCP_RTO_MIN) less a
// jiffy. The default threshold of every "stalled" figure synsim prints.
inline constexpr Duration kStallThreshold = ms(190);

// What a connection's script asks of it, read off its client group and the
// server: the milestones it must reach to count as completed.
struct Script {
  bool sends = true;             // the client writes a request
  bool expects_response = true;  // the server answers it (on_data.respond_bytes > 0)
  bool closes = true;            // the client closes (close: not never)
};

// The outcome a record's times say it had: `completed` once every milestone
// its script asks for is in, `open_at_end` otherwise; an error already
// recorded (reset, timed out, refused) stands.
ConnectionOutcome judged_outcome(const ConnectionRecord& r, const Script& script);

// The request stalled: delivered more than `threshold` after its first
// transmission.
bool stalled(const ConnectionRecord& r, Duration threshold = kStallThreshold);

// A connection worth a story (an explanation, a row in a trimmed table):
// something happened to it (`incident`: a drop, a retransmission, a reset,
// as the recorder saw it), it was slow (see slow() below), or it did not
// complete. A kernel run without a capture sees no incident; its slow
// connections are still told.
bool worth_explaining(const ConnectionRecord& r, bool incident, Duration threshold = kStallThreshold);
// A summary of more connections than this lists only those worth a row,
// this many at most, and as many stories (sim/report/tables.h).
inline constexpr std::size_t kSummaryRows = 200;

// Latency as users see it, each measured on the client's side:
//   connect     connect() called -> connect() returned
//   first_byte  request written -> the exchange's last milestone
//   total       connect() called -> the exchange's last milestone
// The exchange's last milestone is the response readable by the client, or,
// for a connection that completed without one, the request readable by the
// server application (its server answers nothing), or connect() returning
// (it sends nothing).
// (The Latency enum is in outcome.h, beside the summary that holds them.)

// When the user began waiting (nullopt: never did, e.g. no request written).
std::optional<Time> latency_start(const ConnectionRecord& r, Latency which);
// When the wait ended (nullopt: it has not, the connection is unfinished).
std::optional<Time> latency_end(const ConnectionRecord& r, Latency which);
// How long a wait that never ended had lasted when the connection failed
// (its error's time) or the run ended (`run_end`).
Duration unfinished_wait(const ConnectionRecord& r, Latency which, Time run_end);

// A connection its user would call slow: its request stalled, or its
// connect() or its whole exchange took longer than `threshold` to finish.
// (One that never finished is not completed, which is worth a story anyway.)
bool slow(const ConnectionRecord& r, Duration threshold = kStallThreshold);

}  // namespace synsim::outcome
