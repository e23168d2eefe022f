#include "sim/core/event_queue.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <stdexcept>

namespace synsim {

int EventQueue::bucket_of(std::uint64_t when) const {
  const std::uint64_t diff = when ^ base_;
  return diff == 0 ? 0 : 64 - std::countl_zero(diff);
}

EventId EventQueue::schedule(Time when, EventHandler* handler, std::uint32_t kind, std::uint64_t arg) {
  const std::int64_t t = to_ns(when);
  if (t < 0 || static_cast<std::uint64_t>(t) < base_) {
    throw std::logic_error("event queue: event scheduled before the current time");
  }
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slab_.size());
    if (slot > kSlotMask) throw std::length_error("event queue: more than 2^24 events pending");
    slab_.emplace_back();
  }
  if (next_seq_ >> (64 - kSlotBits)) throw std::length_error("event queue: 2^40 events scheduled");
  Payload& p = slab_[slot];
  p.handler = handler;
  p.arg = arg;
  p.kind = kind;
  p.live = true;
  const auto u = static_cast<std::uint64_t>(t);
  // Later sequence numbers at the base time go behind the earlier ones:
  // appending keeps bucket 0 in insertion order.
  buckets_[bucket_of(u)].push_back(Entry{u, (next_seq_++ << kSlotBits) | slot});
  ++live_;
  return EventId{slot, p.generation};
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slab_.size() && slab_[id.slot].live && slab_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The key stays in its bucket until it is reached; the slot is freed then.
  slab_[id.slot].live = false;
  --live_;
  return true;
}

void EventQueue::release(const Entry& e) {
  const std::uint32_t slot = slot_of(e);
  ++slab_[slot].generation;  // invalidates every EventId naming this slot
  free_.push_back(slot);
}

bool EventQueue::refill() {
  std::vector<Entry>& b0 = buckets_[0];
  while (head0_ < b0.size() && dead(b0[head0_])) release(b0[head0_++]);
  if (head0_ < b0.size()) return true;
  b0.clear();
  head0_ = 0;
  for (int i = 1; i < kBuckets; ++i) {
    std::vector<Entry>& b = buckets_[i];
    if (b.empty()) continue;
    // Drop the dead, find the earliest time among the living.
    std::uint64_t min_when = UINT64_MAX;
    std::size_t kept = 0;
    for (const Entry& e : b) {
      if (dead(e)) {
        release(e);
        continue;
      }
      min_when = std::min(min_when, e.when);
      b[kept++] = e;
    }
    b.resize(kept);
    if (kept == 0) continue;
    // The earliest time becomes the base; every entry of this bucket moves
    // to a strictly lower bucket.
    base_ = min_when;
    std::vector<Entry> moving;
    moving.swap(b);
    for (const Entry& e : moving) buckets_[bucket_of(e.when)].push_back(e);
    // Entries that landed at the base time came from different buckets:
    // restore insertion order.
    std::sort(b0.begin(), b0.end(), [](const Entry& x, const Entry& y) { return x.seq_slot < y.seq_slot; });
    moving.clear();
    b.swap(moving);  // keep the capacity
    return true;
  }
  return false;
}

Time EventQueue::next_time() {
  if (live_ == 0 || !refill()) return kTimeMax;
  return at_ns(static_cast<std::int64_t>(buckets_[0][head0_].when));
}

EventQueue::Fired EventQueue::pop() {
  const bool ok = live_ > 0 && refill();
  assert(ok);
  (void)ok;
  const Entry top = buckets_[0][head0_++];
  Payload& p = slab_[slot_of(top)];
  Fired f{at_ns(static_cast<std::int64_t>(top.when)), top.seq_slot >> kSlotBits, p.handler, p.kind, p.arg};
  p.live = false;
  --live_;
  release(top);
  return f;
}

}  // namespace synsim
