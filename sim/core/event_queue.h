// The event queue: pending events ordered by (time, insertion sequence).
//
// Ties at the same virtual time run in the order they were scheduled, never
// in pointer or hash order, so a run is a pure function of its inputs
// (style.md rule 4, the ns-3 scheduler's key). Timers are re-armed and
// cancelled constantly (every RTO re-arm cancels the previous one), so
// cancellation is O(1): the payload slot is marked dead and the key is
// dropped when it reaches the front.
//
// Structure: a radix heap with 1024-way digits (a hierarchical timing
// wheel whose origin is the current time). It works because simulated time
// never goes backwards. `base_` is the time of the event at the front. A key
// lives in bucket (level, digit): `level` is the highest 10-bit digit in
// which its time differs from base_, `digit` its time's value in that digit.
// So level 0 is the current window of 1024 ns, level 1 windows of ~1 us
// within ~1 ms, level 2 windows of ~1 ms within ~1 s, and so on. Scheduling
// is one push_back. When the current window runs dry, the lowest non-empty
// bucket above it is emptied into the levels below it, base_ moving to the
// start of its range; a key moves down at most 6 times, in practice (delays
// under a second) at most twice. Bitmaps of the non-empty buckets make
// finding the next one a couple of bit scans.
//
// The current window: keys that came down into it form the run, sorted by
// time (a counting sort on the low digit, stable), consumed in order. Keys
// scheduled into the window afterwards go to the level-0 bucket of their
// exact time, a FIFO.
//
// Ties: every bucket stays in insertion order. A new key is the newest so
// far and is appended; a bucket is emptied only into buckets that are empty
// at that moment (all of them lie below the lowest non-empty one), in order,
// and the run is sorted stably. The keys of one time are thus the run's
// (older) followed by those of its level-0 bucket (newer), each in
// scheduling order, and the run goes first at equal times.
//
// Keys are 16 bytes {time, seq << 24 | slot}; payloads live in a slab
// indexed by slot and recycled through a free list, so steady-state
// scheduling allocates nothing. (Carrying the payload in the key, 40 bytes,
// was measured slower: keys move, payloads don't.) Limits (checked): 2^24
// events pending at once (cancelled ones count until their time is
// reached), 2^40 scheduled over a queue's life, times >= 0. An EventId is
// only ever confused with a later event in its slot after 2^31 reuses of
// that slot.
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
  EventQueue();
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
  // 24 bytes. `generation` is odd while the event is pending: scheduling
  // and cancelling/firing each bump it, so one word is both the liveness
  // flag and the EventId check.
  struct Payload {
    EventHandler* handler = nullptr;
    std::uint64_t arg = 0;
    std::uint32_t kind = 0;
    std::uint32_t generation = 0;
  };
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  // 10 bits: windows of 1 us / 1 ms / 1 s, the scales of loopback delays,
  // timers and RTOs; measured best of 6..12 on the hold benchmark.
  static constexpr int kDigitBits = 10;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr std::uint64_t kDigitMask = kDigits - 1;
  static constexpr int kLevels = (64 + kDigitBits - 1) / kDigitBits;
  static constexpr int kWords = kDigits / 64;  // bitmap words per level
  // Run keys whose payload is fetched ahead of their pop.
  static constexpr std::size_t kPrefetchAhead = 8;

  std::uint32_t slot_of(const Entry& e) const { return static_cast<std::uint32_t>(e.seq_slot & kSlotMask); }
  bool live(const Entry& e) const { return slab_[slot_of(e)].generation & 1; }
  std::vector<Entry>& front_bucket() { return buckets_[base_ & kDigitMask]; }
  int level_of(std::uint64_t when) const;
  // Files a key under its bucket at `level`.
  void push(const Entry& e, int level);
  int lowest_digit(int level) const;
  void mark(int level, std::uint64_t digit);
  void unmark(int level, std::uint64_t digit);
  // Makes the earliest live key the front (run_ head if from_run_, else the
  // front bucket's head) and base_ its time; false if none are left. The
  // common case, a live run head and no level-0 buckets, is inline.
  bool ready() {
    if (!(levels_ & 1) && run_head_ < run_.size() && live(run_[run_head_])) {
      base_ = run_[run_head_].when;
      from_run_ = true;
      return true;
    }
    return refill();
  }
  bool refill();
  // Level 0 and the run are empty: moves base_ to the next non-empty
  // bucket above and empties it downwards; false if there is none.
  bool descend();
  // Sorts run_ by time, keeping insertion order within a time.
  void sort_run();

  // The run: keys of the current window that arrived by descend(),
  // sorted by (time, seq), consumed from run_head_. Keys scheduled into the
  // window afterwards are newer than all of them and go to the level-0
  // bucket of their time, so at equal times the run goes first.
  std::vector<Entry> run_;
  std::size_t run_head_ = 0;
  std::vector<Entry> scratch_;  // sort_run()'s buffer
  bool from_run_ = false;
  // kLevels * kDigits buckets, level-major. The front bucket (level 0,
  // digit of base_) is consumed from head_ onwards, a cheap FIFO.
  std::vector<std::vector<Entry>> buckets_;
  std::array<std::array<std::uint64_t, kWords>, kLevels> occupied_{};
  std::uint32_t levels_ = 0;  // bit L: some bucket of level L is non-empty
  std::size_t head_ = 0;
  std::uint64_t base_ = 0;
  std::vector<Payload> slab_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace synsim
