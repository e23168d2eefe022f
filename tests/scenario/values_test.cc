// Scalar parsers: durations, integers, rates, tolerances, addresses, names.
#include <gtest/gtest.h>

#include "sim/scenario/load.h"
#include "sim/scenario/values.h"

namespace synsim::scenario {
namespace {

Duration duration_ok(std::string_view text) {
  std::string error;
  const std::optional<Duration> d = parse_duration(text, &error);
  EXPECT_TRUE(d.has_value()) << text << ": " << error;
  return d.value_or(Duration{-1});
}

std::string duration_error(std::string_view text) {
  std::string error;
  const std::optional<Duration> d = parse_duration(text, &error);
  EXPECT_FALSE(d.has_value()) << text << " parsed as " << (d ? d->count() : 0) << "ns";
  return error;
}

TEST(ParseDuration, EveryUnitIsExactInNanoseconds) {
  EXPECT_EQ(duration_ok("10s"), sec(10));
  EXPECT_EQ(duration_ok("200ms"), ms(200));
  EXPECT_EQ(duration_ok("15us"), us(15));
  EXPECT_EQ(duration_ok("7ns"), ns(7));
  EXPECT_EQ(duration_ok("0s"), Duration{0});
}

TEST(ParseDuration, BareZeroNeedsNoUnit) { EXPECT_EQ(duration_ok("0"), Duration{0}); }

TEST(ParseDuration, DecimalsAreParsedAsTextNotAsDouble) {
  EXPECT_EQ(duration_ok("1.5s").count(), 1500000000);
  EXPECT_EQ(duration_ok("5.1s").count(), 5100000000);  // 5.1 is not exact as a double
  EXPECT_EQ(duration_ok("0.000000001s").count(), 1);
  EXPECT_EQ(duration_ok("1.024ms").count(), 1024000);
  EXPECT_EQ(duration_ok("2.50us").count(), 2500);
  EXPECT_EQ(duration_ok("3.000ns").count(), 3);  // trailing zeros below 1ns are harmless
}

TEST(ParseDuration, NumberWithoutUnitIsAnError) {
  EXPECT_EQ(duration_error("10"), "duration needs a unit (ns, us, ms, s): '10'");
  EXPECT_EQ(duration_error("1.5"), "duration needs a unit (ns, us, ms, s): '1.5'");
}

TEST(ParseDuration, NegativeIsAnError) {
  EXPECT_EQ(duration_error("-1s"), "duration must not be negative: '-1s'");
}

TEST(ParseDuration, MalformedTextIsAnError) {
  EXPECT_NE(duration_error("").find("empty duration"), std::string::npos);
  EXPECT_NE(duration_error("abc").find("not a duration: 'abc'"), std::string::npos);
  EXPECT_NE(duration_error(".5s").find("not a duration"), std::string::npos);
  EXPECT_NE(duration_error("1.s").find("not a duration"), std::string::npos);
  EXPECT_NE(duration_error("+1s").find("not a duration"), std::string::npos);
  EXPECT_NE(duration_error("10m").find("unknown duration unit 'm'"), std::string::npos);
  EXPECT_NE(duration_error("10 s").find("no space allowed"), std::string::npos);
  EXPECT_NE(duration_error("1e3s").find("unknown duration unit"), std::string::npos);
}

TEST(ParseDuration, FinerThanOneNanosecondIsAnError) {
  EXPECT_NE(duration_error("0.5ns").find("finer than 1ns"), std::string::npos);
  EXPECT_NE(duration_error("1.0000000001s").find("finer than 1ns"), std::string::npos);
}

TEST(ParseDuration, AtMostTenYears) {
  EXPECT_EQ(duration_ok("315360000s"), kMaxDuration);
  EXPECT_NE(duration_error("315360000.000000001s").find("longer than 10 years"), std::string::npos);
  EXPECT_NE(duration_error("315360001s").find("longer than 10 years"), std::string::npos);
  EXPECT_NE(duration_error("99999999999999999999999s").find("longer than 10 years"), std::string::npos);
}

TEST(ParseDuration, NullErrorPointerIsAllowed) {
  EXPECT_FALSE(parse_duration("10", nullptr).has_value());
}

TEST(ParseInteger, AcceptsSignsAndUnderscoresBetweenDigits) {
  EXPECT_EQ(parse_integer("42", nullptr), 42);
  EXPECT_EQ(parse_integer("-1", nullptr), -1);
  EXPECT_EQ(parse_integer("+7", nullptr), 7);
  EXPECT_EQ(parse_integer("10_000_000", nullptr), 10000000);
  EXPECT_EQ(parse_integer("-9223372036854775808", nullptr), INT64_MIN);
  EXPECT_EQ(parse_integer("9223372036854775807", nullptr), INT64_MAX);
}

TEST(ParseInteger, RejectsEverythingElse) {
  std::string error;
  EXPECT_FALSE(parse_integer("9223372036854775808", &error));
  EXPECT_EQ(error, "integer out of range: '9223372036854775808'");
  for (const char* bad : {"", "-", "1.5", "0x10", "1e3", "_1", "1_", "1__0", "ten", " 1"}) {
    EXPECT_FALSE(parse_integer(bad, &error)) << bad;
  }
  EXPECT_EQ(error, "expected an integer, got ' 1'");
}

TEST(ParseUnsigned, CoversTheWholeUint64Range) {
  EXPECT_EQ(parse_unsigned("18446744073709551615", nullptr), UINT64_MAX);
  EXPECT_FALSE(parse_unsigned("18446744073709551616", nullptr));
  EXPECT_FALSE(parse_unsigned("-1", nullptr));
}

TEST(ParseRate, IsConnectionsPerSecond) {
  EXPECT_EQ(parse_rate("30000/s", nullptr), 30000u);
  std::string error;
  EXPECT_FALSE(parse_rate("30000", &error));
  EXPECT_EQ(error, "rate needs a unit (N/s): '30000'");
  EXPECT_FALSE(parse_rate("5/ms", &error));
  EXPECT_FALSE(parse_rate("0/s", &error));
  EXPECT_FALSE(parse_rate("x/s", &error));
}

TEST(ParseTimeWithTolerance, AcceptsPlusMinusSignAsciiFormAndNone) {
  const auto a = parse_time_with_tolerance("5.1s ±300ms", nullptr);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, ms(5100));
  EXPECT_EQ(a->tolerance, ms(300));
  const auto b = parse_time_with_tolerance("5.1s +-300ms", nullptr);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->value, ms(5100));
  EXPECT_EQ(b->tolerance, ms(300));
  const auto c = parse_time_with_tolerance("2s", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->value, sec(2));
  EXPECT_EQ(c->tolerance, Duration{0});
  const auto d = parse_time_with_tolerance("1s±1ms", nullptr);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->tolerance, ms(1));
}

