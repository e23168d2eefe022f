// The event queue: pending events ordered by (time, insertion sequence).
//
// Ties at the same virtual time run in the order they were scheduled, never
// in pointer or hash order, so a run is a pure function of its inputs
// (style.md rule 4, the ns-3 scheduler's key). Timers are re-armed and
// cancelled constantly (every RTO re-arm cancels the previous one), so
// cancellation is O(1): the event's slot is marked dead and its entry is
// dropped when it reaches the front.
//
// Structure: a timing wheel in three tiers, built on simulated time never
// going backwards. `base_` is the time of the event at the front. Time is
// cut into windows of 1024 ns and superwindows of 1024 windows (~1 ms).
//  - The current window (base_'s): the run, the entries that were already
//    pending when the window became current, sorted by time (a stable
//    counting sort on the low 10 bits) and consumed in order; entries
//    scheduled into the window afterwards go to a FIFO per nanosecond.
//  - The near wheel: 2048 buckets, one per window, for the later windows
//    of base_'s superwindow and of the next one (1 to 2 ms ahead). It
//    rotates: bucket = window mod 2048. Loopback delays, per-request costs
//    and the hold benchmark's increments (< 1 ms) land here directly, so an
//    entry is written once at scheduling and read once when its window
//    comes up (the aligned radix design this replaced moved about half of
//    them twice: every one that crossed a 2^20 ns boundary).
//  - The far tier: a radix heap of 1024-way digits over superwindows, for
//    timers and RTOs. When base_ enters a new superwindow, the superwindow
//    after it is pulled from the far tier into the near wheel, before
//    anything can be scheduled into that range directly.
// Bitmaps of the non-empty buckets make finding the next one a couple of
// bit scans.
// The wheel pays off when windows hold many entries. When the near range
// (base_'s superwindow and the next) holds few, as under a connection load,
// it is kept instead in a small array sorted on (time, seq), the far tier
// unchanged (sparse mode, below: the report's load runs in it throughout).
//
// Ties: both modes give (time, seq) order, so which one ran when changes no
// run. In the wheel, every bucket stays in scheduling order. A new entry is
// the newest so far and is appended. Entries move (far -> far, far -> near) only into
// buckets that are empty at that moment, in order: a far bucket is emptied
// when it is the lowest non-empty one, into lower levels, and a superwindow
// is pulled into the near wheel before any direct scheduling could reach
// its windows. The run is sorted stably. The entries of one time are thus
// the run's (older) followed by those of its per-nanosecond FIFO (newer),
// each in scheduling order, and the run goes first at equal times.
//
// Memory, which is what the time goes to at 10^5 pending and more: entries
// are 32 bytes {time, seq << 24 | slot, handler, arg} and carry their
// payload, so pops read the run sequentially, a few KB that were just
// sorted, instead of a random line of a payload slab (the cost that
// dominated pop). Near buckets are chains of 512-byte chunks from a pool
// with a LIFO free list, so the next schedules write into the chunks the
// last run was read from, still cached; and the bucket after the run is
// prefetched a line per pop, so sorting it finds it cached. What must stay
// put for O(1) cancel lives in `slots_`, 8 bytes per slot {generation,
// kind}, recycled through a LIFO free list too. Steady-state scheduling
// allocates nothing. Limits (checked): 2^24 events
// pending at once (cancelled ones count until their time is reached), 2^40
// scheduled over a queue's life, times >= 0. An EventId is only ever
// confused with a later event in its slot after 2^31 reuses of that slot.
//
// Contract: never schedule an event earlier than the last time next_time()
// or pop() returned (a discrete-event simulation cannot schedule into its
// past); doing so throws std::logic_error.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "sim/core/time.h"

namespace synsim {

// What the queue keeps of an event besides its time and handler: the
// handler's kind and argument as plain numbers, so that one queue serves
// every handler with 32-byte entries (kind in the slot, arg in the entry)
// and no allocation. The run loop hashes these numbers into the trace, so
// renumbering a handler's kinds changes every trace hash.
struct EventPayload {
  std::uint32_t kind = 0;
  std::uint64_t arg = 0;
};

// A handler's own event: one of its kinds (an enum class, the kernel's set
// of timers for tcp::Stack) and an argument of its own type (a connection,
// an in-flight slot, a CPU). The conversions to and from EventPayload are
// here and nowhere else, so no handler casts a number back to its enum.
template <class Kind, class Arg>
struct TaggedEvent {
  static_assert(std::is_enum_v<Kind> && sizeof(Kind) <= sizeof(std::uint32_t));
  static_assert(std::is_unsigned_v<Arg> && sizeof(Arg) <= sizeof(std::uint64_t));
  Kind kind;
  Arg arg{};

