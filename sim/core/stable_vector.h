// A growable array whose elements never move: storage in chunks of
// 2^ChunkBits elements, so that a reference a caller holds stays valid
// while the array grows (a pool of states handed out by index).
//
// Why not std::deque, which promises the same: its operator[] recomputes
// the element's node from the first node's offset on every access, ~20
// instructions; here it is a shift, a mask and two loads. tcp::Stack looks
// a connection's state up ~70 times a connection (scripts/bench-instructions).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace synsim {

template <class T, unsigned ChunkBits = 6>
class StableVector {
 public:
  T& operator[](std::size_t i) { return chunks_[i >> ChunkBits][i & kMask]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> ChunkBits][i & kMask]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Appends a value-initialised element (a whole chunk is value-initialised
  // when the array first reaches into it) and returns it.
  T& emplace_back() {
    if ((size_ >> ChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << ChunkBits;
  static constexpr std::size_t kMask = kChunk - 1;
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace synsim
