// ZeroedArray: every value zero at the start, small (calloc) and large (a
// mapping of its own) alike, even where the allocator hands back memory
// that was dirty; writes stay; a move hands the storage over.
#include "sim/core/zeroed_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "sim/core/time.h"

namespace synsim {
namespace {

TEST(ZeroedArray, SmallArrayIsZeroOnDirtyHeapMemory) {
  // A block of the same size filled and freed first: malloc would likely
  // hand it back as it was left.
  constexpr std::size_t n = 1000;
  void* dirty = std::malloc(n * sizeof(std::uint32_t));
  ASSERT_NE(dirty, nullptr);
  std::memset(dirty, 0xAB, n * sizeof(std::uint32_t));
  void* volatile freed = dirty;  // through a volatile: the fill is not optimised away
  std::free(freed);
  ZeroedArray<std::uint32_t> a(n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(a[i], 0u) << i;
}

TEST(ZeroedArray, LargeArrayOfTimesStartsAtTimeZero) {
  ZeroedArray<Time> ports(65536);  // 512 KB: its own mapping
  ASSERT_EQ(ports.size(), 65536u);
  EXPECT_EQ(ports[0], kTimeZero);
  EXPECT_EQ(ports[40000], kTimeZero);
  EXPECT_EQ(ports[65535], kTimeZero);
  ports[40000] = kTimeMax;
  EXPECT_EQ(ports[40000], kTimeMax);
  EXPECT_EQ(ports[40001], kTimeZero);
}

TEST(ZeroedArray, MoveHandsTheStorageOver) {
  ZeroedArray<std::uint32_t> a(65536);
  a[7] = 42;
  ZeroedArray<std::uint32_t> b(0);
  b = std::move(a);
  EXPECT_EQ(b.size(), 65536u);
  EXPECT_EQ(b[7], 42u);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  ZeroedArray<std::uint32_t> c(std::move(b));
  EXPECT_EQ(c[7], 42u);
}

}  // namespace
}  // namespace synsim
