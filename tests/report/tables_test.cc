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
                      "  0.000020 accept queue full (1/1): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)\n"
                      "  1.000000 SYN-ACK retransmit #1 (reqsk_timer_handler) (the request is acked: its ACK met a full accept queue)\n"
                      "  => the request waited 1.000s between its first transmission (0.000030) and its delivery "
                      "to the server application (1.000060)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nx#1: reset (ECONNRESET)\n"
                      "  0.005000 tcp_abort_on_overflow=1: handshake reset (tcp_check_req embryonic_reset)\n"
                      "  0.005000 RST at rcv_nxt: connection reset, ECONNRESET (tcp_reset)\n"),
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

// A kernel run's (or a small model run's) records: port exhaustion said as
// such, not only as two more "refused" rows.
TEST(Summary, PortExhaustionIsSaidOnItsOwnLine) {
  Outcome out = handshake_outcome();
  EXPECT_EQ(render_summary(out).find("ports exhausted"), std::string::npos);
  for (int i = 0; i < 2; ++i) {
    ConnectionRecord r;
    r.name = "y#" + std::to_string(i);
    r.outcome = ConnectionOutcome::refused;
    r.error = "EADDRNOTAVAIL";
    out.connections.push_back(r);
  }
  EXPECT_NE(render_summary(out).find("\nports exhausted: 2 connect()s failed with EADDRNOTAVAIL: every port of "
                                     "net.ipv4.ip_local_port_range was taken (__inet_hash_connect). What frees them: "
                                     "close from the server first or with RST"),
            std::string::npos)
      << render_summary(out);
}

TEST(Summary, SaysNoneWhenThereAreNoCounters) {
  Outcome o = handshake_outcome();
  o.counters.clear();
  std::string text = render_summary(o);
  EXPECT_EQ(text.substr(text.size() - 17), "\ncounters\n(none)\n");
}

// --- expect: results ------------------------------------------------------

TEST(SummaryExpect, AFailureOpensTheSummaryWithABannerNamingIt) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  const std::string text = render_summary(o);
  EXPECT_EQ(text.substr(0, text.find("\n\n") + 2),
            "FAILED: 1 of 2 expectations\n"
            "  x#0 data_delivered_at 500ms ±100ms: got 1.000060 (t.yaml:14:5)\n\n")
      << text;
  EXPECT_EQ(text.find("scenario    loopback-stall"), text.find("\n\n") + 2);
}

TEST(SummaryExpect, ClosesWithEveryResultFailuresFirst) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  const std::string text = render_summary(o);
  const std::string section =
      "\nexpectations: 1 of 2 held\n"
      "FAIL  x#0 data_delivered_at 500ms ±100ms: got 1.000060 (t.yaml:14:5)\n"
      "PASS  TcpExtListenOverflows at least 1: got 1\n";
  ASSERT_GE(text.size(), section.size());
  EXPECT_EQ(text.substr(text.size() - section.size()), section) << text;
  EXPECT_LT(text.find("\ncounters\n"), text.find("\nexpectations: "));
}

TEST(SummaryExpect, NoBannerWhenEveryExpectationHeld) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  (*o.expect)[1].passed = true;
  const std::string text = render_summary(o);
  EXPECT_EQ(text.find("FAIL"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("scenario    loopback-stall", 0), 0u) << text;
  EXPECT_NE(text.find("\nexpectations: 2 of 2 held\nPASS  TcpExtListenOverflows at least 1: got 1\n"
                      "PASS  x#0 data_delivered_at 500ms ±100ms: got 1.000060\n"),
            std::string::npos)
      << text;
}

TEST(SummaryExpect, NothingJudgedOrNothingStatedAddsNothing) {
  Outcome o = handshake_outcome();
  const std::string unjudged = render_summary(o);
  EXPECT_EQ(unjudged.find("expectation"), std::string::npos);
  o.expect.emplace();
  EXPECT_EQ(render_summary(o), unjudged);
}

}  // namespace
}  // namespace synsim::report