  EventPayload encode() const {
    return EventPayload{static_cast<std::uint32_t>(kind), static_cast<std::uint64_t>(arg)};
  }
  // Only ever applied to a payload encode() made for the same handler
  // (EventQueue::schedule pairs the handler with its own event type).
  static TaggedEvent decode(EventPayload p) { return TaggedEvent{static_cast<Kind>(p.kind), static_cast<Arg>(p.arg)}; }
};

// Receives events, type-erased: what the run loop holds. Handlers derive
// from EventHandlerFor, never from this directly.
class EventHandler {
 public:
  virtual void dispatch(EventPayload payload) = 0;

 protected:
  ~EventHandler() = default;
};

// The base of a handler `Self` with a public `Event` (a TaggedEvent) and a
// public `void on_event(Event)`. The run loop's one virtual call lands here
// and calls Self::on_event directly, not virtually: typing the events adds
// no second dispatch.
template <class Self>
class EventHandlerFor : public EventHandler {
 public:
  void dispatch(EventPayload payload) final {
    static_cast<Self&>(*this).on_event(Self::Event::decode(payload));
  }

 protected:
  ~EventHandlerFor() = default;
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

  // Schedules `event` for `handler`, which alone can receive its type of
  // event (an EventHandlerFor<H>).
  template <class H>
  EventId schedule(Time when, H* handler, typename H::Event event) {
    static_assert(std::is_base_of_v<EventHandlerFor<H>, H>);
    return schedule_payload(when, handler, event.encode());
  }
  // True if the event was pending and is now cancelled.
  bool cancel(EventId id);
  bool pending(EventId id) const {
    return id.valid() && id.slot < slots_.size() && (id.generation & 1) && slots_[id.slot].generation == id.generation;
  }

  // Whether the near range is in the small sorted array (sparse mode, the
  // default) or in the wheel; for tests, which must see both.
  bool sparse() const { return sparse_; }

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  // Time of the earliest live event; kTimeMax when empty.
  Time next_time();

  struct Fired {
    Time when;
    std::uint64_t seq;
    EventHandler* handler;
    EventPayload payload;  // handler->dispatch(payload) runs it
  };
  // Removes the earliest live event. Precondition: !empty().
  Fired pop();

 private:
  EventId schedule_payload(Time when, EventHandler* handler, EventPayload payload);
  struct Entry {
    std::uint64_t when;
    std::uint64_t seq_slot;  // seq << kSlotBits | slot
    EventHandler* handler;
    std::uint64_t arg;
  };
  // Entries per pool chunk: 512 bytes, little slack in the ~1000 partly
  // filled tail chunks of a busy wheel.
  static constexpr std::uint32_t kChunk = 16;
  struct alignas(64) Chunk {
    Entry entries[kChunk];
  };
  // A near bucket: `size` entries in a list of chunks, first to last.
  struct Chain {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    std::uint32_t size = 0;
  };
  // `generation` is odd while the event is pending: scheduling and
  // cancelling/firing each bump it, so one word is both the liveness flag
  // and the EventId check. `kind` sits here rather than in the entry to
  // keep entries at 32 bytes; pop reads this line anyway (liveness).
  struct Slot {
    std::uint32_t generation = 0;
    std::uint32_t kind = 0;
  };
  // Non-empty buckets, with a summary word so the lowest is two bit scans.
  template <int kWordCount>
  struct Bitmap {
    static_assert(kWordCount <= 64);
    std::array<std::uint64_t, kWordCount> words{};
    std::uint64_t summary = 0;  // bit w: words[w] != 0
    void set(std::uint64_t i) {
      words[i / 64] |= std::uint64_t{1} << (i % 64);
      summary |= std::uint64_t{1} << (i / 64);
    }
    void clear(std::uint64_t i) {
      std::uint64_t& w = words[i / 64];
      w &= ~(std::uint64_t{1} << (i % 64));
      if (w == 0) summary &= ~(std::uint64_t{1} << (i / 64));
    }
    bool any() const { return summary != 0; }
    int lowest() const {
      const int w = std::countr_zero(summary);
      return w * 64 + std::countr_zero(words[w]);
    }
    // The first set bit at or after i, wrapping around; -1 if none.
    int next_circular(std::uint64_t i) const;
  };

  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  // A window is 2^10 ns: ~200 events at the hold benchmark's 100 000
  // pending, a run one counting-sort pass handles well (the radix design
  // this replaced measured 6..12-bit digits; 10 was best).
  static constexpr int kWindowBits = 10;
  static constexpr std::uint64_t kWindowMask = (std::uint64_t{1} << kWindowBits) - 1;
  // A superwindow is 2^10 windows (~1 ms); the near wheel holds two of
  // them, so any delay under ~1 ms goes to the wheel directly.
  static constexpr int kSuperBits = 10;
  static constexpr int kSuperShift = kWindowBits + kSuperBits;
  static constexpr int kNear = 2 << kSuperBits;
  static constexpr std::uint64_t kNearMask = kNear - 1;
  // The far tier's radix digits, over superwindow numbers (< 2^44).
  static constexpr int kDigitBits = 10;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr std::uint64_t kDigitMask = kDigits - 1;
  static constexpr int kFarLevels = (64 - kSuperShift + kDigitBits - 1) / kDigitBits;
  static constexpr std::uint32_t kChunkLines = kChunk * sizeof(Entry) / 64;  // cache lines
  // Run entries whose slot is fetched ahead of their pop.
  static constexpr std::size_t kPrefetchAhead = 8;

