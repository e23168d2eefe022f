#include "sim/report/html.h"

#include <gtest/gtest.h>

#include "sim/report/reason_text.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::handshake_outcome;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

Outcome model_outcome() {
  Outcome o = handshake_outcome();
  o.queues = {{at_ns(0), 0, 0}, {at_ns(10'000), 1, 0}, {at_ns(1'000'050'000), 0, 1}, {at_ns(1'000'055'000), 0, 0}};
  o.accept_queue_limit = 2;
  return o;
}

Outcome kernel_outcome() {
  Outcome o = model_outcome();
  o.info.source = "kernel";
  o.info.kernel = "6.1.0-test";
  o.connections[0].data_delivered = at_ns(2'000'000'000);
  o.counters["TcpExtListenOverflows"] = 2;
  return o;
}

compare::Comparison comparison() {
  compare::Comparison c;
  c.counters = {{"TcpExtListenDrops", 1, 1, true},
                {"TcpExtListenOverflows", 1, 2, false},
                {"TcpExtTCPSynRetrans", 12, 12, true}};
  c.fields = {{"x#0", compare::Field::data_delivered, "1.000060", "2.000000", false, ms(50)}};
  c.disagreements = {"x#0 data_delivered: model 1.000060, kernel 2.000000 (tolerance 50ms)",
                     "TcpExtListenOverflows: model 1, kernel 2"};
  return c;
}

TEST(HtmlEscape, EscapesMarkupAmpersandsAndQuotes) {
  EXPECT_EQ(html_escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");
  EXPECT_EQ(html_escape("x#1: accept queue 3/3 (tcp_check_req -> x)"), "x#1: accept queue 3/3 (tcp_check_req -&gt; x)");
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("µs ▲"), "µs ▲");  // UTF-8 passes through
}

TEST(Html, EveryTextFromTheScenarioOrOutcomeIsEscaped) {
  Outcome o = model_outcome();
  o.info.scenario = "<script>alert(1)</script>";
  o.info.kernel = "k\"><script>";
  o.connections[0].name = "<script>c</script>";
  o.connections[0].error = "<b>E</b>";
  for (auto& p : o.packets) p.connection = o.connections[0].name;
  // Words from a saved outcome are whatever the file held.
  o.annotations[0].reason = saved_reason("dropped <script>alert('a')</script> & more");
  o.connections[0].explanation.push_back({std::nullopt, saved_reason("0.5 <img src=x onerror=alert(1)>")});
  o.counters["<i>Evil</i>"] = 1;
  HtmlReport r{&o, nullptr, nullptr, "name: <script>alert(\"s\")</script>\n", "Report <script>"};
  std::string html = render_html(r);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "<img"), 0u);
  EXPECT_EQ(count(html, "<b>E</b>"), 0u);
  EXPECT_EQ(count(html, "<i>Evil"), 0u);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("dropped &lt;script&gt;alert(&#39;a&#39;)&lt;/script&gt; &amp; more"), std::string::npos);
}

TEST(Html, IsOneSelfContainedDocument) {
  Outcome o = model_outcome();
  std::string html = render_html({&o, nullptr, nullptr, "name: x\n", ""});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(count(html, "http://") + count(html, "https://"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(count(html, "<link"), 0u);
  EXPECT_EQ(count(html, " src="), 0u);
  EXPECT_NE(html.find("<title>synsim: loopback-stall</title>"), std::string::npos);
}

TEST(Html, OneLaneGroupPerConnectionAndSide) {
  Outcome m = model_outcome();
  Outcome k = kernel_outcome();
  std::string model_only = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(count(model_only, "<g class=\"lane\""), 2u);
  EXPECT_EQ(count(model_only, "<g class=\"lane\" data-side=\"model\" data-connection=\"x#0\""), 1u);

  std::string both = render_html({&m, &k, nullptr, "", ""});
  EXPECT_EQ(count(both, "<g class=\"lane\""), 4u);
  EXPECT_EQ(count(both, "<g class=\"lane\" data-side=\"kernel\""), 2u);
  // The model's lane of a connection comes right before the kernel's.
  EXPECT_LT(both.find("data-side=\"model\" data-connection=\"x#0\""), both.find("data-side=\"kernel\" data-connection=\"x#0\""));
  EXPECT_LT(both.find("data-side=\"kernel\" data-connection=\"x#0\""), both.find("data-side=\"model\" data-connection=\"x#1\""));
}

TEST(Html, LanesMarkEveryPacketAndDrawPhaseBars) {
  Outcome m = model_outcome();
  std::string html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(count(html, "<g class=\"pk "), m.packets.size());
  EXPECT_EQ(count(html, "<g class=\"pk k-syn\""), 1u);
  EXPECT_EQ(count(html, "<g class=\"pk k-synack\""), 1u);
  EXPECT_EQ(count(html, "<g class=\"pk k-rtx\""), 1u);   // the retransmitted SYN-ACK
  EXPECT_EQ(count(html, "<g class=\"pk k-dup\""), 1u);   // the D-SACK
  EXPECT_EQ(count(html, "<g class=\"pk k-rst"), 2u);
  EXPECT_EQ(count(html, " dropped\">"), 2u);             // final ACK and data
  EXPECT_EQ(count(html, "<rect class=\"ph ph-connect\""), 2u);
  EXPECT_EQ(count(html, "<rect class=\"ph ph-wait\""), 1u);
  EXPECT_EQ(count(html, "<rect class=\"ph ph-stall\""), 1u);  // 1 s > 190 ms
  EXPECT_EQ(count(html, "<rect class=\"ph ph-delivered\""), 1u);
}

// Under each lane's bars, the connection's two sockets as netstat lists them:
// one strip segment per sample that is listed, its state and queues in its
// title; the strip is orange where an ESTABLISHED socket's queue a reader
// of the 2003 report looks at holds bytes (the client's Send-Q, the
// server's Recv-Q), not for SYN_SENT's Send-Q 1 (the SYN).
TEST(Html, LanesShowEachSocketsStateAndQueues) {
  Outcome m = model_outcome();
  using outcome::SocketView;
  using outcome::TcpState;
  m.connections[0].sockets.client = {{at_ns(10), SocketView{TcpState::syn_sent, false, 0, 1}},
                                     {at_ns(20), SocketView{TcpState::established, false, 0, 0}},
                                     {at_ns(30), SocketView{TcpState::established, false, 0, 5}},
                                     {at_ns(1'000'000'000), SocketView{TcpState::close, false, 0, 0}}};
  m.connections[0].sockets.server = {{at_ns(15), SocketView{TcpState::syn_recv, false, 0, 0}},
                                     {at_ns(1'000'050'000), SocketView{TcpState::established, true, 5, 0}}};
  std::string html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(count(html, "<rect class=\"sk "), 5u);  // the CLOSE sample ends a segment, draws none
  EXPECT_EQ(count(html, "<rect class=\"sk sk-client"), 3u);
  EXPECT_EQ(count(html, "<rect class=\"sk sk-server"), 2u);
  EXPECT_EQ(count(html, " queued\""), 2u);  // client Send-Q 5, server Recv-Q 5
  EXPECT_NE(html.find("model x#0 client ESTABLISHED, Recv-Q 0, Send-Q 5: 0.000000 → 1.000000"), std::string::npos);
  EXPECT_NE(html.find("model x#0 server SYN_RECV (request sock), Recv-Q 0, Send-Q 0: 0.000000 → 1.000050"),
            std::string::npos);
  EXPECT_NE(html.find("model x#0 server ESTABLISHED (accepted), Recv-Q 5, Send-Q 0: 1.000050 →"), std::string::npos);
  // An outcome without socket series draws no strip.
  const Outcome bare = model_outcome();
  EXPECT_EQ(count(render_html({&bare, nullptr, nullptr, "", ""}), "<rect class=\"sk "), 0u);
}

TEST(Html, QueuePlotPerSideWithTheAcceptQueueLimit) {
  Outcome m = model_outcome();
  Outcome k = kernel_outcome();
  std::string html = render_html({&m, &k, nullptr, "", ""});
  EXPECT_EQ(count(html, "<g class=\"queue-plot\""), 2u);
  EXPECT_EQ(count(html, "<path class=\"q-syn\""), 2u);
  EXPECT_EQ(count(html, "<path class=\"q-accept\""), 2u);
  EXPECT_EQ(count(html, "<line class=\"q-limit\" x1="), 2u);
  EXPECT_NE(html.find(">limit 2</text>"), std::string::npos);

  k.queues.clear();
  html = render_html({&m, &k, nullptr, "", ""});
  EXPECT_EQ(count(html, "<path class=\"q-accept\""), 1u);
  EXPECT_NE(html.find("no queue samples recorded on this side"), std::string::npos);
}

TEST(Html, DistributionsPerSide) {
  Outcome m = model_outcome();
  Outcome k = kernel_outcome();
  std::string html = render_html({&m, &k, nullptr, "", ""});
  EXPECT_EQ(count(html, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cdf "), 4u);
  EXPECT_NE(html.find("<path class=\"cdf-model\""), std::string::npos);
  EXPECT_NE(html.find("<path class=\"cdf-kernel\""), std::string::npos);
}

TEST(Html, CounterTableHasOneRowPerCounter) {
  Outcome m = model_outcome();
  std::string html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(count(html, "<tr class=\"counter\">"), m.counters.size());
  EXPECT_NE(html.find("<td class=\"mono\">TcpExtTCPSynRetrans</td><td class=\"num\">12</td>"), std::string::npos);

  Outcome k = kernel_outcome();
  compare::Comparison c = comparison();
  html = render_html({&m, &k, &c, "", ""});
  EXPECT_EQ(count(html, "<tr class=\"counter\">"), c.counters.size());
  EXPECT_NE(html.find("<td class=\"mono\">TcpExtListenOverflows</td><td class=\"num\">1</td><td class=\"num\">2</td>"
                      "<td class=\"num\">+1</td><td class=\"bad\">"),
            std::string::npos);
}

TEST(Html, VerdictAndDisagreementsComeFirst) {
  Outcome m = model_outcome();
  Outcome k = kernel_outcome();
  compare::Comparison c = comparison();
  std::string html = render_html({&m, &k, &c, "", ""});
  std::size_t verdict = html.find("<span class=\"badge disagree\">DISAGREE</span>");
  ASSERT_NE(verdict, std::string::npos);
  std::size_t first = html.find("x#0 data_delivered: model 1.000060, kernel 2.000000 (tolerance 50ms)");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(verdict, first);
  EXPECT_LT(first, html.find("<section id=\"timeline\">"));
  // The disagreeing field is marked in the connection table.
  EXPECT_NE(html.find("<td class=\"num bad\" title=\"model 1.000060 · kernel 2.000000 · tolerance 50ms\">2.000000</td>"),
            std::string::npos);

  c.disagreements.clear();
  html = render_html({&m, &k, &c, "", ""});
  EXPECT_NE(html.find("<span class=\"badge agree\">AGREE</span>"), std::string::npos);
  EXPECT_EQ(html.find("class=\"disagreements\""), std::string::npos);
}

TEST(Html, ExplanationsAndScenarioText) {
  Outcome m = model_outcome();
  std::string html = render_html({&m, nullptr, nullptr, "name: loopback-stall\nseed: 42\n", ""});
  EXPECT_EQ(count(html, "<details class=\"explanation\""), 2u);
  EXPECT_NE(html.find("<li class=\"drop\"><span class=\"t\">0.000020</span>accept queue full (1/1): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -&gt; listen_overflow)</li>"), std::string::npos);
  EXPECT_NE(html.find("<li class=\"sum\"><span class=\"t\"></span>=&gt; the request waited 1.000s"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"scenario\">name: loopback-stall\nseed: 42\n</pre>"), std::string::npos);
}

TEST(Html, SameInputGivesTheSameBytes) {
  Outcome m = model_outcome();
  Outcome k = kernel_outcome();
  compare::Comparison c = comparison();
  EXPECT_EQ(render_html({&m, &k, &c, "x", "t"}), render_html({&m, &k, &c, "x", "t"}));
}

TEST(Html, ModelIsRequired) {
  EXPECT_THROW(render_html({}), std::invalid_argument);
}

TEST(Html, LongRunsKeepAHandshakeAndAStallVisible) {
  // A 10 us handshake at 0 and a 100 s stall: both get real width on the axis.
  BrokenAxis axis({0, 10'000, 20'000, 100'000'000'000}, 0, 1000);
  double handshake = axis.x(20'000) - axis.x(0);
  double stall = axis.x(100'000'000'000) - axis.x(20'000);
  EXPECT_GT(handshake, 100);
  EXPECT_GT(stall, handshake);
  EXPECT_LT(axis.x(0), axis.x(10'000));
  EXPECT_GE(axis.x(0), 0);
  EXPECT_LE(axis.x(100'000'000'000), 1000);
}

TEST(Html, AxisLabelsUseTheReadableUnit) {
  EXPECT_EQ(axis_time_label(0), "0");
  EXPECT_EQ(axis_time_label(20'000), "20us");
  EXPECT_EQ(axis_time_label(80'020'000), "80.02ms");
  EXPECT_EQ(axis_time_label(6'912'020'000), "6.91202s");
  EXPECT_EQ(axis_time_label(100'000'000'000), "100s");
}

// --- expect: results ------------------------------------------------------

TEST(HtmlExpect, AFailureIsABannerAboveEverythingElseNamingIt) {
  Outcome m = model_outcome();
  m.expect = testing::one_held_one_failed();
  const std::string html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_NE(html.find("<title>FAILED: synsim: loopback-stall</title>"), std::string::npos);
  const std::size_t banner = html.find("<section id=\"expect-failed\" class=\"failed\">");
  ASSERT_NE(banner, std::string::npos) << html;
  EXPECT_LT(html.find("</header>"), banner);
  EXPECT_LT(banner, html.find("<section id=\"verdict\">"));
  const std::size_t headline = html.find("<h2>FAILED: 1 of 2 expectations</h2>");
  EXPECT_LT(banner, headline);
  const std::size_t named = html.find("<li>x#0 data_delivered_at 500ms ±100ms: got 1.000060 (t.yaml line 14)</li>");
  EXPECT_LT(headline, named);
  EXPECT_LT(named, html.find("<section id=\"verdict\">"));
}

TEST(HtmlExpect, SectionListsEveryResultFailuresFirst) {
  Outcome m = model_outcome();
  m.expect = testing::one_held_one_failed();
  const std::string html = render_html({&m, nullptr, nullptr, "", ""});
  const std::size_t section = html.find("<section id=\"expectations\">");
  ASSERT_NE(section, std::string::npos) << html;
  EXPECT_LT(html.find("<section id=\"verdict\">"), section);
  EXPECT_LT(section, html.find("<section id=\"timeline\">"));
  const std::size_t fail = html.find(
      "<tr><td class=\"bad\">FAIL</td><td>x#0 data_delivered_at 500ms ±100ms</td><td class=\"num\">1.000060</td>"
      "<td class=\"num\">14</td></tr>", section);
  const std::size_t pass = html.find(
      "<tr><td class=\"ok\">PASS</td><td>TcpExtListenOverflows at least 1</td><td class=\"num\">1</td>"
      "<td class=\"num\">12</td></tr>", section);
  EXPECT_NE(fail, std::string::npos) << html.substr(section, 1200);
  EXPECT_LT(fail, pass);
}

TEST(HtmlExpect, NoBannerWhenEveryExpectationHeld) {
  Outcome m = model_outcome();
  m.expect = testing::one_held_one_failed();
  (*m.expect)[1].passed = true;
  std::string html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(html.find("FAILED"), std::string::npos);
  EXPECT_EQ(html.find("id=\"expect-failed\""), std::string::npos);
  EXPECT_NE(html.find("<title>synsim: loopback-stall</title>"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"expectations\">"), std::string::npos);
  m.expect.reset();
  html = render_html({&m, nullptr, nullptr, "", ""});
  EXPECT_EQ(html.find("<section id=\"expectations\">"), std::string::npos);
}

TEST(HtmlExpect, EachSideOfAComparisonIsJudgedOnItsOwn) {
  Outcome m = model_outcome();
  m.expect = testing::one_held_one_failed();
  (*m.expect)[1].passed = true;
  Outcome k = kernel_outcome();
  k.expect = testing::one_held_one_failed();
  compare::Comparison c = comparison();
  const std::string html = render_html({&m, &k, &c, "", ""});
  EXPECT_NE(html.find("<h2>FAILED on the kernel: 1 of 2 expectations</h2>"), std::string::npos) << html;
  EXPECT_EQ(html.find("FAILED on the model"), std::string::npos);
  EXPECT_LT(html.find("id=\"expect-failed\""), html.find("<span class=\"badge disagree\">DISAGREE</span>"));
  EXPECT_NE(html.find("<tr><td>kernel</td><td class=\"bad\">FAIL</td>"), std::string::npos);
}

}  // namespace
}  // namespace synsim::report