TEST(ParseTimeWithTolerance, RejectsMissingUnitsAndEmptyTolerance) {
  EXPECT_FALSE(parse_time_with_tolerance("5.1 ±300ms", nullptr));
  EXPECT_FALSE(parse_time_with_tolerance("5.1s ±300", nullptr));
  EXPECT_FALSE(parse_time_with_tolerance("5.1s ±", nullptr));
  EXPECT_FALSE(parse_time_with_tolerance("±1s", nullptr));
}

TEST(ParseListen, AcceptsLoopbackAddressAndPort) {
  const auto a = parse_listen("127.0.0.1:9100", nullptr);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address, "127.0.0.1");
  EXPECT_EQ(a->port, 9100);
  EXPECT_TRUE(parse_listen("127.1.2.3:1", nullptr));
}

TEST(ParseListen, RejectsOtherAddressesAndBadPorts) {
  std::string error;
  EXPECT_FALSE(parse_listen("10.0.0.1:80", &error));
  EXPECT_NE(error.find("loopback"), std::string::npos);
  for (const char* bad : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.256:80", "127.0.0:80",
                          "localhost:80", "127.0.0.1:", ":80", "127.0.0.1.1:80", "127.0.0.1:8_0"}) {
    EXPECT_FALSE(parse_listen(bad, nullptr)) << bad;
  }
}

TEST(ParseConnectionName, SplitsGroupAndIndex) {
  const auto c = parse_connection_name("load-2#41", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->group, "load-2");
  EXPECT_EQ(c->index, 41u);
  for (const char* bad : {"x", "x#", "#0", "X#0", "x#-1", "x#1a", "x#99999999999"}) {
    EXPECT_FALSE(parse_connection_name(bad, nullptr)) << bad;
  }
}

TEST(Names, GroupNamesAreLowercaseDigitsAndDashes) {
  EXPECT_TRUE(is_valid_name("accept-queue-2"));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("Upper"));
  EXPECT_FALSE(is_valid_name("under_score"));
}

TEST(Names, CounterNamesAreNstatNames) {
  EXPECT_TRUE(is_counter_name("TcpExtListenOverflows"));
  EXPECT_TRUE(is_counter_name("TcpActiveOpens"));
  EXPECT_TRUE(is_counter_name("IpExtInOctets"));
  EXPECT_TRUE(is_counter_name("IpInReceives"));
  EXPECT_FALSE(is_counter_name("Tcp"));
  EXPECT_FALSE(is_counter_name("UdpInDatagrams"));
  EXPECT_FALSE(is_counter_name("TcpExt_Listen"));
}

}  // namespace
}  // namespace synsim::scenario
