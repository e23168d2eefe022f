#include "sim/report/markdown.h"

#include <gtest/gtest.h>

#include <sstream>

#include "sim/report/reason_text.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::handshake_outcome;

// The table that follows `heading`: its lines, up to the first blank line.
std::vector<std::string> table_after(const std::string& md, const std::string& heading) {
  std::size_t at = md.find(heading);
  EXPECT_NE(at, std::string::npos) << heading;
  std::istringstream in(md.substr(at == std::string::npos ? md.size() : at));
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) == 0) {
      rows.push_back(line);
    } else if (!rows.empty()) {
      break;
    }
  }
  return rows;
}

// Cells of a table row: unescaped '|' separators.
std::size_t columns(const std::string& row) {
  std::size_t bars = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
    } else if (row[i] == '|') {
      ++bars;
    }
  }
  return bars - 1;
}

Outcome kernel_of(const Outcome& m) {
  Outcome k = m;
  k.info.source = "kernel";
  k.info.kernel = "6.1.0-test";
  k.connections[0].data_delivered = at_ns(2'000'000'000);
  return k;
}

TEST(Markdown, ModelOnlyConnectionTableHasOneRowPerConnection) {
  Outcome m = handshake_outcome();
  std::string md = render_markdown(m, nullptr, nullptr);
  EXPECT_EQ(md.rfind("## synsim: loopback-stall\n", 0), 0u);
  EXPECT_NE(md.find("**Model only**"), std::string::npos);
  auto rows = table_after(md, "### Connections");
  ASSERT_EQ(rows.size(), 2 + m.connections.size());  // header, rule, rows
  for (const auto& r : rows) EXPECT_EQ(columns(r), 8u) << r;
  EXPECT_EQ(rows[0], "| connection | port | outcome | connected | accepted | delivered | stall | retransmits (SYN / SYN-ACK / data) |");
  EXPECT_EQ(rows[1], "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
  EXPECT_EQ(rows[2], "| x#0 | 40000 | completed | 0.000020 | 1.000050 | 1.000060 | 1.000s | 0 / 1 / 0 |");
  EXPECT_EQ(rows[3], "| x#1 | 40002 | reset (ECONNRESET) | - | - | - | - | 2 / 0 / 0 |");
}

TEST(Markdown, CountersTable) {
  Outcome m = handshake_outcome();
  auto rows = table_after(render_markdown(m, nullptr, nullptr), "### Counters");
  ASSERT_EQ(rows.size(), 2 + m.counters.size());
  EXPECT_EQ(rows[0], "| counter | value |");
  EXPECT_EQ(rows[2], "| TcpExtListenDrops | 1 |");
}

TEST(Markdown, ModelAndKernelColumnsSideBySide) {
  Outcome m = handshake_outcome();
  Outcome k = kernel_of(m);
  std::string md = render_markdown(m, &k, nullptr);
  auto rows = table_after(md, "### Connections");
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_EQ(columns(r), 9u) << r;
  EXPECT_NE(rows[0].find("delivered (model) | delivered (kernel)"), std::string::npos);
  EXPECT_NE(rows[2].find("| 1.000060 | 2.000000 |"), std::string::npos);
  auto counters = table_after(md, "### Counters");
  EXPECT_EQ(counters[0], "| counter | model | kernel |");
}

TEST(Markdown, VerdictDisagreementsAndMarkedFields) {
  Outcome m = handshake_outcome();
  Outcome k = kernel_of(m);
  compare::Comparison c;
  c.counters = {{"TcpExtListenOverflows", 1, 2, false}};
  c.fields = {{"x#0", compare::Field::data_delivered, "1.000060", "2.000000", false, ms(50)}};
  c.disagreements = {"x#0 data_delivered: model 1.000060, kernel 2.000000", "TcpExtListenOverflows: model 1, kernel 2"};
  std::string md = render_markdown(m, &k, &c);
  EXPECT_NE(md.find("**Verdict: DISAGREE** (2 disagreements)."), std::string::npos);
  std::size_t section = md.find("### Disagreements\n\n1. x#0 data\\_delivered: model 1.000060, kernel 2.000000\n"
                                "1. TcpExtListenOverflows: model 1, kernel 2\n");
  ASSERT_NE(section, std::string::npos);
  EXPECT_LT(section, md.find("### Connections"));
  auto rows = table_after(md, "### Connections");
  EXPECT_NE(rows[2].find("| 2.000000 ✗ |"), std::string::npos) << rows[2];
  auto counters = table_after(md, "### Counters");
  EXPECT_EQ(counters[2], "| TcpExtListenOverflows | 1 | 2 | ✗ |");

  c.disagreements.assign(kMarkdownDisagreements + 3, "counter off");
  md = render_markdown(m, &k, &c);
  std::size_t listed = 0;
  for (std::size_t pos = md.find("1. counter off\n"); pos != std::string::npos; pos = md.find("1. counter off\n", pos + 1)) {
    ++listed;
  }
  EXPECT_EQ(listed, kMarkdownDisagreements);
  EXPECT_NE(md.find("...and 3 more."), std::string::npos);

  c.disagreements.clear();
  EXPECT_NE(render_markdown(m, &k, &c).find("**Verdict: AGREE**"), std::string::npos);
}

TEST(Markdown, WorstStallExplanationIsFenced) {
  Outcome m = handshake_outcome();
  std::string md = render_markdown(m, nullptr, nullptr);
  EXPECT_NE(md.find("### Worst stall: x#0 (1.000s)\n\n```text\n"
                    "0.000020 accept queue full (1/1): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)\n"
                    "1.000000 SYN-ACK retransmit #1 (reqsk_timer_handler) (the request is acked: its ACK met a full accept queue)\n"
                    "=> the request waited 1.000s between its first transmission (0.000030) and its delivery to the "
                    "server application (1.000060)\n```\n"),
            std::string::npos)
      << md;
  m.connections[0].explanation.push_back({std::nullopt, saved_reason("a ``` fence")});
  EXPECT_NE(render_markdown(m, nullptr, nullptr).find("````text\n"), std::string::npos);
}

TEST(Markdown, CellsCannotBreakTheTable) {
  Outcome m = handshake_outcome();
  m.connections[1].name = "a|b*<x>";
  m.connections[1].error = "E|\nRR";
  auto rows = table_after(render_markdown(m, nullptr, nullptr), "### Connections");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(columns(rows[3]), 8u) << rows[3];
  EXPECT_EQ(rows[3].rfind("| a\\|b\\*\\<x\\> |", 0), 0u) << rows[3];
  EXPECT_EQ(markdown_escape("_x_ [l](u) `c`"), "\\_x\\_ \\[l\\](u) \\`c\\`");
}

TEST(Markdown, LongRunsListStalledConnectionsFirstWithinTheLimit) {
  Outcome m = handshake_outcome();
  ConnectionRecord quiet = m.connections[0];
  quiet.explanation.clear();
  quiet.first_data_sent.reset();
  for (std::size_t i = 0; i < kMarkdownConnectionRows + 5; ++i) {
    quiet.name = "q#" + std::to_string(i);
    m.connections.insert(m.connections.begin(), quiet);
  }
  std::string md = render_markdown(m, nullptr, nullptr);
  auto rows = table_after(md, "### Connections");
  EXPECT_EQ(rows.size(), 2 + kMarkdownConnectionRows);
  EXPECT_NE(md.find("| x#0 |"), std::string::npos);
  EXPECT_NE(md.find("| x#1 |"), std::string::npos);
  EXPECT_NE(md.find("7 more connections without a stall not shown."), std::string::npos);
}

// --- expect: results ------------------------------------------------------

TEST(MarkdownExpect, AFailureIsABannerUnderTheTitleNamingIt) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  const std::string md = render_markdown(o, nullptr, nullptr);
  EXPECT_EQ(md.rfind("## synsim: loopback-stall\n\n"
                     "> **FAILED: 1 of 2 expectations**\n"
                     "> - x#0 data\\_delivered\\_at 500ms ±100ms: got 1.000060 (t.yaml line 14)\n\n",
                     0),
            0u)
      << md;
}

TEST(MarkdownExpect, TableListsEveryResultFailuresFirst) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  const std::string md = render_markdown(o, nullptr, nullptr);
  const std::vector<std::string> rows = table_after(md, "### Expectations");
  ASSERT_EQ(rows.size(), 4u) << md;
  EXPECT_EQ(rows[0], "| result | expectation | got | line |");
  EXPECT_EQ(rows[2], "| **FAIL** | x#0 data\\_delivered\\_at 500ms ±100ms | 1.000060 | 14 |");
  EXPECT_EQ(rows[3], "| PASS | TcpExtListenOverflows at least 1 | 1 | 12 |");
  EXPECT_LT(md.find("### Expectations"), md.find("### Connections"));
}

