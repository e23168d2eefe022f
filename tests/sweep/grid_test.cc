// --grid KEY=V1,V2,...: values, columns, and every syntax error located.
#include <gtest/gtest.h>

#include "sim/sweep/grid.h"

namespace synsim::sweep {
namespace {

std::string error_of(std::string_view text) {
  const GridParse p = parse_grid_axis(text, 1);
  return p.error ? p.error->str() : std::string("no error");
}

TEST(Grid, ParsesKeyAndValuesWithTheirColumns) {
  const GridParse p = parse_grid_axis("server.backlog=8,16, 32", 1);
  ASSERT_TRUE(p.axis) << p.error->str();
  EXPECT_EQ(p.axis->key, "server.backlog");
  ASSERT_EQ(p.axis->values.size(), 3u);
  EXPECT_EQ(p.axis->values[0].text, "8");
  EXPECT_EQ(p.axis->values[0].column, 16u);
  EXPECT_EQ(p.axis->values[1].text, "16");
  EXPECT_EQ(p.axis->values[1].column, 18u);
  EXPECT_EQ(p.axis->values[2].text, "32");  // trimmed
  EXPECT_EQ(p.axis->values[2].column, 22u);
}

TEST(Grid, SplitsOnlyAtCommasOutsideBracketsAndQuotes) {
  const GridParse p = parse_grid_axis("clients.load.send={bytes: 5, at: 0s},{bytes: 5, after: 2ms},[1, 2],'a,''b',\"c,\\\"d\"", 1);
  ASSERT_TRUE(p.axis) << p.error->str();
  ASSERT_EQ(p.axis->values.size(), 5u);
  EXPECT_EQ(p.axis->values[0].text, "{bytes: 5, at: 0s}");
  EXPECT_EQ(p.axis->values[1].text, "{bytes: 5, after: 2ms}");
  EXPECT_EQ(p.axis->values[2].text, "[1, 2]");
  EXPECT_EQ(p.axis->values[3].text, "'a,''b'");
  EXPECT_EQ(p.axis->values[4].text, "\"c,\\\"d\"");
}

TEST(Grid, SingleValueIsAnAxisOfOne) {
  const GridParse p = parse_grid_axis("net.ipv4.tcp_abort_on_overflow=1", 1);
  ASSERT_TRUE(p.axis);
  EXPECT_EQ(p.axis->values.size(), 1u);
}

TEST(Grid, MissingEqualsIsAnErrorAtColumnOne) {
  EXPECT_EQ(error_of("server.backlog"),
            "--grid:1:1: grid 'server.backlog' needs KEY=V1,V2,... (e.g. server.backlog=8,16,32)");
}

TEST(Grid, EmptyKeyIsAnError) {
  EXPECT_EQ(error_of("=8,16"), "--grid:1:1: grid '=8,16' has an empty KEY (expected e.g. server.backlog=8,16)");
}

TEST(Grid, KeyWithASpaceIsAnErrorAtTheSpace) {
  EXPECT_EQ(error_of("server. backlog=8"), "--grid:1:8: KEY 'server. backlog' contains a space");
}

TEST(Grid, NoValuesIsAnError) {
  EXPECT_EQ(error_of("server.backlog="), "--grid:1:16: no values after '=' (expected KEY=V1,V2,...)");
}

TEST(Grid, EmptyValueIsAnErrorWhereItShouldBe) {
  EXPECT_EQ(error_of("server.backlog=8,,16"),
            "--grid:1:18: empty value (two commas in a row, or a comma at an end)");
  EXPECT_EQ(error_of("server.backlog=8,"), "--grid:1:18: empty value (two commas in a row, or a comma at an end)");
  EXPECT_EQ(error_of("server.backlog=,8"), "--grid:1:16: empty value (two commas in a row, or a comma at an end)");
}

TEST(Grid, RepeatedValueIsAnError) {
  EXPECT_EQ(error_of("server.backlog=8,16,8"), "--grid:1:21: value '8' is given twice for server.backlog");
}

TEST(Grid, UnbalancedBracketsAndQuotesAreErrors) {
  EXPECT_EQ(error_of("clients.load.send={bytes: 5,8"), "--grid:1:19: '{' is never closed by '}'");
  EXPECT_EQ(error_of("server.backlog=8],16"), "--grid:1:17: ']' without a matching '['");
  EXPECT_EQ(error_of("description='a,b"), "--grid:1:13: quote ' is never closed");
  EXPECT_EQ(error_of("x={a: [1}]"), "--grid:1:9: '}' without a matching '{'");
}

TEST(Grid, SameKeyOnTwoGridsIsAnErrorAtTheSecond) {
  const GridsParse g = parse_grid({"server.backlog=8,16", "net.ipv4.tcp_syncookies=0,1", "server.backlog=32"});
  ASSERT_EQ(g.errors.size(), 1u);
  EXPECT_EQ(g.errors[0].str(), "--grid:3:1: KEY server.backlog is already swept by --grid 1");
  EXPECT_EQ(g.axes.size(), 2u);
}

TEST(Grid, EveryBadOptionIsReportedWithItsPosition) {
  const GridsParse g = parse_grid({"a=1", "b", "c=1,,2"});
  ASSERT_EQ(g.errors.size(), 2u);
  EXPECT_EQ(g.errors[0].option, 2u);
  EXPECT_EQ(g.errors[1].str(), "--grid:3:5: empty value (two commas in a row, or a comma at an end)");
}

TEST(Grid, TooManyValuesIsAnError) {
  std::string text = "seed=";
  for (std::size_t i = 0; i <= kMaxValuesPerAxis; ++i) text += (i ? "," : "") + std::to_string(i);
  const GridParse p = parse_grid_axis(text, 1);
  ASSERT_TRUE(p.error);
  EXPECT_NE(p.error->message.find("more than 10000 values"), std::string::npos);
}

}  // namespace
}  // namespace synsim::sweep
