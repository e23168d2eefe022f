#include "sim/core/event_queue.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace synsim {

template <int kWordCount>
int EventQueue::Bitmap<kWordCount>::next_circular(std::uint64_t i) const {
  const std::uint64_t w = i / 64;
  const std::uint64_t here = words[w] & (~std::uint64_t{0} << (i % 64));
  if (here != 0) return static_cast<int>(w * 64) + std::countr_zero(here);
  const std::uint64_t later = w + 1 < 64 ? summary & (~std::uint64_t{0} << (w + 1)) : 0;
  if (later != 0) {
    const int v = std::countr_zero(later);
    return v * 64 + std::countr_zero(words[v]);
  }
  // Nothing from i to the end: the lowest one overall comes next.
  return any() ? lowest() : -1;
}

// The wheel's and the far tier's tables (~170 KB) are made when first
// needed: a small run (the 2003 stall scenario: 136 events, all in sparse
// mode, a few far timers) would otherwise spend more on their page faults
// than on its events.
EventQueue::EventQueue() = default;

void EventQueue::far_push(const Entry& e) {
  const std::uint64_t s = e.when >> kSuperShift;
  // The highest digit in which s differs from far_base_ (| 1 keeps
  // bit_width away from 0 without a branch).
  const int level = (std::bit_width((s ^ far_base_) | 1) - 1) / kDigitBits;
  const std::uint64_t digit = (s >> (level * kDigitBits)) & kDigitMask;
  if (far_.empty()) [[unlikely]] far_.resize(kFarLevels * kDigits);
  std::vector<Entry>& bucket = far_[level * kDigits + digit];
  if (bucket.capacity() == 0 && level > 0 && !far_spare_.empty()) {
    bucket = std::move(far_spare_.back());
    far_spare_.pop_back();
  }
  bucket.push_back(e);
  far_occupied_[level].set(digit);
  far_levels_ |= 1u << level;
}

std::uint64_t EventQueue::far_lowest(int& level, std::uint64_t& digit) const {
  level = std::countr_zero(far_levels_);
  digit = static_cast<std::uint64_t>(far_occupied_[level].lowest());
  // Keep far_base_'s digits above `level`, take `digit` at it, zero below:
  // the start of the bucket's range, which no entry of it is earlier than.
  const int shift = level * kDigitBits;
  const int top = shift + kDigitBits;
  const std::uint64_t keep = top >= 64 ? 0 : ~std::uint64_t{0} << top;
  return (far_base_ & keep) | (digit << shift);
}

void EventQueue::far_split(int level, std::uint64_t digit, std::uint64_t start) {
  // Every entry of the bucket now differs from far_base_ below `level`
  // only; the levels below are all empty, so order is kept.
  // The bucket's memory goes with it, to the spares the next bucket to
  // fill takes: a level-1 bucket holds a second of timers (megabytes at
  // 30,000 connections/s) and comes round again only after 1024 of them,
  // so keeping its capacity, as level 0 does, held hundreds of MB over a
  // minute-long run; freeing it instead cost a fresh, zeroed mapping and
  // a doubling series of copies for every bucket.
  far_base_ = start;
  std::vector<Entry> from = std::move(far_[level * kDigits + digit]);
  far_[level * kDigits + digit] = {};
  for (const Entry& e : from) {
    if (keep_if_live(e)) far_push(e);
  }
  from.clear();
  if (far_spare_.size() < kFarSpares) far_spare_.push_back(std::move(from));
  far_occupied_[level].clear(digit);
  if (!far_occupied_[level].any()) far_levels_ &= ~(1u << level);
}

void EventQueue::drain(std::uint64_t last) {
  while (far_levels_ != 0) {
    int level;
    std::uint64_t digit;
    const std::uint64_t start = far_lowest(level, digit);
    if (start > last) return;
    if (level > 0) {
      far_split(level, digit, start);
      continue;
    }
    // One superwindow, into near buckets nothing was scheduled into yet.
    far_base_ = start;
    std::vector<Entry>& from = far_[digit];
    for (const Entry& e : from) {
      if (keep_if_live(e)) place_near(e);
    }
    from.clear();
    far_occupied_[0].clear(digit);
    if (!far_occupied_[0].any()) far_levels_ &= ~1u;
  }
}

