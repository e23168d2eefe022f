// A capture explained: each connection's record, its typed reasons and the
// deduced counters, from the 2003 report's own lines, from synsim's own
// pcap of a model run, and from small tcpdump texts of each class.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim/capture/explain.h"
#include "sim/capture/pcap_file.h"
#include "sim/capture/tcpdump_text.h"
#include "sim/model/run.h"
#include "sim/outcome/judge.h"
#include "sim/report/pcap.h"
#include "sim/report/tables.h"
#include "sim/scenario/load.h"

namespace synsim::capture {
namespace {

using outcome::ReasonKind;

const outcome::Reason* find_step(const outcome::ConnectionRecord& r, ReasonKind k) {
  for (const outcome::ExplanationStep& s : r.explanation) {
    if (s.reason.kind == k) return &s.reason;
  }
  return nullptr;
}

outcome::Outcome explained_text(const std::string& text) {
  Input in = read_tcpdump_text(text, "t.txt");
  return explain(in);
}

// The report's two connections, as the report describes them: the good one
// goes through; the hung one's final ACK and request were dropped by a full
// accept queue with the request kept (its SYN-ACK retransmitted after the
// data, answered by a duplicate ACK), and the request is still not
// delivered when the capture ends.
TEST(Explain, The2003ReportsTwoConnections) {
  Input in = read_capture_file(SYNSIM_SOURCE_DIR "/tests/capture/data/lkml-2003-loopback-stall.txt");
  EXPECT_FALSE(in.skipped.empty());  // the mail's prose, each line said
  const outcome::Outcome out = explain(in);
  ASSERT_EQ(out.connections.size(), 2u);
  EXPECT_EQ(out.info.source, "capture");
  EXPECT_EQ(out.info.server_port, 8080);

  const outcome::ConnectionRecord& good = out.connections[0];
  EXPECT_EQ(good.client_port, 48056);
  EXPECT_EQ(good.outcome, outcome::ConnectionOutcome::completed);
  EXPECT_EQ(good.syn_retransmits + good.synack_retransmits + good.data_retransmits, 0u);
  EXPECT_EQ(good.stall(), us(46));
  ASSERT_TRUE(good.response_received);
  for (const outcome::ExplanationStep& s : good.explanation) EXPECT_FALSE(outcome::is_incident(s.reason));

  const outcome::ConnectionRecord& hung = out.connections[1];
  EXPECT_EQ(hung.client_port, 49186);
  EXPECT_EQ(hung.outcome, outcome::ConnectionOutcome::open_at_end);
  EXPECT_EQ(hung.synack_retransmits, 1u);
  EXPECT_FALSE(hung.data_delivered);
  const outcome::Reason* dropped = find_step(hung, ReasonKind::capture_final_ack_dropped);
  ASSERT_NE(dropped, nullptr);
  EXPECT_TRUE(dropped->flag);   // the data after the final ACK too
  EXPECT_EQ(dropped->a, 3u);    // final ACK, request, duplicate ACK
  EXPECT_EQ(dropped->d, 90u);   // loopback, with data: a full accept queue
  const outcome::Reason* dup = find_step(hung, ReasonKind::kernel_challenge_ack);
  ASSERT_NE(dup, nullptr);
  EXPECT_TRUE(dup->flag);  // D-SACK {0:1}
  ASSERT_FALSE(hung.explanation.empty());
  EXPECT_EQ(hung.explanation.back().reason.kind, ReasonKind::request_never_delivered);

  EXPECT_EQ(out.counters.at("TcpExtListenOverflows"), 3);
  EXPECT_EQ(out.counters.at("TcpExtTCPSynRetrans"), 1);
}

// synsim's own pcap of a model run, explained: the same retransmissions on
// every connection, and the final ACK dropped on a full accept queue
// exactly where the model dropped it.
TEST(Explain, AModelRunsPcapAgreesWithTheModelsRecords) {
  scenario::LoadResult loaded = scenario::load_file(SYNSIM_SOURCE_DIR "/scenarios/stall/loopback-stall-2003.yaml");
  ASSERT_TRUE(loaded.ok());
  const outcome::Outcome model = model::run(*loaded.scenario);
  Input in = read_pcap_bytes(report::render_pcap(model), "model.pcap");
  const outcome::Outcome out = explain(in);
  ASSERT_EQ(out.connections.size(), model.connections.size());
  std::size_t overflows = 0;
  for (const outcome::ConnectionRecord& m : model.connections) {
    const auto e = std::find_if(out.connections.begin(), out.connections.end(),
                                [&](const outcome::ConnectionRecord& r) { return r.client_port == m.client_port; });
    ASSERT_NE(e, out.connections.end()) << m.name;
    EXPECT_EQ(e->syn_retransmits, m.syn_retransmits) << m.name;
    EXPECT_EQ(e->synack_retransmits, m.synack_retransmits) << m.name;
    EXPECT_EQ(e->data_retransmits, m.data_retransmits) << m.name;
    const bool model_kept = std::any_of(m.explanation.begin(), m.explanation.end(), [](const auto& s) {
      return s.reason.kind == ReasonKind::acceptq_full_request_kept;
    });
    EXPECT_EQ(find_step(*e, ReasonKind::capture_final_ack_dropped) != nullptr, model_kept) << m.name;
    // The capture sees the server's socket take the request, not the
    // application read it: a request that waited for a retransmission
    // stalled on both; one queued at once but accepted late only in the model.
    if (m.data_retransmits > 0) {
      EXPECT_TRUE(outcome::stalled(*e)) << m.name;
    }
    EXPECT_EQ(e->syncookie, m.syncookie) << m.name;
    overflows += model_kept;
  }
  EXPECT_GT(overflows, 0u);  // the scenario is the 2003 stall
}

constexpr const char* kSyn =
    "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 65495, options [mss 65495], length 0\n";
constexpr const char* kSynAck =
    "0.000010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65483, options [mss 65495], "
    "length 0\n";
constexpr const char* kFinalAck = "0.000020 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 5001, win 512, length 0\n";

TEST(Explain, SynRetransmittedAfterADrop) {
  const outcome::Outcome out = explained_text(
      std::string(kSyn) +
      "1.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 65495, options [mss 65495], length 0\n"
      "1.000010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65483, options [mss 65495], "
      "length 0\n"
      "1.000020 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 5001, win 512, length 0\n");
  ASSERT_EQ(out.connections.size(), 1u);
  const outcome::ConnectionRecord& r = out.connections[0];
  EXPECT_EQ(r.syn_retransmits, 1u);
  const outcome::Reason* dropped = find_step(r, ReasonKind::capture_syn_dropped);
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->a, 1u);
  EXPECT_NE(find_step(r, ReasonKind::kernel_syn_retransmitted), nullptr);
  EXPECT_EQ(*r.connect_done - *r.connect_start, us(1'000'020));
  EXPECT_EQ(out.counters.at("TcpExtListenDrops"), 1);
}

// The 2003 scenario's x#3 on today's kernel: a cookie SYN-ACK, its ACK (on
// the data) dropped by a full accept queue, the data retransmitted for
// seconds and no SYN-ACK ever again, until a retransmission gets in.
TEST(Explain, SyncookieSynAckNeverRetransmittedWhileItsAckGoesUnanswered) {
  const std::string c = "IP 127.0.0.1.40000 > 127.0.0.1.8080: ";
  const std::string data = "Flags [P.], seq 1001:1006, ack 5001, win 512, length 5\n";
  const outcome::Outcome out = explained_text(
      std::string(kSyn) + kSynAck + "0.080000 " + c + data + "0.300000 " + c + data + "0.740000 " + c + data +
      "1.620000 " + c + data + "3.380000 " + c + data +
      "3.380010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [.], ack 1006, win 512, length 0\n");
  ASSERT_EQ(out.connections.size(), 1u);
  const outcome::ConnectionRecord& r = out.connections[0];
  const outcome::Reason* cookie = find_step(r, ReasonKind::capture_syncookie);
  ASSERT_NE(cookie, nullptr);
  EXPECT_EQ(cookie->a, 4u);  // the fifth created the child
  EXPECT_EQ(cookie->d, 75u);
  EXPECT_TRUE(r.syncookie);
  EXPECT_EQ(find_step(r, ReasonKind::capture_final_ack_dropped), nullptr);
  EXPECT_EQ(r.data_retransmits, 4u);
  EXPECT_EQ(out.counters.at("TcpExtSyncookiesSent"), 1);
  EXPECT_EQ(out.counters.at("TcpExtListenOverflows"), 4);
  // The same connection answered at once is an ordinary handshake: nothing to infer.
  const outcome::Outcome clean = explained_text(std::string(kSyn) + kSynAck + "0.080000 " + c + data +
                                                "0.080010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [.], ack 1006, "
                                                "win 512, length 0\n");
  for (const outcome::Annotation& a : clean.annotations) EXPECT_FALSE(outcome::is_incident(a.reason));
}

TEST(Explain, ResetByAbortOnOverflow) {
  const outcome::Outcome out = explained_text(
      std::string(kSyn) + kSynAck + kFinalAck +
      "0.000030 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [R], seq 5001, win 0, length 0\n");
  const outcome::ConnectionRecord& r = out.connections.at(0);
  const outcome::Reason* abort = find_step(r, ReasonKind::capture_abort_on_overflow);
  ASSERT_NE(abort, nullptr);
  EXPECT_TRUE(abort->flag);  // no ACK, at the final ACK's ack_seq
  EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::reset);
  EXPECT_EQ(r.error, "ECONNRESET");
  EXPECT_EQ(out.counters.at("TcpExtEmbryonicRsts"), 1);
}

