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
// as the recorder saw it), its request stalled, or it did not complete.
bool worth_explaining(const ConnectionRecord& r, bool incident, Duration threshold = kStallThreshold);

}  // namespace synsim::outcome
