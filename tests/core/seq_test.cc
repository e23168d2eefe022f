// seq::before() / seq::after(): sequence-number order modulo 2^32, as the
// kernel's before() / after() (include/net/tcp.h).
#include "sim/core/seq.h"

#include <gtest/gtest.h>

namespace synsim {
namespace {

TEST(SeqOrder, LaterNumberIsAfter) {
  EXPECT_TRUE(seq::before(1, 2));
  EXPECT_TRUE(seq::after(2, 1));
  EXPECT_FALSE(seq::before(2, 1));
  EXPECT_FALSE(seq::after(1, 2));
}

TEST(SeqOrder, EqualNumbersAreNeitherBeforeNorAfter) {
  EXPECT_FALSE(seq::before(7, 7));
  EXPECT_FALSE(seq::after(7, 7));
}

TEST(SeqOrder, OrderWrapsAt2To32) {
  EXPECT_TRUE(seq::after(5, 0xffff'fff0u));
  EXPECT_TRUE(seq::before(0xffff'fff0u, 5));
  EXPECT_TRUE(seq::before(0, 0x7fff'ffffu));
  EXPECT_TRUE(seq::after(0, 0x8000'0001u));  // more than 2^31 ahead reads as behind
}

}  // namespace
}  // namespace synsim