// The request kept acked until tcp_synack_retries ran out: SYN-ACKs at
// 1 s and 3 s, the request retransmitted with its backoff, and the
// listener's RST for a request that is gone.
TEST(Explain, RequestExpiredAfterSynAckRetriesWithTheDataBackoffReadOffTheGaps) {
  const std::string c = "IP 127.0.0.1.40000 > 127.0.0.1.8080: ";
  const std::string s = "IP 127.0.0.1.8080 > 127.0.0.1.40000: ";
  const std::string data = "Flags [P.], seq 1001:1006, ack 5001, win 512, length 5\n";
  const std::string synack = "Flags [S.], seq 5000, ack 1001, win 65483, options [mss 65495], length 0\n";
  const std::string dup = "Flags [.], ack 5001, win 512, options [nop,nop,sack 1 {5000:5001}], length 0\n";
  const outcome::Outcome out = explained_text(std::string(kSyn) + kSynAck + kFinalAck + "0.000030 " + c + data +
                                              "0.230030 " + c + data + "0.670030 " + c + data + "1.000000 " + s +
                                              synack + "1.000010 " + c + dup + "3.000000 " + s + synack +
                                              "3.000010 " + c + dup + "7.000000 " + c + data + "7.000010 " + s +
                                              "Flags [R], seq 5001, win 0, length 0\n");
  const outcome::ConnectionRecord& r = out.connections.at(0);
  EXPECT_EQ(r.synack_retransmits, 2u);
  EXPECT_EQ(r.data_retransmits, 3u);
  std::vector<std::int64_t> gaps;
  for (const outcome::ExplanationStep& st : r.explanation) {
    if (st.reason.kind == ReasonKind::kernel_request_retransmitted) gaps.push_back(st.reason.n);
  }
  EXPECT_EQ(gaps, (std::vector<std::int64_t>{to_ns(ms(230)), to_ns(ms(440)), to_ns(us(6'329'970))}));
  const outcome::Reason* expired = find_step(r, ReasonKind::capture_request_expired);
  ASSERT_NE(expired, nullptr);
  EXPECT_EQ(expired->a, 2u);
  EXPECT_TRUE(expired->flag);
  const outcome::Reason* kept = find_step(r, ReasonKind::capture_final_ack_dropped);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->a, 7u);  // the final ACK, four data transmissions, two duplicate ACKs
  EXPECT_EQ(r.outcome, outcome::ConnectionOutcome::reset);
}

