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
  return incident || slow(r, threshold) || r.outcome != ConnectionOutcome::completed;
}

std::optional<Time> latency_start(const ConnectionRecord& r, Latency which) {
  switch (which) {
    case Latency::connect:
    case Latency::total: return r.connect_start;
    case Latency::first_byte: return r.first_data_sent;
  }
  return std::nullopt;
}

namespace {
std::optional<Time> exchange_end(const ConnectionRecord& r) {
  if (r.response_received) return r.response_received;
  if (r.outcome != ConnectionOutcome::completed) return std::nullopt;
  // Completed without a response: its script asked for none (the request's
  // delivery ends it) or for no request at all (connect() returning does).
  return r.first_data_sent ? r.data_delivered : r.connect_done;
}
}  // namespace

std::optional<Time> latency_end(const ConnectionRecord& r, Latency which) {
  switch (which) {
    case Latency::connect: return r.connect_done;
    case Latency::first_byte:
    case Latency::total: return exchange_end(r);
  }
  return std::nullopt;
}

Duration unfinished_wait(const ConnectionRecord& r, Latency which, Time run_end) {
  const auto start = latency_start(r, which);
  if (!start) return Duration{0};
  const Time until = r.outcome != ConnectionOutcome::open_at_end && r.closed ? *r.closed : run_end;
  return until > *start ? until - *start : Duration{0};
}

bool slow(const ConnectionRecord& r, Duration threshold) {
  if (stalled(r, threshold)) return true;
  for (const Latency which : {Latency::connect, Latency::total}) {
    const auto start = latency_start(r, which);
    const auto end = latency_end(r, which);
    if (start && end && *end - *start > threshold) return true;
  }
  return false;
}

}  // namespace synsim::outcome