  static std::uint32_t slot_of(const Entry& e) { return static_cast<std::uint32_t>(e.seq_slot & kSlotMask); }
  bool live(const Entry& e) const { return slots_[slot_of(e)].generation & 1; }
  // Moving a far entry on: a cancelled one is dropped here rather than
  // carried down the levels to the front (most far timers are re-armed
  // RTOs and cancelled), and its slot freed.
  bool keep_if_live(const Entry& e) {
    if (live(e)) return true;
    free_.push_back(slot_of(e));
    return false;
  }
  std::vector<Entry>& front_bucket() { return now_[base_ & kWindowMask]; }
  // A place at the end of the near bucket of time `when`.
  Entry& near_place(std::uint64_t when) {
    const std::uint64_t i = (when >> kWindowBits) & kNearMask;
    Chain& b = near_[i];
    if (b.size % kChunk == 0) {
      const std::uint32_t c = new_chunk();
      (b.size == 0 ? b.first : next_chunk_[b.last]) = c;
      b.last = c;
    }
    near_occupied_.set(i);
    ++near_count_;
    return chunks_[b.last].entries[b.size++ % kChunk];
  }
  std::uint32_t new_chunk() {
    if (free_chunks_.empty()) {
      chunks_.emplace_back();
      next_chunk_.push_back(0);
      return static_cast<std::uint32_t>(chunks_.size() - 1);
    }
    const std::uint32_t c = free_chunks_.back();
    free_chunks_.pop_back();
    return c;
  }
  void far_push(const Entry& e);
  // The range start of the lowest non-empty far bucket; its level and digit.
  std::uint64_t far_lowest(int& level, std::uint64_t& digit) const;
  // Empties the lowest non-empty far bucket, at `level` > 0, into the
  // levels below, far_base_ moving to `start`.
  void far_split(int level, std::uint64_t digit, std::uint64_t start);
  // Moves every far entry of superwindow <= `last` into the near wheel.
  void drain(std::uint64_t last);
  // Makes the earliest live key the front (soon_'s back in sparse mode; in
  // the wheel the run_ head if from_run_, else the front bucket's head) and
  // base_ its time; false if none are left. The common cases, a live front
  // in base_'s superwindow (sparse) and a live run head with no
  // per-nanosecond FIFOs (wheel), are inline.
  bool ready() {
    if (sparse_) {
      // The common case: a live front in base_'s superwindow.
      if (!soon_.empty() && live(soon_.back()) && (soon_.back().when >> kSuperShift) == (base_ >> kSuperShift)) {
        base_ = soon_.back().when;
        return true;
      }
      return ready_sparse();
    }
    if (!now_occupied_.any() && run_head_ < run_end_ && live(run_[run_head_])) {
      base_ = run_[run_head_].when;
      from_run_ = true;
      return true;
    }
    return refill();
  }
  bool refill();
  // Sparse mode (below): ready() for soon_.
  bool ready_sparse();
  // The earliest far superwindow and the one after it pulled into the near
  // range, base_ at its start; false if the far tier is empty.
  bool jump_far();
  // A far entry pulled into the near range: into soon_ or the wheel.
  void place_near(const Entry& e) {
    if (sparse_) {
      soon_insert(e);
    } else {
      near_place(e.when) = e;
    }
  }
  static bool later(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.seq_slot > b.seq_slot;  // seq is seq_slot's high bits
  }
  // Insertion from the back: a new event is usually among the earliest
  // (microseconds ahead, behind timers milliseconds ahead).
  void soon_insert(const Entry& e) {
    soon_.push_back(e);
    std::size_t j = soon_.size() - 1;
    for (; j > 0 && later(e, soon_[j - 1]); --j) soon_[j] = soon_[j - 1];
    soon_[j] = e;
  }
  // Switches between the modes; see sparse_.
  void to_wheel();
  void to_soon();
  // The current window is used up: makes the next non-empty window the
  // current one (its bucket the run). The near wheel holds more than
  // kSoonBack entries.
  void advance();
  // Makes the chain's entries the run, sorted by time, keeping scheduling
  // order within a time, and returns its chunks to the pool.
  void take_run(Chain& chain);

