#include "sim/model/run.h"

#include <fmt/format.h>

#include "sim/core/event_queue.h"
#include "sim/core/invariant.h"
#include "sim/core/trace.h"
#include "sim/model/world.h"

namespace synsim::model {

namespace {

// The model's invariants, checked after every event: queue lengths within
// their limits, the accept queue's count matching its contents. `fail` is
// the caller's lambda itself, not a std::function: wrapping it in one per
// event allocated (its captures exceed the small-object buffer) 17 times a
// connection, 7% of the report load's time in malloc and free.
template <class Fail>
void check_queues(const tcp::Stack& stack, const Fail& fail) {
  const tcp::Listener& l = stack.listener();
  if (l.ack_backlog < 0 || l.ack_backlog > l.max_ack_backlog + 1) {
    fail(fmt::format("accept queue holds {} children, limit is backlog+1 = {}", l.ack_backlog,
                     l.max_ack_backlog + 1));
  }
  if (static_cast<std::int64_t>(l.accept_queue.size()) != l.ack_backlog) {
    fail(fmt::format("sk_ack_backlog {} but {} children queued", l.ack_backlog, l.accept_queue.size()));
  }
  if (l.qlen < 0 || l.qlen > stack.syn_queue_limit()) {
    fail(fmt::format("SYN queue holds {} requests, limit is {}", l.qlen, stack.syn_queue_limit()));
  }
  if (l.young < 0 || l.young > l.qlen) fail(fmt::format("young {} outside [0, qlen {}]", l.young, l.qlen));
}

// At the end: every byte a client sent was delivered, or its connection
// ended with a reported reset or timeout, or the run ended first.
template <class Fail>
void check_end(const outcome::Outcome& out, const Fail& fail) {
  for (const outcome::ConnectionRecord& r : out.connections) {
    if (r.first_data_sent && !r.data_delivered) {
      switch (r.outcome) {
        case outcome::ConnectionOutcome::reset:
        case outcome::ConnectionOutcome::timed_out:
        case outcome::ConnectionOutcome::open_at_end:
          break;
        case outcome::ConnectionOutcome::completed:
        case outcome::ConnectionOutcome::refused:
          fail(fmt::format("{}: request sent but never delivered, yet outcome is {}", r.name,
                           outcome::to_string(r.outcome)));
      }
    }
    if (r.data_delivered && r.first_data_sent && *r.data_delivered < *r.first_data_sent) {
      fail(fmt::format("{}: request delivered before it was sent", r.name));
    }
  }
}

}  // namespace

outcome::Outcome run(const scenario::Scenario& sc, const RunOptions& options) {
  const std::uint64_t seed = options.seed.value_or(sc.seed);
  EventQueue events;
  Trace trace;
  Recorder::Options recording;
  recording.record_packets = options.record_packets;
  recording.record_sockets = options.record_sockets && options.detail == RunOptions::Detail::full;
  recording.stall_threshold = options.stall_threshold;
  recording.summary = options.detail == RunOptions::Detail::summary;
  recording.summary_first = options.summary_first;
  recording.summary_records = options.summary_records;
  World world(sc, seed, recording, events, trace);
  Time now = kTimeZero;
  auto fail = [&](const std::string& what) { throw InvariantViolation(what, seed, now, world.last_events()); };

  const Time horizon = kTimeZero + sc.duration;
  // The listener's queues: for the timeline, or for the sockets' netstat listing.
  const bool record_queues = options.record_packets || recording.record_sockets;
  std::vector<outcome::QueueSample> queues{outcome::QueueSample{}};
  std::int64_t last_qlen = 0;
  std::int64_t last_backlog = 0;
  std::uint64_t executed = 0;
  auto execute = [&] {
    world.start();
    while (!events.empty()) {
      const Time next = events.next_time();
      if (next > horizon) break;
      if (++executed > options.event_limit) {
        fail(fmt::format("event limit of {} reached before the scenario's duration", options.event_limit));
      }
      const EventQueue::Fired ev = events.pop();
      if (ev.when < now) fail("time went backwards");
      now = ev.when;
      world.stack().set_now(now);
      trace.mix(to_ns(ev.when));
      trace.mix(static_cast<std::int64_t>(ev.payload.kind));
      trace.mix(static_cast<std::int64_t>(ev.payload.arg));
      ev.handler->dispatch(ev.payload);
      world.after_event();
      check_queues(world.stack(), fail);
      const tcp::Listener& l = world.stack().listener();
      if (record_queues && (l.qlen != last_qlen || l.ack_backlog != last_backlog)) {
        last_qlen = l.qlen;
        last_backlog = l.ack_backlog;
        queues.push_back(outcome::QueueSample{now, l.qlen, l.ack_backlog});
      }
    }
    now = horizon;
    world.stack().set_now(horizon);
    return world.finish(horizon, options.stall_threshold);
  };
  // A std::logic_error from an internal check (tcp::Stack's use of a
  // released connection, EventQueue's schedule into the past) is a broken
  // invariant like the ones checked here: reported with the seed, the
  // virtual time and the last events.
  outcome::Outcome out;
  try {
    out = execute();
  } catch (const std::logic_error& e) {
    fail(e.what());
  }
  check_end(out, fail);
  out.queues = std::move(queues);
  out.accept_queue_limit = world.stack().listener().max_ack_backlog + 1;
  out.info.events = executed;
  out.info.trace_hash = trace.hash();
  return out;
}

}  // namespace synsim::model
