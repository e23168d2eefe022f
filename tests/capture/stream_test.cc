// The streaming explainer (sim/capture/stream.h) against explain(): the same
// connection records, reasons, counters, latencies and summary text on every
// capture we have (the files in tests/capture/data, the model's pcap of the
// shipped stall, load and reference scenarios, a synthetic load capture with
// dropped SYNs, overflowed final ACKs, resets, FIN closes, requests that
// expire and 4-tuples reused), and its memory bounded by the connections
// open at once, not by the length of the capture.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/capture/explain.h"
#include "sim/capture/stream.h"
#include "sim/model/run.h"
#include "sim/outcome/latency.h"
#include "sim/report/pcap.h"
#include "sim/report/tables.h"
#include "sim/scenario/load.h"
#include "tests/synthetic_capture.h"

namespace synsim::capture {
namespace {

namespace fs = std::filesystem;

void expect_same_record(const outcome::ConnectionRecord& a, const outcome::ConnectionRecord& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.client_port, b.client_port) << a.name;
  EXPECT_EQ(a.connect_start, b.connect_start) << a.name;
  EXPECT_EQ(a.connect_done, b.connect_done) << a.name;
  EXPECT_EQ(a.first_data_sent, b.first_data_sent) << a.name;
  EXPECT_EQ(a.data_delivered, b.data_delivered) << a.name;
  EXPECT_EQ(a.response_received, b.response_received) << a.name;
  EXPECT_EQ(a.closed, b.closed) << a.name;
  EXPECT_EQ(a.outcome, b.outcome) << a.name;
  EXPECT_EQ(a.error, b.error) << a.name;
  EXPECT_EQ(a.syn_retransmits, b.syn_retransmits) << a.name;
  EXPECT_EQ(a.synack_retransmits, b.synack_retransmits) << a.name;
  EXPECT_EQ(a.data_retransmits, b.data_retransmits) << a.name;
  EXPECT_EQ(a.syncookie, b.syncookie) << a.name;
  EXPECT_EQ(a.explanation, b.explanation) << a.name;  // the typed reasons, in order
}

// The stream's figures, counted by value, against latency_figures() of
// every wait.
void expect_same_latencies(const std::array<outcome::LatencyFigures, 3>& a, const outcome::UserLatencies& b) {
  for (const outcome::Latency which : outcome::kLatencies) {
    const outcome::LatencyFigures& s = a[static_cast<std::size_t>(which)];
    const outcome::LatencyFigures w = outcome::latency_figures(b[which], which);
    EXPECT_EQ(s.started, w.started) << outcome::to_string(which);
    EXPECT_EQ(s.finished, w.finished) << outcome::to_string(which);
    EXPECT_EQ(s.unfinished, w.unfinished) << outcome::to_string(which);
    EXPECT_EQ(s.over, w.over) << outcome::to_string(which);
    for (std::size_t i = 0; i < s.quantiles.size() && w.started > 0; ++i) {
      EXPECT_EQ(s.quantiles[i].value, w.quantiles[i].value) << outcome::to_string(which) << " " << i;
    }
  }
}

// explain() of `bytes` and the stream of the same bytes say the same.
void expect_stream_as_explain(const std::string& bytes, const std::string& name, const ExplainOptions& options = {}) {
  SCOPED_TRACE(name);
  Input in = read_capture_bytes(bytes, name);
  const outcome::Outcome whole = explain(in, options);
  std::vector<outcome::ConnectionRecord> every;
  const StreamedExplanation s = explain_stream_bytes(bytes, name, options, [&](const outcome::ConnectionRecord& r) {
    every.push_back(r);
  });
  ASSERT_EQ(s.connections, whole.connections.size());
  ASSERT_EQ(every.size(), whole.connections.size());
  for (const outcome::ConnectionRecord& r : every) {
    ASSERT_LT(r.index, whole.connections.size());
    expect_same_record(r, whole.connections[r.index]);
  }
  for (const outcome::ConnectionRecord& r : s.kept.connections) expect_same_record(r, whole.connections[r.index]);
  EXPECT_EQ(s.kept.counters, whole.counters);
  EXPECT_EQ(s.kept.info.duration, whole.info.duration);
  EXPECT_EQ(s.kept.info.server_port, whole.info.server_port);
  expect_same_latencies(s.latencies, outcome::user_latencies(whole));
  EXPECT_EQ(report::render_summary(s.kept, s.connections, s.latencies), report::render_summary(whole));
  EXPECT_EQ(s.skipped_count, in.skipped.size());
  for (std::size_t i = 0; i < s.skipped.size() && i < in.skipped.size(); ++i) {
    EXPECT_EQ(s.skipped[i].where, in.skipped[i].where);
    EXPECT_EQ(s.skipped[i].why, in.skipped[i].why);
  }
}

std::string file_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string synthetic(std::uint64_t packets, std::int64_t spacing_ns, testing::SyntheticCapture* made = nullptr) {
  std::string bytes;
  const testing::SyntheticCapture m =
      testing::write_synthetic_capture(packets, spacing_ns, [&](const std::string& b) { bytes += b; });
  if (made != nullptr) *made = m;
  return bytes;
}

TEST(StreamExplain, EveryCaptureFileGivesExplainsAnswers) {
  std::size_t files = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(SYNSIM_SOURCE_DIR "/tests/capture/data")) {
    expect_stream_as_explain(file_bytes(e.path()), e.path().filename().string());
    ++files;
  }
  EXPECT_GT(files, 0u);
}

