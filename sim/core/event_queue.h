// The event queue: pending events ordered by (time, insertion sequence).
//
// Ties at the same virtual time run in the order they were scheduled, never
// in pointer or hash order, so a run is a pure function of its inputs
// (style.md rule 4, the ns-3 scheduler's key). Timers are re-armed and
// cancelled constantly (every RTO re-arm cancels the previous one), so
// cancellation is O(1): the payload slot is marked dead and skipped when it
// reaches the front.
//
// Layout: a 4-ary min-heap of {time, seq, slot} entries; payloads live in a
// slab indexed by slot and recycled through a free list, so scheduling
// allocates nothing in steady state.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/time.h"

namespace synsim {

// Receives events. `kind` and `arg` are the scheduler's own vocabulary
// (each handler casts `kind` back to its enum class and switches on it).
class EventHandler {
 public:
  virtual void on_event(std::uint32_t kind, std::uint64_t arg) = 0;

 protected:
  ~EventHandler() = default;
};

// Names one scheduled event; survives the event (cancelling a fired or
// cancelled event is a no-op).
struct EventId {
  std::uint32_t slot = UINT32_MAX;
  std::uint32_t generation = 0;
  bool valid() const { return slot != UINT32_MAX; }
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  EventId schedule(Time when, EventHandler* handler, std::uint32_t kind, std::uint64_t arg = 0);
  // True if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const;

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Time of the earliest live event; kTimeMax when empty.
  Time next_time();

  struct Fired {
    Time when;
    std::uint64_t seq;
    EventHandler* handler;
    std::uint32_t kind;
    std::uint64_t arg;
  };
  // Removes the earliest live event. Precondition: !empty().
  Fired pop();

 private:
  struct Entry {
    std::int64_t when;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Payload {
    EventHandler* handler = nullptr;
    std::uint64_t arg = 0;
    std::uint32_t kind = 0;
    std::uint32_t generation = 0;
    bool live = false;
  };

  static bool before(const Entry& a, const Entry& b) {
    return a.when < b.when || (a.when == b.when && a.seq < b.seq);
  }
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void pop_heap_top();
  void drop_dead_front();

  std::vector<Entry> heap_;
  std::vector<Payload> slab_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace synsim