EventId EventQueue::schedule_payload(Time when, EventHandler* handler, EventPayload payload) {
  const std::int64_t t = to_ns(when);
  if (t < 0 || static_cast<std::uint64_t>(t) < base_) {
    throw std::logic_error("event queue: event scheduled before the current time");
  }
  if (next_seq_ >> (64 - kSlotBits)) throw std::length_error("event queue: 2^40 events scheduled");
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    if (slot > kSlotMask) throw std::length_error("event queue: more than 2^24 events pending");
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.kind = payload.kind;
  ++s.generation;  // odd: pending
  const auto u = static_cast<std::uint64_t>(t);
  const std::uint64_t seq_slot = (next_seq_++ << kSlotBits) | slot;
  if (sparse_) {
    if ((u >> kSuperShift) <= (base_ >> kSuperShift) + 1) {
      soon_insert(Entry{u, seq_slot, handler, payload.arg});
      if (soon_.size() > kSoonMax) to_wheel();
    } else {
      far_push(Entry{u, seq_slot, handler, payload.arg});
    }
  } else if ((u >> kSuperShift) <= (base_ >> kSuperShift) + 1 && (u >> kWindowBits) != (base_ >> kWindowBits)) {
    // The common case, written in place (a temporary Entry copied in was
    // measured slower).
    Entry& e = near_place(u);
    e.when = u;
    e.seq_slot = seq_slot;
    e.handler = handler;
    e.arg = payload.arg;
  } else if ((u >> kWindowBits) == (base_ >> kWindowBits)) {
    const std::uint64_t ns = u & kWindowMask;
    now_[ns].push_back(Entry{u, seq_slot, handler, payload.arg});
    now_occupied_.set(ns);
  } else {
    far_push(Entry{u, seq_slot, handler, payload.arg});
  }
  ++live_;
  return EventId{slot, s.generation};
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The entry stays in its bucket until base_ reaches it; the slot is freed
  // then (refill), so no later event can reuse it while the entry exists.
  ++slots_[id.slot].generation;  // even: dead
  --live_;
  return true;
}

void EventQueue::advance() {
  run_end_ = 0;
  run_head_ = 0;
  // The near wheel holds windows after base_'s up to the end of the next
  // superwindow, fewer than kNear, so the circular scan from the window
  // after base_'s meets them in time order. It is not empty: refill() goes
  // back to soon_, which jumps to the far tier itself, when it holds
  // kSoonBack entries or fewer.
  const std::uint64_t from = (base_ >> kWindowBits) + 1;
  const int b = near_occupied_.next_circular(from & kNearMask);
  assert(b >= 0 && near_count_ > kSoonBack);
  const std::uint64_t window = from + ((static_cast<std::uint64_t>(b) - from) & kNearMask);
  const bool next_super = (window >> kSuperBits) != (base_ >> kSuperShift);
  base_ = window << kWindowBits;
  // A new superwindow: the one after it comes into the wheel's reach now,
  // before anything is scheduled with the new base_.
  if (next_super) drain((base_ >> kSuperShift) + 1);
  near_occupied_.clear(static_cast<std::uint64_t>(b));
  take_run(near_[b]);
  // (Not worth its bit scan for a sparse wheel, whose buckets stay cached.)
  ahead_lines_ = 0;
  const int after = run_end_ >= 64 ? near_occupied_.next_circular((window + 1) & kNearMask) : -1;
  if (after >= 0) {
    const Chain& next = near_[after];
    ahead_chunk_ = next.first;
    ahead_line_ = 0;
    ahead_lines_ = static_cast<std::uint32_t>((next.size * sizeof(Entry) + 63) / 64);
  }
}