TEST(StreamExplain, TheModelsCapturesOfTheShippedScenariosGiveExplainsAnswers) {
  for (const char* rel : {"scenarios/stall/loopback-stall-2003.yaml", "scenarios/stall/report-2003-linux-2.5.66.yaml",
                          "scenarios/hypotheses/connect-send-delay-under-load.yaml",
                          "scenarios/hypotheses/abort-on-overflow-turns-stalls-into-resets.yaml",
                          "scenarios/measured/e1-accept-at-500ms.yaml", "scenarios/measured/e3-never-accept.yaml",
                          "scenarios/measured/e4-abort-on-overflow.yaml", "scenarios/load/c64-b8.yaml"}) {
    scenario::LoadResult loaded = scenario::load_file(std::string(SYNSIM_SOURCE_DIR "/") + rel);
    ASSERT_TRUE(loaded.ok()) << rel;
    const outcome::Outcome model = model::run(*loaded.scenario);
    expect_stream_as_explain(report::render_pcap(model), rel);
  }
}

// Dropped SYNs retransmitted 1 s later, final ACKs ignored by a full accept
// queue, resets, FIN closes, requests left to expire, 4-tuples reused.
TEST(StreamExplain, ASyntheticLoadCaptureGivesExplainsAnswers) {
  testing::SyntheticCapture made;
  const std::string bytes = synthetic(450'000, 10'000, &made);
  EXPECT_GT(made.connections, 50'000u);  // past the first reuse of a 4-tuple
  expect_stream_as_explain(bytes, "synthetic.pcap");
}

TEST(StreamExplain, ServerNamedOnTheCommandLine) {
  ExplainOptions options;
  options.server = ServerAddress{"127.0.0.1", 8080};
  expect_stream_as_explain(synthetic(20'000, 10'000), "synthetic.pcap", options);
}

// Memory is bounded by the connections open at once: twice the capture,
// the same connections and segments held at most. Each connection is read
// and its segments freed once it closed; a request never accepted (one in
// 1000) is held until silent for kIdle (121 s), so both captures are longer
// than that: 8 minutes and 16 minutes of a connection every 10 ms.
TEST(StreamExplain, HeldSegmentsStayBoundedAsTheCaptureGrows) {
  testing::SyntheticCapture shorter_made, longer_made;
  const std::string shorter = synthetic(400'000, 10'000'000, &shorter_made);
  const std::string longer = synthetic(800'000, 10'000'000, &longer_made);
  const StreamHeld a = explain_stream_bytes(shorter, "shorter.pcap").held;
  const StreamHeld b = explain_stream_bytes(longer, "longer.pcap").held;
  RecordProperty("held", ::testing::PrintToString(std::vector<std::size_t>{
                             a.max_open_connections, a.max_segments_held, a.max_remembered, b.max_open_connections,
                             b.max_segments_held, b.max_remembered}));
  EXPECT_LE(a.max_open_connections, 60u);
  EXPECT_LE(a.max_segments_held, 60u * 10u);
  EXPECT_LE(b.max_open_connections, a.max_open_connections + 5);
  EXPECT_LE(b.max_segments_held, a.max_segments_held + 50);
  EXPECT_LE(b.max_remembered, a.max_remembered + 50);
  EXPECT_GT(longer_made.packets, 2 * b.max_segments_held * 100);
}

// IPv6 (the addresses as 16 bytes), a line that is not a packet line
// (skipped and said in its place), and a connection whose SYN-ACK is
// retransmitted after the client's data, answered by a duplicate ACK with
// a D-SACK block (options kept as the in-memory packet has them).
TEST(StreamExplain, Ipv6TextWithASkippedLineGivesExplainsAnswers) {
  const std::string text =
      "0.000000 IP6 ::1.40000 > ::1.8080: Flags [S], seq 1000, win 65476, options [mss 65476,sackOK,TS val 1 "
      "ecr 0,nop,wscale 7], length 0\n"
      "0.000010 IP6 ::1.8080 > ::1.40000: Flags [S.], seq 5000, ack 1001, win 65464, options [mss 65476,sackOK,TS "
      "val 2 ecr 1,nop,wscale 7], length 0\n"
      "this line is not a packet line\n"
      "0.000020 IP6 ::1.40000 > ::1.8080: Flags [.], ack 5001, win 512, length 0\n"
      "0.000030 IP6 ::1.40000 > ::1.8080: Flags [P.], seq 1001:1006, ack 5001, win 512, length 5\n"
      "1.024000 IP6 ::1.8080 > ::1.40000: Flags [S.], seq 5000, ack 1001, win 65464, length 0\n"
      "1.024010 IP6 ::1.40000 > ::1.8080: Flags [.], ack 5001, win 512, options [nop,nop,sack 1 {5000:5001}], "
      "length 0\n"
      "1.024020 IP6 ::1.8080 > ::1.40000: Flags [.], ack 1006, win 512, length 0\n";
  expect_stream_as_explain(text, "v6.txt");
}

// A segment of a connection already read cannot be given to it: the stream
// says so (the command then reads the capture whole) instead of answering
// differently.
TEST(StreamExplain, ASegmentAfterItsConnectionWasReadIsNotStreamable) {
  const std::string text =
      "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 65495, length 0\n"
      "0.000010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65483, length 0\n"
      "0.000020 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 5001, win 512, length 0\n"
      "0.000030 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [R.], seq 1001, ack 5001, win 512, length 0\n"
      "0.500000 IP 127.0.0.1.40001 > 127.0.0.1.8080: Flags [S], seq 2000, win 65495, length 0\n"
      "0.600000 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [R], seq 5001, win 0, length 0\n";
  EXPECT_THROW(explain_stream_bytes(text, "late.txt"), NotStreamable);
}

}  // namespace
}  // namespace synsim::capture
