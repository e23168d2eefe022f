#include "sim/core/event_queue.h"

#include <cassert>

namespace synsim {

namespace {
constexpr std::size_t kArity = 4;  // 4-ary: half the depth of a binary heap, same cache lines
}

EventId EventQueue::schedule(Time when, EventHandler* handler, std::uint32_t kind,
                             std::uint64_t arg) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slab_.size());
    slab_.emplace_back();
  }
  Payload& p = slab_[slot];
  p.handler = handler;
  p.arg = arg;
  p.kind = kind;
  p.live = true;
  heap_.push_back(Entry{to_ns(when), next_seq_++, slot});
  sift_up(heap_.size() - 1);
  ++live_;
  return EventId{slot, p.generation};
}

bool EventQueue::pending(EventId id) const {
  return id.valid() && id.slot < slab_.size() && slab_[id.slot].live &&
         slab_[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!pending(id)) return false;
  // The heap entry stays until it reaches the front; the slot is freed then.
  slab_[id.slot].live = false;
  --live_;
  return true;
}

void EventQueue::sift_up(std::size_t i) {
  Entry e = heap_[i];
  while (i > 0) {
    std::size_t parent = (i - 1) / kArity;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::sift_down(std::size_t i) {
  const std::size_t n = heap_.size();
  Entry e = heap_[i];
  for (;;) {
    std::size_t first = i * kArity + 1;
    if (first >= n) break;
    std::size_t best = first;
    std::size_t last = first + kArity < n ? first + kArity : n;
    for (std::size_t c = first + 1; c < last; ++c) {
      if (before(heap_[c], heap_[best])) best = c;
    }
    if (!before(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void EventQueue::pop_heap_top() {
  Payload& p = slab_[heap_.front().slot];
  ++p.generation;  // invalidates every EventId naming this slot
  free_.push_back(heap_.front().slot);
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
}

void EventQueue::drop_dead_front() {
  while (!heap_.empty() && !slab_[heap_.front().slot].live) pop_heap_top();
}

Time EventQueue::next_time() {
  drop_dead_front();
  return heap_.empty() ? kTimeMax : at_ns(heap_.front().when);
}

EventQueue::Fired EventQueue::pop() {
  drop_dead_front();
  assert(!heap_.empty());
  const Entry top = heap_.front();
  Payload& p = slab_[top.slot];
  Fired f{at_ns(top.when), top.seq, p.handler, p.kind, p.arg};
  p.live = false;
  --live_;
  pop_heap_top();
  return f;
}

}  // namespace synsim
