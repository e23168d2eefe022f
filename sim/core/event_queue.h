// The event queue: pending events ordered by (time, insertion sequence).
//
// Ties at the same virtual time run in the order they were scheduled, never
// in pointer or hash order, so a run is a pure function of its inputs
// (style.md rule 4, the ns-3 scheduler's key). Timers are re-armed and
// cancelled constantly (every RTO re-arm cancels the previous one), so
// cancellation is O(1): the payload slot is marked dead and skipped when it
// reaches the front.
//
// Structure: a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990), which
// works because simulated time never goes backwards: an event's bucket is
// the highest bit in which its time differs from the queue's base (the time
// of the last event handed out), so scheduling is O(1) and each event moves
// to a lower bucket at most 64 times over its life, in practice a few.
// Bucket 0 holds the events at the base time itself, kept in insertion
// order, which is what makes ties run first-scheduled first.
//
// Keys are 16 bytes {time, seq << 24 | slot}; payloads live in a slab
// indexed by slot and recycled through a free list, so steady-state
// scheduling allocates nothing. Limits (checked): 2^24 events pending at
// once, 2^40 scheduled over a queue's life, times >= 0.
//
// Contract: never schedule an event earlier than the last time next_time()
// or pop() returned (a discrete-event simulation cannot schedule into its
// past); doing so throws std::logic_error.
#pragma once

#include <array>
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
    std::uint64_t when;
    std::uint64_t seq_slot;  // seq << kSlotBits | slot
  };
  struct Payload {
    EventHandler* handler = nullptr;
    std::uint64_t arg = 0;
    std::uint32_t kind = 0;
    std::uint32_t generation = 0;
    bool live = false;
  };
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  static constexpr int kBuckets = 65;

  std::uint32_t slot_of(const Entry& e) const { return static_cast<std::uint32_t>(e.seq_slot & kSlotMask); }
  bool dead(const Entry& e) const { return !slab_[slot_of(e)].live; }
  int bucket_of(std::uint64_t when) const;
  void release(const Entry& e);
  // Makes bucket 0 hold the earliest live events; false if none are left.
  bool refill();

  // Bucket 0 is consumed from `head0_` onwards (a cheap FIFO).
  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::size_t head0_ = 0;
  std::uint64_t base_ = 0;
  std::vector<Payload> slab_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace synsim