void EventQueue::take_run(Chain& chain) {
  // Stable: a time's entries keep their scheduling order (the chain's).
  // All entries share base_'s window, so the low bits are the whole key.
  const std::size_t n = chain.size;
  near_count_ -= n;
  if (run_.size() < n) run_.resize(n);
  run_end_ = n;
  if (n == 1) {
    // A sparse window (a population just above kSoonBack spread over a
    // millisecond or two).
    run_[0] = chunks_[chain.first].entries[0];
    free_chunks_.push_back(chain.first);
    chain.size = 0;
    return;
  }
  if (n <= 32) {
    // Tiny (a sparse wheel): copy, then insertion sort.
    std::uint32_t c = chain.first;
    for (std::size_t i = 0; i < n; ++i) {
      if (i != 0 && i % kChunk == 0) c = next_chunk_[c];
      const Entry e = chunks_[c].entries[i % kChunk];
      std::size_t j = i;
      for (; j > 0 && run_[j - 1].when > e.when; --j) run_[j] = run_[j - 1];
      run_[j] = e;
    }
  } else {
    // One counting-sort pass from the chunks into run_.
    std::array<std::uint32_t, kWindowMask + 1> at{};
    std::uint32_t c = chain.first;
    for (std::size_t i = 0; i < n; i += kChunk) {
      const std::size_t m = std::min<std::size_t>(kChunk, n - i);
      const Entry* entries = chunks_[c].entries;
      for (std::size_t k = 0; k < m; ++k) ++at[entries[k].when & kWindowMask];
      c = next_chunk_[c];
    }
    std::uint32_t sum = 0;
    for (std::uint32_t& a : at) {
      const std::uint32_t count = a;
      a = sum;
      sum += count;
    }
    c = chain.first;
    for (std::size_t i = 0; i < n; i += kChunk) {
      const std::size_t m = std::min<std::size_t>(kChunk, n - i);
      const Entry* entries = chunks_[c].entries;
      for (std::size_t k = 0; k < m; ++k) run_[at[entries[k].when & kWindowMask]++] = entries[k];
      c = next_chunk_[c];
    }
  }
  // Back to the pool, the last read on top (the most likely cached).
  std::uint32_t c = chain.first;
  for (std::size_t i = 0; i < n; i += kChunk) {
    free_chunks_.push_back(c);
    c = next_chunk_[c];
  }
  chain.size = 0;
}

bool EventQueue::refill() {
  for (;;) {
    // A finished front FIFO is forgotten.
    std::vector<Entry>& b = front_bucket();
    if (head_ != 0 && head_ == b.size()) {
      b.clear();
      now_occupied_.clear(base_ & kWindowMask);
      head_ = 0;
    }
    // The two candidates: the run's head and the earliest FIFO (the front
    // one itself if it still has entries).
    const std::uint64_t in_run = run_head_ < run_end_ ? run_[run_head_].when : UINT64_MAX;
    const std::uint64_t in_fifo =
        now_occupied_.any() ? (base_ & ~kWindowMask) | static_cast<std::uint64_t>(now_occupied_.lowest()) : UINT64_MAX;
    if (in_run == UINT64_MAX && in_fifo == UINT64_MAX) {
      // The window is used up: a good moment to go back to soon_.
      if (near_count_ <= kSoonBack) {
        to_soon();
        return ready_sparse();
      }
      advance();
      continue;
    }
    // At equal times the run goes first: its entries are the older ones.
    // base_ only changes nanosecond here when the front FIFO is empty, so
    // head_ (0) is right for the new front FIFO.
    from_run_ = in_run <= in_fifo;
    base_ = from_run_ ? in_run : in_fifo;
    std::size_t& head = from_run_ ? run_head_ : head_;
    const Entry& e = from_run_ ? run_[head] : front_bucket()[head];
    if (live(e)) return true;
    free_.push_back(slot_of(e));  // a cancelled entry reached: free its slot
    ++head;
  }
}

bool EventQueue::jump_far() {
  while (far_levels_ != 0) {
    int level;
    std::uint64_t digit;
    const std::uint64_t start = far_lowest(level, digit);
    if (level > 0) {
      far_split(level, digit, start);
      continue;
    }
    const std::uint64_t s = (far_base_ & ~kDigitMask) | digit;
    base_ = s << kSuperShift;
    drain(s + 1);
    return true;
  }
  return false;
}

