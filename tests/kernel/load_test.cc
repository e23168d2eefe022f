// The kernel runner's applications at load: the server on its own threads,
// its costs spent as real CPU, accept() per wakeup, Poisson arrivals with
// the model's gaps, ephemeral ports (widened, or exhausted and explained),
// runs without capture. Behaviour only; capacity figures are in
// tests/bench/kernel_load_bench.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "sim/kernel/runner.h"
#include "sim/scenario/arrivals.h"
#include "sim/scenario/load.h"
#include "tests/kernel/namespaces.h"
#include "tests/kernel/scenario_text.h"

namespace synsim::kernel {
namespace {

constexpr double kSlack = 0.11;  // seconds: timer granules plus this machine's ~100 ms hiccups (rule 16)

scenario::Scenario load(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return testing::scenario_from_text(yaml, "load.yaml", sets);
}

using testing::secs;

std::int64_t counter(const outcome::Outcome& out, const std::string& name) {
  const auto it = out.counters.find(name);
  return it == out.counters.end() ? 0 : it->second;
}

std::string host_port_range() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  std::string low, high;
  in >> low >> high;
  return low + " " + high;
}

// Closed-loop request/response load, all on one listener served by a pool.
constexpr const char* kExchange =
    "name: exchange\n"
    "description: closed-loop request and response\n"
    "duration: 1500ms\n"
    "server: {backlog: 256, threads: 4, on_data: {respond_bytes: 100}}\n"
    "clients:\n"
    "  - name: c\n"
    "    count: 400\n"
    "    arrival: {concurrency: 16}\n"
    "    send: {bytes: 5, after: 0}\n"
    "    close: after_response\n"
    "    close_style: rst\n";

TEST(KernelServer, AWorkerPoolOnOneListenerServesEveryConnection) {
  SKIP_WITHOUT_NAMESPACES();
  const outcome::Outcome out = run_kernel(load(kExchange));
  ASSERT_EQ(out.connections.size(), 400u);
  for (const auto& c : out.connections) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.outcome, outcome::ConnectionOutcome::completed);
    ASSERT_TRUE(c.accepted && c.data_delivered && c.response_received && c.connect_start);
    EXPECT_LE(*c.connect_start, *c.accepted) << "the child is named after the connection that used its port";
    EXPECT_LE(*c.accepted, *c.data_delivered);
  }
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 0);
}

// accept() one per wakeup: the loop serves the children in between, and
// still accepts everything queued.
TEST(KernelServer, OneAcceptPerWakeupStillAcceptsEveryChild) {
  SKIP_WITHOUT_NAMESPACES();
  const outcome::Outcome out = run_kernel(load(
      "name: per-wakeup\n"
      "description: a burst against a one-accept-per-wakeup loop\n"
      "duration: 800ms\n"
      "server: {backlog: 128, accept: {per_wakeup: 1}, on_data: {respond_bytes: 10}}\n"
      "clients:\n"
      "  - {name: c, count: 60, arrival: {burst: 60, at: 100ms}, send: {bytes: 5, after: 0}, close: after_response}\n"));
  for (const auto& c : out.connections) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.outcome, outcome::ConnectionOutcome::completed);
    EXPECT_TRUE(c.accepted);
  }
}

// per_accept_cost is CPU spent after each accept() on the server thread:
// successive accepts are at least the cost apart, and with a small backlog
// the queue overflows while the thread is busy.
TEST(KernelServer, PerAcceptCostKeepsTheThreadBusyBetweenAccepts) {
  SKIP_WITHOUT_NAMESPACES();
  const outcome::Outcome out = run_kernel(load(
      "name: slow-acceptor\n"
      "description: a slow acceptor under a burst\n"
      "duration: 1200ms\n"
      "server: {backlog: 2, accept: {mode: {per_accept_cost: 20ms}}}\n"
      "clients:\n"
      "  - {name: c, count: 12, arrival: {burst: 12, at: 50ms}, send: {bytes: 5, after: 0}}\n"));
  std::vector<double> accepted;
  for (const auto& c : out.connections) {
    if (c.accepted) accepted.push_back(secs(*c.accepted));
  }
  ASSERT_GE(accepted.size(), 3u);
  std::sort(accepted.begin(), accepted.end());
  for (std::size_t i = 1; i < accepted.size(); ++i) {
    EXPECT_GE(accepted[i] - accepted[i - 1], 0.0195) << "accept #" << i;
  }
  EXPECT_GT(counter(out, "TcpExtListenOverflows"), 0) << "12 handshakes against room for 3 while the thread spins";
}

// on_data.cost: the server's CPU time before its reply.
TEST(KernelServer, OnDataCostDelaysTheResponseByAtLeastTheCost) {
  SKIP_WITHOUT_NAMESPACES();
  const outcome::Outcome out = run_kernel(load(
      "name: costly-request\n"
      "description: each request costs 30 ms of server CPU\n"
      "duration: 600ms\n"
      "server: {on_data: {respond_bytes: 10, cost: 30ms}}\n"
      "clients:\n"
      "  - {name: c, count: 3, spacing: 100ms, send: {bytes: 5, after: 0}, close: after_response}\n"));
  for (const auto& c : out.connections) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(c.data_delivered && c.response_received);
    EXPECT_GE(secs(*c.response_received) - secs(*c.data_delivered), 0.030);
    EXPECT_EQ(c.outcome, outcome::ConnectionOutcome::completed);
  }
}