  // The run: the current window's entries that were pending when it became
  // current, sorted, consumed from run_head_. Entries scheduled into the
  // window afterwards are newer than all of them and go to the FIFO of
  // their nanosecond, so at equal times the run goes first.
  std::vector<Entry> run_;
  std::size_t run_head_ = 0;
  std::size_t run_end_ = 0;  // run_ only grows: no zero-filling per run
  bool from_run_ = false;
  // One FIFO per nanosecond of the current window. The front one (base_'s)
  // is consumed from head_ onwards.
  std::vector<std::vector<Entry>> now_;
  Bitmap<(kWindowMask + 1) / 64> now_occupied_;
  std::size_t head_ = 0;
  // The near wheel: bucket = window mod kNear. Its buckets are chains of
  // chunks from a pool with a LIFO free list: the chunks a run was read
  // from are the next ones filled, while still cached, so scheduling
  // rarely waits for a line to be fetched before writing it (with one
  // array per bucket, 6 MB of them, a fresh tail line was a cache miss,
  // most of schedule()'s time).
  std::vector<Chain> near_;
  Bitmap<kNear / 64> near_occupied_;
  // The far tier: kFarLevels * kDigits buckets, level-major; an entry of
  // superwindow s is at the level of the highest digit in which s differs
  // from far_base_ (<= every far entry's superwindow).
  std::vector<std::vector<Entry>> far_;
  std::array<Bitmap<kDigits / 64>, kFarLevels> far_occupied_{};
  std::uint32_t far_levels_ = 0;  // bit L: some bucket of level L is non-empty
  // Emptied buckets of levels >= 1, their capacity kept for the next ones
  // (a handful are non-empty at a time).
  static constexpr std::size_t kFarSpares = 4;
  std::vector<std::vector<Entry>> far_spare_;
  std::uint64_t far_base_ = 0;
  std::uint64_t base_ = 0;
  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> next_chunk_;  // by chunk: the next in its chain
  std::vector<std::uint32_t> free_chunks_;
  // The bucket after the run is read ahead, a cache line per pop, so that
  // sorting it finds it cached (it was written up to 2 ms ago, and a
  // chain of chunks defeats the hardware's stream detection).
  std::uint32_t ahead_chunk_ = 0;
  std::uint32_t ahead_line_ = 0;   // within ahead_chunk_
  std::uint32_t ahead_lines_ = 0;  // left to fetch
  // Sparse mode. Under a connection load the near range holds a handful of
  // entries (5 on average in the report's load, where 625 events are pending
  // on average, most of them far timers, and 1.05 M of 1.36 M schedules are
  // less than 4 us ahead), about one a window, so the wheel's per-window
  // work (advance, take_run, refill: ~180 instructions) is paid by every
  // event instead of being shared by hundreds as in the hold benchmark.
  // While the near range holds few entries they are kept in `soon_`
  // instead, an array sorted on (time, seq), the latest first: the front is
  // popped off its back, and a new entry, usually among the earliest, is
  // inserted a few steps from it. Measured on the report load's first
  // 60,000 connections (scripts/bench-instructions): 1.54 G instructions
  // with the wheel alone, 1.59 G with a binary heap (std::push_heap) here,
  // 1.38 G with this array and its front checked inline in ready(), 3% more
  // with the array the other way round (insertion from the latest end).
  // Same order as the wheel, so a run is the same whichever mode each part
  // of it ran in. The array goes to the wheel when it grows past kSoonMax,
  // and the wheel back to the array when a window change finds at most
  // kSoonBack entries in it (the gap between the two keeps a population near
  // a threshold from switching back and forth). The far tier serves both
  // modes.
  static constexpr std::size_t kSoonMax = 128;
  static constexpr std::size_t kSoonBack = 32;
  bool sparse_ = true;
  std::vector<Entry> soon_;
  std::size_t near_count_ = 0;  // entries in near buckets (wheel mode)
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
};

}  // namespace synsim
