// Application events in (time, insertion) order on one Asio executor: what
// the model's event queue does, in real time. Events due together run back
// to back, in the order they were scheduled.
//
// An event is a (kind, argument) pair handed to the owner's dispatch
// function, so scheduling one allocates nothing (a heap of small structs).
// Events due now (a closed-loop client starting its next connection, a
// close after the response) are run through asio::post rather than the
// timer: the same order, without a timerfd round trip per connection.
//
// Not thread-safe: use it from its executor only (the loader's thread, or
// the server's accept strand). Internal to sim/kernel (includes Asio).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <thread>
#include <vector>

#include "sim/core/time.h"
#include "sim/kernel/steady_time.h"

namespace synsim::kernel {

class Timeline {
 public:
  using Dispatch = std::function<void(std::uint32_t kind, std::uint32_t arg)>;

  Timeline(const boost::asio::any_io_executor& ex, SteadyTime t0, Dispatch dispatch)
      : ex_(ex), timer_(ex), t0_(t0), dispatch_(std::move(dispatch)) {}

  Time now() const { return Time{std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - t0_)}; }
  SteadyTime t0() const { return t0_; }

  void at(Time t, std::uint32_t kind, std::uint32_t arg) {
    events_.push(Event{to_ns(t), seq_++, kind, arg});
    arm();
  }

  // Teardown: no event runs any more.
  void cancel() {
    cancelled_ = true;
    timer_.cancel();
  }

 private:
  struct Event {
    std::int64_t t;
    std::uint64_t seq;
    std::uint32_t kind;
    std::uint32_t arg;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }
  };

  std::int64_t now_ns() const { return to_ns(now()); }

  void arm() {
    if (firing_ || cancelled_ || events_.empty()) return;  // fire() re-arms when it is done
    const std::int64_t first = events_.top().t;
    if (first <= now_ns()) {
      if (!posted_) {
        posted_ = true;
        boost::asio::post(ex_, [this] {
          posted_ = false;
          fire();
        });
      }
      return;
    }
    if (waiting_ && armed_for_ == first) return;
    armed_for_ = first;
    waiting_ = true;
    const std::uint64_t gen = ++generation_;
    timer_.expires_at(t0_ + std::chrono::nanoseconds(first));
    timer_.async_wait([this, gen](const boost::system::error_code& ec) {
      if (ec == boost::asio::error::operation_aborted || gen != generation_) return;
      waiting_ = false;
      fire();
    });
  }

  void fire() {
    if (cancelled_) return;
    firing_ = true;
    // Bounded per pass, so socket handlers get their turn under load; events
    // added for "now" run in this pass, after those already due.
    for (int n = 0; n < 4096 && !events_.empty(); ++n) {
      const Event e = events_.top();
      if (e.t > now_ns()) break;
      events_.pop();
      dispatch_(e.kind, e.arg);
      if (cancelled_) break;
    }
    firing_ = false;
    arm();
  }

  boost::asio::any_io_executor ex_;
  boost::asio::steady_timer timer_;
  SteadyTime t0_;
  Dispatch dispatch_;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  std::uint64_t seq_ = 0;
  std::uint64_t generation_ = 0;
  std::int64_t armed_for_ = 0;
  bool waiting_ = false;
  bool posted_ = false;
  bool firing_ = false;
  bool cancelled_ = false;
};

// Spends `d` of this thread's CPU (a server's per-accept or per-request
// cost): busy, not sleeping, so the thread is really occupied, as the
// model's busy_until is. Returns early when `stop` is set (teardown).
inline void spin_for(Duration d, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(to_ns(d));
  while (std::chrono::steady_clock::now() < until) {
    if (stop.load(std::memory_order_relaxed)) return;
  }
}

// Sleeps until `until` (a stop-the-world pause: the thread holds no CPU, as
// the model's paused executor does not). Wakes every 10 ms to return early
// when `stop` is set (teardown).
inline void sleep_until(SteadyTime until, const std::atomic<bool>& stop) {
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until || stop.load(std::memory_order_relaxed)) return;
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(until - now, std::chrono::milliseconds(10)));
  }
}

}  // namespace synsim::kernel
