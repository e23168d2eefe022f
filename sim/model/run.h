// Play a scenario on the model: the simulated kernel (sim/tcp) driven by
// simulated applications, in virtual time.
//
// The same scenario and seed give the same Outcome, byte for byte, on every
// machine: the model reads no clock, draws only from its seeded streams, and
// orders simultaneous events by insertion.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>

#include "sim/outcome/judge.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::model {

struct RunOptions {
  // What the outcome keeps of each connection.
  enum class Detail {
    full,     // a ConnectionRecord for every connection (timelines, JSON, expectations)
    // Outcome::summary counts every connection exactly (outcomes, stall
    // histogram, retransmission maxima); a ConnectionRecord is kept only for
    // the first `summary_first` connections and for those with an incident,
    // a stall or an outcome other than completed, at most `summary_records`.
    // A connection that completes without incident is counted and forgotten
    // as soon as its client socket is gone, so memory follows the
    // connections alive at once, not the scenario's count.
    summary,
  };

  std::optional<std::uint64_t> seed;           // overrides the scenario's seed
  std::uint64_t event_limit = 500'000'000;     // a run that needs more is stopped (exit 3)
  bool record_packets = true;                  // false: counters and records only (sweeps)
  // Full detail: each connection's sockets as netstat lists them
  // (ConnectionRecord::sockets: the netstat rendering, JSON, the netstat
  // line of a stalled request's explanation) and the listener's queues
  // (Outcome::queues), even without the packets. Off where nothing reads
  // them (sweeps, `run --seeds`), and in summary detail, whose point is to
  // keep nothing per connection that went through (report-load's 1.8 M
  // connections took 40% longer with the live ones' series).
  bool record_sockets = true;
  Duration stall_threshold = outcome::kStallThreshold;
  Detail detail = Detail::full;
  std::uint32_t summary_first = 20;
  std::uint32_t summary_records = 10'000;
};

// A scenario the model cannot execute (a feature not modelled yet): a
// usage error (exit 2), not a model failure.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Unsupported, or synsim::InvariantViolation when the model breaks
// one of its own invariants.
outcome::Outcome run(const scenario::Scenario& scenario, const RunOptions& options = {});

}  // namespace synsim::model
