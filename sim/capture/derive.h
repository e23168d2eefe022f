// From a capture to a scenario: `synsim explain CAPTURE --scenario OUT.yaml`.
//
// A capture explained (explain.h) says when each connection began and what
// happened to it; this reads those records and typed reasons once more for
// what they imply about the load and the listener, and writes that down as
// a scenario the model (or the kernel runner) can play:
//   - the arrivals: a closed loop of N (each connect() follows a close, at
//     most N in flight), a burst, an open-loop rate (evenly spaced or
//     Poisson), or, for a handful of connections, each at its own time;
//   - what each client does: its request's size, when it writes (after
//     connect() returns, or with its final ACK deferred), how it closes;
//   - what the server answers (the response's size, whether it closes);
//   - the listener: the accept queue's limit (backlog + 1) from the
//     retransmission bursts that got exactly that many in, or, failing
//     those, from the children waiting when a final ACK overflowed; the
//     application's pace (one request served every D while the queue was
//     full), when it started accepting, or that it never did; the sysctls
//     the reasons imply (tcp_abort_on_overflow, tcp_synack_retries).
// Each inference carries the comment that says what it was read from, and
// which it could not decide. Nothing here runs the model.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/capture/classes.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/write.h"

namespace synsim::capture {

struct DerivedScenario {
  scenario::Scenario scenario;
  scenario::KeyComments comments;  // each inference's why, by key path (scenario/write.h)
  // The accept queue's limit (backlog + 1) as each piece of evidence gave
  // it: the count most retransmission bursts let in, and the fewest
  // children waiting at an overflow (an upper bound); nullopt: none seen.
  std::optional<std::int64_t> limit_from_bursts;
  std::optional<std::int64_t> limit_from_overflows;
};

// `explained`: explain()'s outcome. `name`: the scenario's name ([a-z0-9-]+).
DerivedScenario derive_scenario(const outcome::Outcome& explained, const std::string& name);

// A name for the scenario from the capture's file name: its stem, lower
// case, anything outside [a-z0-9-] as '-' ("capture" if nothing is left).
std::string scenario_name_for(const std::string& capture_path);

}  // namespace synsim::capture
