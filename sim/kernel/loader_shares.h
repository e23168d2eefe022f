// How the loader's threads split the scenario's connections, one
// definition for both loaders (client_loader.h).
//
// scenario.h LoaderSpec: thread t of k keeps its share of a closed-loop
// group's connections in flight, concurrency / k, the first
// concurrency mod k threads one more; when one of its connections ends it
// takes the group's next unstarted connection from a counter all threads
// share (as loaders with one epoll loop per thread and a shared work
// counter do). Of every other group it runs connection i (the group's
// index) when i mod k == t, at the time connection i has with one thread:
// the group's arrival times are one sequence (the same gaps, drawn in the
// same order: scenario::ArrivalGaps), each thread starting its own.
//
// The records are shared: a connection's record is written only by the
// thread that runs it, and read after the threads have joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/client_loader.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/scenario.h"

namespace synsim::kernel {

class LoaderShares {
 public:
  explicit LoaderShares(const scenario::Scenario& sc);

  std::uint32_t threads() const { return threads_; }
  std::uint32_t connections() const { return static_cast<std::uint32_t>(records_.size()); }
  std::uint32_t first_conn(std::uint32_t g) const { return first_conn_[g]; }
  std::uint32_t group_of(std::uint32_t c) const { return group_of_[c]; }
  outcome::ConnectionRecord& record(std::uint32_t c) { return records_[c]; }
  const outcome::ConnectionRecord& record(std::uint32_t c) const { return records_[c]; }

  // Closed-loop group g: how many connections thread t keeps in flight.
  std::uint32_t concurrency_share(std::uint32_t g, std::uint32_t t) const;
  // Closed-loop group g: its next unstarted connection (scenario index),
  // or nullopt when every one has started. Any thread.
  std::optional<std::uint32_t> take_next(std::uint32_t g);

  // connect() calls so far, all threads (for the limits' messages).
  std::uint32_t count_started() { return started_.fetch_add(1, std::memory_order_relaxed) + 1; }
  std::uint32_t started() const { return started_.load(std::memory_order_relaxed); }

  // The threads' port uses and notes joined: records in scenario order,
  // ports in connect() order, notes in time order. After the threads joined.
  LoaderResult merge(std::vector<std::vector<PortUse>> ports, std::vector<std::vector<AppNote>> notes);

 private:
  const scenario::Scenario& sc_;
  std::uint32_t threads_;
  std::vector<outcome::ConnectionRecord> records_;
  std::vector<std::uint32_t> first_conn_;  // per group
  std::vector<std::uint32_t> group_of_;    // per connection
  std::unique_ptr<std::atomic<std::uint32_t>[]> next_;  // per group: closed loop's next index
  std::atomic<std::uint32_t> started_{0};
};

// One thread's arrivals of one open-loop group (spaced, burst, rate): the
// group's arrival events in order, as the one-thread loader and the model
// make them (an event starts the next connection, or every remaining one
// when its gap is 0), keeping only the events that start a connection of
// this thread. Not for closed-loop groups.
class ThreadArrivals {
 public:
  ThreadArrivals(const scenario::Scenario& sc, std::uint32_t g, std::uint32_t thread, std::uint32_t threads);

  // When this thread's next arrival event is due; nullopt when it has none left.
  std::optional<Time> due() const;
  // At due(): appends the group indices of this thread's connections that
  // start now, and moves to its next event.
  void take(std::vector<std::uint32_t>& start_now);

 private:
  bool mine(std::uint32_t i) const { return i % threads_ == thread_; }
  bool event_has_mine() const;
  void advance();
  Duration draw();

  const scenario::ClientGroup& grp_;
  std::uint32_t thread_;
  std::uint32_t threads_;
  std::optional<scenario::ArrivalGaps> gaps_;  // rate arrivals
  std::uint32_t next_ = 0;  // the pending event's first connection
  Time due_{};              // the pending event's time
  Duration gap_{};          // from the pending event to the one after it
};

// After its exchange (the whole response read, or the request acked when
// the server answers nothing), how long a client waits before close(): a
// server that closes after its response sends its FIN right behind the
// data, and the model delivers both at the same instant, so the client
// application sees the EOF with the response and closes after it. The
// server runs on other threads here: closing on the last response byte
// would race its close() (and lose, when its thread is slowed), turning the
// closing exchange into a simultaneous close. So the client closes on that
// EOF, at most this long after the response; otherwise at once.
Duration close_wait_after_exchange(const scenario::Scenario& sc);

// The limits' messages (EnvironmentError), one text for both loaders:
// socket() out of descriptors, connect() out of ephemeral ports (with the
// range and the sockets holding them, read now).
std::string descriptors_exhausted_message(const std::string& conn, std::uint32_t started);
std::string ports_exhausted_message(const std::string& conn, std::uint32_t started, Time now);

}  // namespace synsim::kernel
