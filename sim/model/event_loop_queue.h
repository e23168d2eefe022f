// The ready work of one event-loop thread, taken in the passes its loop
// makes: sockets first, then the work that has come due.
//
// Why: the kernel runner's loader (sim/kernel/plain_loader.cc,
// PlainLoop::run) asks epoll_pwait2() for at most 256 ready sockets, runs
// their handlers, then runs its due timeline (run_due(): at most 4096
// entries, those added meanwhile for "now" included) before it looks at its
// sockets again. A connect() the closed loop starts, a request written
// after connect() completed, a close after the response: each is a
// timeline entry, so each waits for the pass's socket handlers, and a
// socket that turns ready during the due work waits for the next
// epoll_pwait2(). With 1,700 connections in flight a connect() completes a
// whole loop cycle after it started (reports/load/misses.md, 20261221 p4:
// the kernel's connect() p50 54-60 ms), where one FIFO of every step saw a
// third of a cycle.
//
// Work given only as socket events (the server's executor) is taken in
// arrival order, exactly as one FIFO would: passes change nothing there.
#pragma once

#include <cstdint>

#include "sim/core/ring_queue.h"

namespace synsim::model {

template <typename Task>
class EventLoopQueue {
 public:
  static constexpr std::uint32_t kSocketsPerPass = 256;  // PlainLoop::run's epoll_event array
  static constexpr std::uint32_t kDuePerPass = 4096;     // PlainLoop::kEventsPerPass

  bool empty() const { return sockets_.empty() && due_.empty(); }

  // A socket turned ready (an epoll event). `front`: the handler running
  // goes on with it before anything else (an accept loop that keeps
  // accepting), inside the current pass.
  void push_socket(const Task& t, bool front = false) {
    if (front) {
      sockets_.push_front(t);
      if (phase_ == Phase::sockets) ++pass_left_;
      return;
    }
    sockets_.push_back(t);
  }
  // Work for "now" on the loop's timeline.
  void push_due(const Task& t) { due_.push_back(t); }
  // The thread ran out of work, its last handler's softirq done: its loop
  // finished its due work and blocks in epoll_pwait2(), so what turns ready
  // next starts a new pass, sockets first. A no-op while work is queued.
  void idle() {
    if (!empty()) return;
    phase_ = Phase::due;
    due_left_ = 0;
    pass_left_ = 0;
  }

  // The next task; the queue must not be empty.
  Task pop() {
    for (;;) {
      if (phase_ == Phase::sockets && pass_left_ > 0 && !sockets_.empty()) {
        --pass_left_;
        return take(sockets_);
      }
      if (phase_ == Phase::sockets) {
        phase_ = Phase::due;
        due_left_ = kDuePerPass;
      }
      if (due_left_ > 0 && !due_.empty()) {
        --due_left_;
        return take(due_);
      }
      // A new pass: the sockets ready now, at most kSocketsPerPass of them.
      phase_ = Phase::sockets;
      pass_left_ = sockets_.size() < kSocketsPerPass ? static_cast<std::uint32_t>(sockets_.size()) : kSocketsPerPass;
      if (pass_left_ == 0) {
        // Nothing ready on the sockets: the due work starts a pass of its own.
        phase_ = Phase::due;
        due_left_ = kDuePerPass;
      }
    }
  }

 private:
  enum class Phase : std::uint8_t { sockets, due };
  static Task take(RingQueue<Task>& q) {
    const Task t = q.front();
    q.pop_front();
    return t;
  }

  RingQueue<Task> sockets_;
  RingQueue<Task> due_;
  Phase phase_ = Phase::due;
  std::uint32_t pass_left_ = 0;
  std::uint32_t due_left_ = 0;
};

}  // namespace synsim::model
