// A FIFO in one ring of power-of-two capacity that doubles when full: the
// model's queues of small values (the accept queue, an event loop's ready
// work, connections waiting to be recycled), pushed and popped several
// times a connection.
//
// Why not std::deque: its size() walks from the first node to the last
// (the model checks the accept queue's length after every event), and each
// push and pop tests for a node boundary; here both are an index and a mask.
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace synsim {

template <class T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  const T& front() const {
    assert(size_ > 0);
    return ring_[head_];
  }
  // The i-th value from the front.
  const T& operator[](std::size_t i) const {
    assert(i < size_);
    return ring_[(head_ + i) & (ring_.size() - 1)];
  }

  void push_back(const T& v) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & (ring_.size() - 1)] = v;
    ++size_;
  }
  void push_front(const T& v) {
    if (size_ == ring_.size()) grow();
    head_ = (head_ - 1) & (ring_.size() - 1);
    ring_[head_] = v;
    ++size_;
  }
  void pop_front() {
    assert(size_ > 0);
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
  }

 private:
  // Twice the room (at least 16), the values unrolled to start at 0.
  void grow() {
    std::vector<T> bigger(ring_.empty() ? 16 : 2 * ring_.size());
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(ring_[(head_ + i) & (ring_.size() - 1)]);
    ring_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> ring_;  // size: 0 or a power of two
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace synsim