// accept.pauses stop the world on the kernel too: every server thread
// sleeps through the pause, so a request on an accepted connection is read
// only when it ends (tests/model/machine_test.cc: the same scenario).
TEST(KernelServer, APauseStopsReadsAsWellAsAccepts) {
  SKIP_WITHOUT_NAMESPACES();
  for (const char* threads : {"1", "4"}) {
    SCOPED_TRACE(std::string("threads ") + threads);
    scenario::LoadResult r = scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/tests/scenarios/paused-server.yaml",
                                                 {std::string("server.threads=") + threads});
    ASSERT_TRUE(r.ok());
    const outcome::Outcome out = run_kernel(*r.scenario);
    ASSERT_EQ(out.connections.size(), 2u);
    const outcome::ConnectionRecord& before = out.connections[0];
    const outcome::ConnectionRecord& during = out.connections[1];
    ASSERT_TRUE(before.accepted && before.data_delivered);
    EXPECT_LT(secs(*before.accepted), 0.1);
    EXPECT_GE(secs(*before.data_delivered), 0.4);
    EXPECT_LT(secs(*before.data_delivered), 0.4 + kSlack);
    ASSERT_TRUE(during.accepted);
    EXPECT_GE(secs(*during.accepted), 0.4);
  }
}

// Poisson arrivals: the kernel's connect() calls follow the gaps the model
// draws from the seed (scenario::ArrivalGaps), never early, and late only by
// scheduling noise.
TEST(KernelLoader, PoissonArrivalsFollowTheModelsGaps) {
  SKIP_WITHOUT_NAMESPACES();
  const scenario::Scenario sc = load(
      "name: poisson\n"
      "description: Poisson arrivals\n"
      "seed: 7\n"
      "duration: 700ms\n"
      "clients:\n"
      "  - {name: c, count: 40, start: 10ms, arrival: {rate: 100/s, process: poisson}, send: {bytes: 5, after: 0},\n"
      "     close: after_response, close_style: rst}\n");
  const outcome::Outcome out = run_kernel(sc);
  scenario::ArrivalGaps gaps(sc.clients[0], sc.seed, 0);
  Time due = kTimeZero + sc.clients[0].start;
  int checked = 0;
  for (const auto& c : out.connections) {
    if (due > kTimeZero + sc.duration - ms(50)) break;
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(c.connect_start);
    EXPECT_GE(secs(*c.connect_start), secs(due) - 1e-6);
    EXPECT_NEAR(secs(*c.connect_start), secs(due), kSlack);
    due = due + gaps.next();
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

// A FIN-closed closed loop that may need more ports than 32768-60999: the
// runner widens the namespace's range, says so, and leaves the host's alone.
TEST(KernelPorts, RangeIsWidenedInTheNamespaceWhenFinClosedLoadNeedsIt) {
  SKIP_WITHOUT_NAMESPACES();
  const std::string host_before = host_port_range();
  std::vector<outcome::Reason> notes;
  KernelOptions opt;
  opt.capture_packets = false;
  const outcome::Outcome out = run_kernel(load(kExchange, {"clients.c.count=40000", "clients.c.close_style=fin",
                                                           "duration=300ms"}),
                                          opt, &notes);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].kind, outcome::ReasonKind::kernel_port_range_widened);
  EXPECT_EQ(notes[0].c, 1024u);  // the new range
  EXPECT_EQ(notes[0].d, 65535u);
  EXPECT_EQ(host_port_range(), host_before);
  EXPECT_GT(std::count_if(out.connections.begin(), out.connections.end(),
                          [](const auto& c) { return c.outcome == outcome::ConnectionOutcome::completed; }),
            100);

  notes.clear();
  run_kernel(load(kExchange, {"clients.c.count=20", "duration=200ms"}), opt, &notes);
  EXPECT_TRUE(notes.empty()) << "20 connections fit the default range";
}

// A deliberately narrow range runs out: connect() fails with EADDRNOTAVAIL
// and the run is refused with the numbers and the fix, not an obscure error.
TEST(KernelPorts, ExhaustedRangeIsReportedWithTheNumbersAndTheFix) {
  SKIP_WITHOUT_NAMESPACES();
  KernelOptions opt;
  opt.port_range_low = 40000;
  opt.port_range_high = 40063;
  const scenario::Scenario sc =
      load(kExchange, {"clients.c.count=1000", "clients.c.close_style=fin", "duration=2s"});
  try {
    run_kernel(sc, opt);
    FAIL() << "64 ports cannot carry 1000 FIN-closed connections within a second";
  } catch (const EnvironmentError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("EADDRNOTAVAIL"), std::string::npos) << m;
    EXPECT_NE(m.find("40000-40063 gives 64 ports"), std::string::npos) << m;
    EXPECT_NE(m.find("TIME_WAIT"), std::string::npos) << m;
    EXPECT_NE(m.find("connect() calls in"), std::string::npos) << m;
    EXPECT_NE(m.find("--port-range"), std::string::npos) << m;
    EXPECT_NE(m.find("close_style: rst"), std::string::npos) << m;
  }
}

// Without the capture: the records and counters are all there, no packets.
TEST(KernelCapture, RunWithoutCaptureKeepsRecordsAndCounters) {
  SKIP_WITHOUT_NAMESPACES();
  KernelOptions opt;
  opt.capture_packets = false;
  const outcome::Outcome out = run_kernel(load(kExchange, {"clients.c.count=50", "duration=500ms"}), opt);
  EXPECT_TRUE(out.packets.empty());
  for (const auto& c : out.connections) EXPECT_EQ(c.outcome, outcome::ConnectionOutcome::completed) << c.name;
  EXPECT_GE(counter(out, "TcpActiveOpens"), 50);
}

}  // namespace
}  // namespace synsim::kernel
