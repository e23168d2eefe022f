// `synsim explain` of the kernel runner's own capture.pcap (what
// `synsim kernel FILE --out DIR` writes) agrees with that run's record of
// every connection: the same retransmissions, the same requests delivered
// late, and the listener behaviour the run's counters show.
// Skipped, with the reason printed, where network namespaces cannot be made.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "sim/capture/classes.h"
#include "sim/capture/derive.h"
#include "sim/capture/pcap_file.h"
#include "sim/model/run.h"
#include "sim/report/pcap.h"
#include "sim/scenario/write.h"
#include "sim/capture/explain.h"
#include "sim/capture/stream.h"
#include "sim/kernel/runner.h"
#include "sim/outcome/judge.h"
#include "sim/report/out_dir.h"
#include "sim/report/tables.h"
#include "sim/scenario/load.h"
#include "tests/kernel/namespaces.h"

namespace synsim::kernel {
namespace {

constexpr double kSlack = 0.11;  // seconds: the machine's scheduling hiccups (kernel_run_test.cc)

double secs(Time t) { return static_cast<double>(to_ns(t)) / 1e9; }

bool has_step(const outcome::ConnectionRecord& r, outcome::ReasonKind k) {
  return std::any_of(r.explanation.begin(), r.explanation.end(),
                     [&](const outcome::ExplanationStep& s) { return s.reason.kind == k; });
}

TEST(KernelExplain, TheKernelRunsPcapExplainedAgreesWithItsRecords) {
  SKIP_WITHOUT_NAMESPACES();
  scenario::LoadResult loaded =
      scenario::load_file(SYNSIM_SOURCE_DIR "/scenarios/stall/loopback-stall-2003.yaml", {"duration=8s"});
  ASSERT_TRUE(loaded.ok());
  const outcome::Outcome run = run_kernel(*loaded.scenario);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("synsim-explain-kernel-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  report::write_out_dir(dir, run, loaded.scenario->source_text);
  capture::Input in = capture::read_capture_file((dir / "capture.pcap").string());
  const outcome::Outcome explained = capture::explain(in);
  // The default summary reads the capture as a stream: the same text, or
  // (a late segment, segments out of order) it reads it whole.
  try {
    const capture::StreamedExplanation s = capture::explain_stream_file((dir / "capture.pcap").string());
    EXPECT_EQ(report::render_summary(s.kept, s.connections, s.latencies), report::render_summary(explained));
  } catch (const capture::NotStreamable& e) {
    std::cout << "not streamed: " << e.what() << '\n';
  }
  std::filesystem::remove_all(dir);
  std::cout << report::render_summary(explained);

  // The capture's times count from its first packet, the run's from its start.
  ASSERT_FALSE(run.packets.empty());
  const double t0 = secs(run.packets.front().time);
  std::size_t matched = 0;
  std::size_t late = 0;
  for (const outcome::ConnectionRecord& k : run.connections) {
    SCOPED_TRACE(k.name);
    const auto e = std::find_if(explained.connections.begin(), explained.connections.end(),
                                [&](const outcome::ConnectionRecord& r) { return r.client_port == k.client_port; });
    ASSERT_NE(e, explained.connections.end());
    ++matched;
    EXPECT_EQ(e->syn_retransmits, k.syn_retransmits);
    EXPECT_EQ(e->synack_retransmits, k.synack_retransmits);
    EXPECT_EQ(e->data_retransmits, k.data_retransmits);
    ASSERT_TRUE(e->connect_start);
    EXPECT_NEAR(t0 + secs(*e->connect_start), secs(*k.connect_start), kSlack);
    if (k.first_data_sent) {
      ASSERT_TRUE(e->first_data_sent);
      EXPECT_NEAR(t0 + secs(*e->first_data_sent), secs(*k.first_data_sent), kSlack);
    }
    // A request that waited for a retransmission: the server's socket took
    // it when the application (accepting by then) read it.
    if (k.data_retransmits > 0) {
      ++late;
      ASSERT_TRUE(e->data_delivered);
      ASSERT_TRUE(k.data_delivered);
      EXPECT_NEAR(t0 + secs(*e->data_delivered), secs(*k.data_delivered), kSlack);
      EXPECT_TRUE(outcome::stalled(*e));
      // Why it waited: a request kept acked (SYN-ACKs retransmitted to it),
      // or a syncookie (none), as the run's own SYN-ACK count says.
      if (k.synack_retransmits > 0) {
        EXPECT_TRUE(has_step(*e, outcome::ReasonKind::capture_final_ack_dropped));
      } else {
        EXPECT_TRUE(has_step(*e, outcome::ReasonKind::capture_syncookie));
      }
    }
  }
  EXPECT_EQ(matched, explained.connections.size());
  EXPECT_GE(late, 3u);  // x#1..x#3, as the 2003 report's hung connection
  // Deduced from the segments, measured by the kernel: the deduction sees
  // the dropped ACKs and requests, the kernel also counts dropped SYNs.
  const std::int64_t deduced = explained.counters.count("TcpExtListenOverflows")
                                   ? explained.counters.at("TcpExtListenOverflows")
                                   : 0;
  const std::int64_t measured = run.counters.count("TcpExtListenOverflows") ? run.counters.at("TcpExtListenOverflows") : 0;
  EXPECT_GE(deduced, 3);
  EXPECT_LE(deduced, measured);
}

// `synsim explain` of a kernel run's capture.pcap, next to the run.
struct Explained {
  outcome::Outcome run;
  outcome::Outcome explained;
};

Explained kernel_run_explained(const std::string& file, const std::vector<std::string>& sets) {
  scenario::LoadResult loaded = scenario::load_file(SYNSIM_SOURCE_DIR "/scenarios/" + file, sets);
  EXPECT_TRUE(loaded.ok());
  Explained e;
  e.run = run_kernel(*loaded.scenario);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("synsim-explain-kernel-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  report::write_out_dir(dir, e.run, loaded.scenario->source_text);
  capture::Input in = capture::read_capture_file((dir / "capture.pcap").string());
  e.explained = capture::explain(in);
  std::filesystem::remove_all(dir);
  return e;
}

// What happened to a connection, as its typed reasons say; `failed` and
// `clean` are one here: a capture cannot see a connection's script (the run
// calls a request delivered on a connection it never closes completed, the
// capture open at the end), and the errors are compared on their own.
const char* incident(const outcome::ConnectionRecord& r) {
  const capture::ConnectionClass c = capture::classify(r);
  return capture::to_string(c == capture::ConnectionClass::failed ? capture::ConnectionClass::clean : c);
}

// Every connection of the run, found by its client port in the explained
// capture, with the run's own retransmission counts, times and class (what
// its typed reasons say happened to it: the runner reads its capture with
// the same story.h, and knows connect() and accept() besides).
void expect_agreement(const Explained& e) {
  ASSERT_FALSE(e.run.packets.empty());
  const double t0 = secs(e.run.packets.front().time);
  for (const outcome::ConnectionRecord& k : e.run.connections) {
    SCOPED_TRACE(k.name);
    const auto x = std::find_if(e.explained.connections.begin(), e.explained.connections.end(),
                                [&](const outcome::ConnectionRecord& r) { return r.client_port == k.client_port; });
    ASSERT_NE(x, e.explained.connections.end());
    EXPECT_EQ(x->syn_retransmits, k.syn_retransmits);
    EXPECT_EQ(x->synack_retransmits, k.synack_retransmits);
    EXPECT_EQ(x->data_retransmits, k.data_retransmits);
    EXPECT_EQ(x->error, k.error);
    EXPECT_STREQ(incident(*x), incident(k));
    ASSERT_TRUE(x->connect_start);
    EXPECT_NEAR(t0 + secs(*x->connect_start), secs(*k.connect_start), kSlack);
    if (k.first_data_sent) {
      ASSERT_TRUE(x->first_data_sent);
      EXPECT_NEAR(t0 + secs(*x->first_data_sent), secs(*k.first_data_sent), kSlack);
    }
  }
  EXPECT_EQ(e.explained.connections.size(), e.run.connections.size());
}

// The scenario `explain --scenario` derives from the kernel's capture,
// played on the model and read back the same way, has the capture's
// classes of connection.
void expect_derived_scenario_plays_back(const Explained& e) {
  const capture::DerivedScenario d = capture::derive_scenario(e.explained, "derived");
  const std::string yaml = scenario::write_yaml(d.scenario, d.comments);
  scenario::LoadResult loaded = scenario::load_string(yaml, "derived.yaml");
  ASSERT_TRUE(loaded.ok()) << yaml;
  const outcome::Outcome model = model::run(*loaded.scenario);
  capture::Input in = capture::read_pcap_bytes(report::render_pcap(model), "model.pcap");
  EXPECT_EQ(capture::class_counts(capture::explain(in)), capture::class_counts(e.explained)) << yaml;
}

// E1 (kernel-handshake.md §11): the final ACK and request dropped on a full
// accept queue, the request delivered by a data retransmission before any
// SYN-ACK retransmission (so the capture reads it as a retransmitted request).
TEST(KernelExplain, E1sCaptureAgreesWithItsRecords) {
  SKIP_WITHOUT_NAMESPACES();
  const Explained e = kernel_run_explained("measured/e1-accept-at-500ms.yaml", {});
  expect_agreement(e);
  EXPECT_TRUE(std::any_of(e.explained.connections.begin(), e.explained.connections.end(), [](const auto& r) {
    return capture::classify(r) == capture::ConnectionClass::data_retransmitted;
  }));
  expect_derived_scenario_plays_back(e);
}

// E4: tcp_abort_on_overflow's RST, ECONNRESET on the client.
TEST(KernelExplain, E4sCaptureAgreesWithItsRecords) {
  SKIP_WITHOUT_NAMESPACES();
  const Explained e = kernel_run_explained("measured/e4-abort-on-overflow.yaml", {});
  expect_agreement(e);
  EXPECT_TRUE(std::any_of(e.explained.connections.begin(), e.explained.connections.end(), [](const auto& r) {
    return capture::classify(r) == capture::ConnectionClass::reset_on_overflow;
  }));
  expect_derived_scenario_plays_back(e);
}

// A load's capture: the counters explain deduces from the segments are the
// kernel's own (nstat's, read by the runner), less the drops no capture can
// see (a final ACK dropped whose data then created the child looks like a
// clean handshake, and so does a cookie's). Measured 2026-12-06 on four
// runs: ListenOverflows 187 of 196, 156 of 165, 81 of 105 and 55 of 93
// (59-95%); TCPSynRetrans and RetransSegs exact. Before explain counted
// unanswered SYNs and the ignored ACKs of a cookie or a kept request
// (capture_acceptq_ignored), it deduced 40 of the model's 166 on the
// model's capture of the same load (24%), and about 20 of 165 on the
// kernel's (12%): the bound below, two fifths, fails that.
TEST(KernelExplain, ALoadsCaptureDeducesTheKernelsOwnCounters) {
  SKIP_WITHOUT_NAMESPACES();
  const Explained e = kernel_run_explained("load/c64-b8.yaml", {"clients.load.count=2000", "duration=6s"});
  const auto counted = [](const outcome::Outcome& o, const char* name) {
    const auto it = o.counters.find(name);
    return it == o.counters.end() ? std::int64_t{0} : static_cast<std::int64_t>(it->second);
  };
  ASSERT_GT(counted(e.run, "TcpExtListenOverflows"), 50) << "the load no longer overflows its accept queue";
  const std::int64_t real = counted(e.run, "TcpExtListenOverflows");
  const std::int64_t deduced = counted(e.explained, "TcpExtListenOverflows");
  std::cout << "ListenOverflows: deduced " << deduced << ", the kernel counted " << real << '\n';
  EXPECT_LE(deduced, real + 5) << "a capture sees no drop the kernel did not count";
  EXPECT_GE(deduced * 5, real * 2) << "deduced " << deduced << ", the kernel counted " << real;
  // Every overflow is a drop too (tcp_listendrop after LISTENOVERFLOWS).
  EXPECT_GE(counted(e.run, "TcpExtListenDrops"), real);
  EXPECT_EQ(counted(e.explained, "TcpExtListenDrops"), deduced);
  for (const char* name : {"TcpExtTCPSynRetrans", "TcpRetransSegs"}) {
    EXPECT_NEAR(counted(e.explained, name), counted(e.run, name), 2) << name;
  }
}

}  // namespace
}  // namespace synsim::kernel
