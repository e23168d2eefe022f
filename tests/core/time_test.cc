#include "sim/core/time.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace synsim {
namespace {

TEST(Time, FormatsSecondsLikeTcpdump) {
  EXPECT_EQ(format_seconds(at_ns(0)), "0.000000");
  EXPECT_EQ(format_seconds(at_ns(1234567890)), "1.234567");
  EXPECT_EQ(format_seconds(Duration{-1500000}), "-0.001500");
}

TEST(Time, FormatsDurationsInTheirNaturalUnit) {
  EXPECT_EQ(format_duration(ms(204)), "204ms");
  EXPECT_EQ(format_duration(sec(3)), "3s");
  EXPECT_EQ(format_duration(ms(1632)), "1.632s");
  EXPECT_EQ(format_duration(us(37)), "37us");
  EXPECT_EQ(format_duration(Duration{0}), "0s");
}


TEST(FormatDuration, TheMostNegativeDurationDoesNotOverflow) {
  // A saved outcome may hold any int64; |INT64_MIN| does not fit one.
  EXPECT_EQ(format_duration(Duration{INT64_MIN}), "-9223372036.855s");
  EXPECT_EQ(format_duration(Duration{INT64_MAX}), "9223372036.855s");
}

}  // namespace
}  // namespace synsim
