#include "sim/report/tables.h"

#include <gtest/gtest.h>

#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::handshake_outcome;

TEST(ConnectionsTable, OneAlignedRowPerConnectionWithDashesForMissingTimes) {
  std::string text = render_connections(handshake_outcome());
  std::string expected =
      "name   port   connect  connected  data_sent  accepted  delivered  outcome    error       syn_rtx  synack_rtx  "
      "data_rtx   stall\n"
      "x#0   40000  0.000000   0.000020   0.000030  1.000050   1.000060  completed  -                 0           1  "
      "       0  1.000s\n"
      "x#1   40002  0.005000          -          -         -          -  reset      ECONNRESET        2           0  "
      "       0       -\n"
      "\n";
  EXPECT_EQ(text.substr(0, expected.size()), expected);
}

TEST(ConnectionsTable, ExplanationBlockFollowsTheTableWithHeadlineAndIndentedLines) {
  std::string text = render_connections(handshake_outcome());
  EXPECT_NE(text.find("\nx#0: stalled 1.000s\n"
                      "  final ACK dropped: accept queue full\n"
                      "  request delivered after the SYN-ACK retransmit\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nx#1: reset (ECONNRESET)\n"
                      "  tcp_abort_on_overflow=1: RST instead of dropping the final ACK\n"),
            std::string::npos)
      << text;
}

TEST(ConnectionsTable, ConnectionWithoutExplanationHasNoBlock) {
  Outcome o = handshake_outcome();
  for (auto& c : o.connections) c.explanation.clear();
  std::string text = render_connections(o);
  EXPECT_EQ(text.find("stalled"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(CountersTable, NamesLeftValuesRightSortedByName) {
  Outcome o;
  o.counters["TcpExtListenOverflows"] = 3;
  o.counters["TcpExtTCPSynRetrans"] = 1024;
  o.counters["TcpExtListenDrops"] = 3;
  EXPECT_EQ(render_counters(o),
            "TcpExtListenDrops         3\n"
            "TcpExtListenOverflows     3\n"
            "TcpExtTCPSynRetrans    1024\n");
}

TEST(CountersTable, NoCountersRenderNothing) { EXPECT_EQ(render_counters(Outcome{}), ""); }

TEST(Summary, HeaderThenConnectionsThenCounters) {
  std::string text = render_summary(handshake_outcome());
  EXPECT_EQ(text.substr(0, text.find("\n\n") + 1),
            "scenario    loopback-stall\n"
            "source      model\n"
            "kernel      linux-2.5.66\n"
            "HZ          1000\n"
            "seed        42\n"
            "duration    10s\n"
            "events      1234\n"
            "trace hash  00c0ffee12345678\n");
  auto connections = text.find("\nconnections (2)\nname ");
  auto counters = text.find("\ncounters\nTcpExtListenDrops ");
  EXPECT_NE(connections, std::string::npos) << text;
  EXPECT_NE(counters, std::string::npos) << text;
  EXPECT_LT(connections, counters);
}

TEST(Summary, SaysNoneWhenThereAreNoCounters) {
  Outcome o = handshake_outcome();
  o.counters.clear();
  std::string text = render_summary(o);
  EXPECT_EQ(text.substr(text.size() - 17), "\ncounters\n(none)\n");
}

}  // namespace
}  // namespace synsim::report