bool EventQueue::ready_sparse() {
  for (;;) {
    if (soon_.empty()) {
      if (!jump_far()) return false;
      // All of it may have been cancelled (then the next one), or be too
      // much for soon_.
      if (soon_.size() > kSoonMax) {
        to_wheel();
        return ready();
      }
      continue;
    }
    const Entry& top = soon_.back();
    if (!live(top)) {
      free_.push_back(slot_of(top));  // a cancelled entry reached: free its slot
      soon_.pop_back();
      continue;
    }
    const bool next_super = (top.when >> kSuperShift) != (base_ >> kSuperShift);
    base_ = top.when;
    if (next_super) {
      // As advance(): the superwindow after the new one comes into the near
      // range before anything is scheduled with the new base_ (its entries
      // are all later than the top).
      drain((base_ >> kSuperShift) + 1);
      if (soon_.size() > kSoonMax) {
        to_wheel();
        return ready();
      }
    }
    return true;
  }
}

// Every entry of soon_ is at or after base_ and within the near range: those
// of base_'s window become the run (sorted on (time, seq)), the
// others go to their near buckets in (time, seq) order, which keeps each
// bucket's equal times in scheduling order as the wheel requires.
void EventQueue::to_wheel() {
  if (near_.empty()) {
    now_.resize(kWindowMask + 1);
    near_.resize(kNear);
  }
  std::sort(soon_.begin(), soon_.end(), [](const Entry& a, const Entry& b) { return later(b, a); });
  sparse_ = false;
  run_head_ = 0;
  run_end_ = 0;
  ahead_lines_ = 0;
  const std::uint64_t window = base_ >> kWindowBits;
  for (const Entry& e : soon_) {
    if (!live(e)) {
      free_.push_back(slot_of(e));
    } else if ((e.when >> kWindowBits) == window) {
      if (run_end_ < run_.size()) {
        run_[run_end_] = e;
      } else {
        run_.push_back(e);
      }
      ++run_end_;
    } else {
      near_place(e.when) = e;
    }
  }
  soon_.clear();
}

// Called with the current window used up (the run consumed, no FIFO
// occupied): only the near buckets hold entries, and soon_ sorts them
// by (time, seq) whatever order they are pushed in.
void EventQueue::to_soon() {
  sparse_ = true;
  run_head_ = 0;
  run_end_ = 0;
  ahead_lines_ = 0;
  while (near_occupied_.any()) {
    const auto b = static_cast<std::uint64_t>(near_occupied_.lowest());
    near_occupied_.clear(b);
    Chain& chain = near_[b];
    std::uint32_t c = chain.first;
    for (std::size_t i = 0; i < chain.size; ++i) {
      if (i != 0 && i % kChunk == 0) c = next_chunk_[c];
      const Entry& e = chunks_[c].entries[i % kChunk];
      if (keep_if_live(e)) soon_insert(e);
    }
    c = chain.first;
    for (std::size_t i = 0; i < chain.size; i += kChunk) {
      free_chunks_.push_back(c);
      c = next_chunk_[c];
    }
    chain.size = 0;
  }
  near_count_ = 0;
}

Time EventQueue::next_time() {
  if (live_ == 0 || !ready()) return kTimeMax;
  return at_ns(static_cast<std::int64_t>(base_));
}

EventQueue::Fired EventQueue::pop() {
  const bool ok = live_ > 0 && ready();
  assert(ok);
  (void)ok;
  Entry top;
  if (sparse_) {
    top = soon_.back();
    soon_.pop_back();
  } else {
    top = from_run_ ? run_[run_head_++] : front_bucket()[head_++];
    // The run's entries come in order but their slots are anywhere: fetch a
    // slot a few pops ahead so its liveness check finds it cached.
    if (run_head_ + kPrefetchAhead < run_end_) {
      __builtin_prefetch(&slots_[slot_of(run_[run_head_ + kPrefetchAhead])]);
    }
    if (ahead_lines_ != 0) {
      __builtin_prefetch(reinterpret_cast<const char*>(&chunks_[ahead_chunk_]) + ahead_line_ * 64);
      if (--ahead_lines_ != 0 && ++ahead_line_ == kChunkLines) {
        ahead_line_ = 0;
        ahead_chunk_ = next_chunk_[ahead_chunk_];
      }
    }
  }
  const std::uint32_t slot = slot_of(top);
  Slot& s = slots_[slot];
  const Fired f{at_ns(static_cast<std::int64_t>(top.when)), top.seq_slot >> kSlotBits, top.handler,
                 EventPayload{s.kind, top.arg}};
  ++s.generation;  // even: fired; invalidates every EventId naming this slot
  free_.push_back(slot);
  --live_;
  return f;
}

}  // namespace synsim
