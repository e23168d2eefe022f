// RingQueue: first in, first out across wrap-arounds and growth, push_front
// ahead of everything, and a size that follows every push and pop, checked
// against std::deque doing the same.
#include "sim/core/ring_queue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>

namespace synsim {
namespace {

TEST(RingQueue, KeepsFifoOrderAcrossWrapAndGrowth) {
  RingQueue<int> q;
  EXPECT_TRUE(q.empty());
  int next_in = 0;
  int next_out = 0;
  // Push 3, pop 2, many times: the head walks around the ring while it grows.
  for (int round = 0; round < 200; ++round) {
    for (int k = 0; k < 3; ++k) q.push_back(next_in++);
    for (int k = 0; k < 2; ++k) {
      ASSERT_EQ(q.front(), next_out);
      q.pop_front();
      ++next_out;
    }
    ASSERT_EQ(q.size(), static_cast<std::size_t>(next_in - next_out));
  }
  for (std::size_t i = 0; i < q.size(); ++i) EXPECT_EQ(q[i], next_out + static_cast<int>(i));
}

TEST(RingQueue, MatchesADequeUnderMixedPushes) {
  RingQueue<std::uint32_t> q;
  std::deque<std::uint32_t> ref;
  std::uint64_t x = 88172645463325252ull;  // xorshift: a fixed mix of operations
  for (std::uint32_t step = 0; step < 20000; ++step) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    switch (x % 5) {
      case 0:
        q.push_front(step);
        ref.push_front(step);
        break;
      case 1:
      case 2:
        q.push_back(step);
        ref.push_back(step);
        break;
      default:
        if (!ref.empty()) {
          ASSERT_EQ(q.front(), ref.front()) << "step " << step;
          q.pop_front();
          ref.pop_front();
        }
    }
    ASSERT_EQ(q.size(), ref.size());
    ASSERT_EQ(q.empty(), ref.empty());
  }
  for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(q[i], ref[i]);
}

}  // namespace
}  // namespace synsim
