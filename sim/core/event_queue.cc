#include "sim/core/event_queue.h"

#include <bit>
#include <cassert>
#include <stdexcept>

namespace synsim {

EventQueue::EventQueue() : buckets_(kLevels * kDigits) {}

void EventQueue::mark(int level, std::uint64_t digit) {
  occupied_[level][digit / 64] |= std::uint64_t{1} << (digit % 64);
  levels_ |= 1u << level;
}

void EventQueue::unmark(int level, std::uint64_t digit) {
  std::array<std::uint64_t, kWords>& words = occupied_[level];
  words[digit / 64] &= ~(std::uint64_t{1} << (digit % 64));
  std::uint64_t any = 0;
  for (const std::uint64_t w : words) any |= w;
  if (any == 0) levels_ &= ~(1u << level);
}

int EventQueue::level_of(std::uint64_t when) const {
  // The highest digit in which `when` differs from base_; a time equal to
  // base_ is level 0 (diff | 1 keeps bit_width away from 0 without a branch).
  return (std::bit_width((when ^ base_) | 1) - 1) / kDigitBits;
}

void EventQueue::push(const Entry& e, int level) {
  const std::uint64_t digit = (e.when >> (level * kDigitBits)) & kDigitMask;
  buckets_[level * kDigits + digit].push_back(e);
  mark(level, digit);
}

EventId EventQueue::schedule(Time when, EventHandler* handler, std::uint32_t kind, std::uint64_t arg) {
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
    slot = static_cast<std::uint32_t>(slab_.size());
    if (slot > kSlotMask) throw std::length_error("event queue: more than 2^24 events pending");
    slab_.emplace_back();
  }
  Payload& p = slab_[slot];
  p.handler = handler;
  p.arg = arg;
  p.kind = kind;
  ++p.generation;  // odd: pending
  const auto u = static_cast<std::uint64_t>(t);
  push(Entry{u, (next_seq_++ << kSlotBits) | slot}, level_of(u));
  ++live_;
  return EventId{slot, p.generation};
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slab_.size() && (id.generation & 1) && slab_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The key stays in its bucket until base_ reaches it; the slot is freed
  // then (refill), so no later event can reuse it while the key exists.
  ++slab_[id.slot].generation;  // even: dead
  --live_;
  return true;
}

int EventQueue::lowest_digit(int level) const {
  const std::array<std::uint64_t, kWords>& words = occupied_[level];
  int w = 0;
  while (words[w] == 0) ++w;
  return w * 64 + std::countr_zero(words[w]);
}

bool EventQueue::descend() {
  run_.clear();
  run_head_ = 0;
  if (levels_ == 0) return false;
  const int level = std::countr_zero(levels_);
  assert(level > 0);
  const auto digit = static_cast<std::uint64_t>(lowest_digit(level));
  // Keep base_'s digits above `level`, take `digit` at it, zero below: the
  // start of the bucket's range, which no key is earlier than.
  const int shift = level * kDigitBits;
  const int top = shift + kDigitBits;
  const std::uint64_t keep = top >= 64 ? 0 : ~std::uint64_t{0} << top;
  base_ = (base_ & keep) | (digit << shift);
  // Every key of the bucket now differs from base_ below `level` only:
  // spread them over the lower levels, whose buckets are all empty, in
  // order (which keeps each of those in insertion order). Those of the
  // new current window form the run.
  std::vector<Entry>& from = buckets_[level * kDigits + digit];
  if (level == 1) {
    // All of it is the run: take the bucket's array instead of copying
    // (the run's old array, empty, becomes the bucket's).
    run_.swap(from);
    unmark(level, digit);
    sort_run();
    return true;
  }
  for (const Entry& e : from) {
    const int to = level_of(e.when);
    if (to == 0) {
      run_.push_back(e);
    } else {
      push(e, to);
    }
  }
  from.clear();  // keeps the capacity
  unmark(level, digit);
  sort_run();
  return true;
}

void EventQueue::sort_run() {
  // Stable in both branches: a time's keys keep their insertion order.
  // All keys share base_'s window, so the low digit is the whole key.
  // Runs are short (about 1024 ns of events): insertion sort when tiny,
  // else one counting-sort pass through scratch_.
  const std::size_t n = run_.size();
  if (n <= 32) {
    for (std::size_t i = 1; i < n; ++i) {
      const Entry e = run_[i];
      std::size_t j = i;
      for (; j > 0 && run_[j - 1].when > e.when; --j) run_[j] = run_[j - 1];
      run_[j] = e;
    }
    return;
  }
  std::array<std::uint32_t, kDigits> at{};
  for (const Entry& e : run_) ++at[e.when & kDigitMask];
  std::uint32_t sum = 0;
  for (std::uint32_t& a : at) {
    const std::uint32_t c = a;
    a = sum;
    sum += c;
  }
  scratch_.resize(n);
  for (const Entry& e : run_) scratch_[at[e.when & kDigitMask]++] = e;
  run_.swap(scratch_);
}

bool EventQueue::refill() {
  for (;;) {
    // A finished front bucket is forgotten.
    std::vector<Entry>& b = front_bucket();
    if (head_ != 0 && head_ == b.size()) {
      b.clear();
      unmark(0, base_ & kDigitMask);
      head_ = 0;
    }
    // The two candidates: the run's head and the earliest level-0 bucket
    // (the front bucket itself if it still has keys).
    const std::uint64_t in_run = run_head_ < run_.size() ? run_[run_head_].when : UINT64_MAX;
    const std::uint64_t in_bucket =
        (levels_ & 1) ? (base_ & ~kDigitMask) | static_cast<std::uint64_t>(lowest_digit(0)) : UINT64_MAX;
    if (in_run == UINT64_MAX && in_bucket == UINT64_MAX) {
      if (!descend()) return false;
      continue;
    }
    // At equal times the run goes first: its keys are the older ones.
    // base_ only changes digit here when the front bucket is empty, so
    // head_ (0) is right for the new front bucket.
    from_run_ = in_run <= in_bucket;
    base_ = from_run_ ? in_run : in_bucket;
    std::size_t& head = from_run_ ? run_head_ : head_;
    const Entry& e = from_run_ ? run_[head] : front_bucket()[head];
    if (live(e)) return true;
    free_.push_back(slot_of(e));  // a cancelled key reached: free its slot
    ++head;
  }
}

Time EventQueue::next_time() {
  if (live_ == 0 || !ready()) return kTimeMax;
  return at_ns(static_cast<std::int64_t>(base_));
}

EventQueue::Fired EventQueue::pop() {
  const bool ok = live_ > 0 && ready();
  assert(ok);
  (void)ok;
  const Entry top = from_run_ ? run_[run_head_++] : front_bucket()[head_++];
  // The run's keys come in order but their slots are anywhere in the slab:
  // fetch a payload a few pops ahead so it is cached when its turn comes.
  if (run_head_ + kPrefetchAhead < run_.size()) {
    __builtin_prefetch(&slab_[slot_of(run_[run_head_ + kPrefetchAhead])]);
  }
  const std::uint32_t slot = slot_of(top);
  Payload& p = slab_[slot];
  Fired f{at_ns(static_cast<std::int64_t>(top.when)), top.seq_slot >> kSlotBits, p.handler, p.kind, p.arg};
  ++p.generation;  // even: fired; invalidates every EventId naming this slot
  free_.push_back(slot);
  --live_;
  return f;
}

}  // namespace synsim