TEST(MarkdownExpect, NoBannerWhenEveryExpectationHeld) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  (*o.expect)[1].passed = true;
  const std::string md = render_markdown(o, nullptr, nullptr);
  EXPECT_EQ(md.find("FAIL"), std::string::npos) << md;
  EXPECT_NE(md.find("### Expectations\n\nAll 2 expectations held.\n\n"), std::string::npos) << md;
  o.expect.reset();
  EXPECT_EQ(render_markdown(o, nullptr, nullptr).find("Expectations"), std::string::npos);
}

TEST(MarkdownExpect, EachSideOfAComparisonIsNamed) {
  Outcome m = handshake_outcome();
  m.expect = testing::one_held_one_failed();
  (*m.expect)[1].passed = true;
  Outcome k = kernel_of(m);
  k.expect = testing::one_held_one_failed();
  const std::string md = render_markdown(m, &k, nullptr);
  EXPECT_NE(md.find("> **FAILED on the kernel: 1 of 2 expectations**\n"), std::string::npos) << md;
  EXPECT_EQ(md.find("FAILED on the model"), std::string::npos) << md;
  const std::vector<std::string> rows = table_after(md, "### Expectations");
  ASSERT_EQ(rows.size(), 6u) << md;
  EXPECT_EQ(rows[0], "| side | result | expectation | got | line |");
  EXPECT_EQ(rows[2], "| kernel | **FAIL** | x#0 data\\_delivered\\_at 500ms ±100ms | 1.000060 | 14 |");
}

}  // namespace
}  // namespace synsim::report
