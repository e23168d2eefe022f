// StableVector: indices in order across chunks, new elements value-initialised,
// and a reference taken before the array grew still names the same element.
#include "sim/core/stable_vector.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace synsim {
namespace {

struct State {
  int n = 7;
  std::vector<int> queue;
};

TEST(StableVector, ElementsKeepTheirIndexAcrossChunks) {
  StableVector<int, 2> v;  // chunks of 4: 10 elements span 3
  EXPECT_TRUE(v.empty());
  for (int i = 0; i < 10; ++i) v.emplace_back() = i * i;
  ASSERT_EQ(v.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(v[static_cast<std::size_t>(i)], i * i);
}

TEST(StableVector, NewElementsAreValueInitialised) {
  StableVector<State, 1> v;
  for (int i = 0; i < 5; ++i) {
    State& s = v.emplace_back();
    EXPECT_EQ(s.n, 7);
    EXPECT_TRUE(s.queue.empty());
  }
  StableVector<long, 3> z;
  EXPECT_EQ(z.emplace_back(), 0);
}

TEST(StableVector, ReferencesSurviveGrowth) {
  StableVector<State, 2> v;
  State& first = v.emplace_back();
  first.queue = {1, 2, 3};
  const State* const address = &first;
  for (int i = 0; i < 1000; ++i) v.emplace_back().n = i;
  EXPECT_EQ(&v[0], address);
  EXPECT_EQ(first.queue, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(v[1000].n, 999);
}

}  // namespace
}  // namespace synsim
