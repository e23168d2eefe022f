#include "sim/outcome/judge.h"

namespace synsim::outcome {

ConnectionOutcome judged_outcome(const ConnectionRecord& r, const Script& script) {
  if (!r.error.empty()) return r.outcome;
  bool done = r.connect_done.has_value();
  if (script.sends) done = done && r.data_delivered.has_value();
  if (script.sends && script.expects_response) done = done && r.response_received.has_value();
  if (script.closes) done = done && r.closed.has_value();
  return done ? ConnectionOutcome::completed : ConnectionOutcome::open_at_end;
}

bool stalled(const ConnectionRecord& r, Duration threshold) {
  const auto s = r.stall();
  return s && *s > threshold;
}

bool worth_explaining(const ConnectionRecord& r, bool incident, Duration threshold) {
  return incident || stalled(r, threshold) || r.outcome != ConnectionOutcome::completed;
}

}  // namespace synsim::outcome