TEST(Explain, ServerNamedOnTheCommandLine) {
  std::string error;
  const auto server = parse_server("127.0.0.1:9999", error);
  ASSERT_TRUE(server);
  Input in = read_tcpdump_text(std::string(kSyn) + kSynAck + kFinalAck, "t.txt");
  ExplainOptions options;
  options.server = *server;
  EXPECT_THROW(explain(in, options), InputError);  // nothing to or from 127.0.0.1:9999
  EXPECT_FALSE(parse_server("127.0.0.1", error));
  EXPECT_EQ(error, "'127.0.0.1': expected ADDR:PORT (IPv6 as [ADDR]:PORT)");
  const auto v6 = parse_server("[::1]:8080", error);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->addr, "::1");
}

// The summary of a capture is the run summary: stories, the latency block
// and the counters, deduced.
TEST(Explain, SummaryHasTheRunsBlocks) {
  Input in = read_capture_file(SYNSIM_SOURCE_DIR "/tests/capture/data/lkml-2003-loopback-stall.txt");
  const std::string text = report::render_summary(explain(in));
  EXPECT_NE(text.find("c#1: open_at_end"), std::string::npos);
  EXPECT_NE(text.find("latency as users see it"), std::string::npos);
  EXPECT_NE(text.find("counters (deduced from the capture)"), std::string::npos);
  EXPECT_NE(text.find("TcpExtListenOverflows  3"), std::string::npos);
  EXPECT_EQ(text.find("trace hash"), std::string::npos);
}

}  // namespace
}  // namespace synsim::capture
