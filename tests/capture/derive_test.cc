// From a capture to a scenario (`synsim explain --scenario`): the scenario
// derived from a model run's capture, played on the model, shows the same
// classes of connection as the capture it came from; and what it infers
// (the backlog, the arrivals, the accept behaviour) is the scenario's own.
#include <gtest/gtest.h>

#include <string>

#include "sim/capture/derive.h"
#include "sim/capture/explain.h"
#include "sim/capture/pcap_file.h"
#include "sim/model/run.h"
#include "sim/report/pcap.h"
#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::capture {
namespace {

using Classes = std::array<std::uint64_t, kConnectionClasses>;

scenario::Scenario shipped(const std::string& file, const std::vector<std::string>& sets = {}) {
  scenario::LoadResult r = scenario::load_file(SYNSIM_SOURCE_DIR "/scenarios/" + file, sets);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().str());
  return *r.scenario;
}

// A model run as a capture would show it: its pcap, read back and explained.
outcome::Outcome captured(const scenario::Scenario& sc) {
  const outcome::Outcome run = model::run(sc);
  Input in = read_pcap_bytes(report::render_pcap(run), "run.pcap");
  return explain(in);
}

// The derived scenario as the file `--scenario` writes, loaded back.
scenario::Scenario written(const DerivedScenario& d, const std::vector<std::string>& sets = {}) {
  const std::string yaml = scenario::write_yaml(d.scenario, d.comments);
  scenario::LoadResult r = scenario::load_string(yaml, "derived.yaml", sets);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().str()) << "\n" << yaml;
  return *r.scenario;
}

std::string text(const Classes& n) {
  std::string s;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] > 0) s += std::string(to_string(static_cast<ConnectionClass>(i))) + "=" + std::to_string(n[i]) + " ";
  }
  return s;
}

// The same classes: each class present in one is present in the other,
// with a count within a factor of two (or 3 of each other, for small ones).
bool same_classes(const Classes& a, const Classes& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] == 0) != (b[i] == 0)) return false;
    const std::uint64_t lo = std::min(a[i], b[i]), hi = std::max(a[i], b[i]);
    if (hi > 2 * lo && hi - lo > 3) return false;
  }
  return true;
}

// The load of connect-send-delay-under-load: 64 in flight, backlog 8, a
// 50 us acceptor. Its capture shows SYNs dropped, retransmitted in
// lockstep bursts that get backlog + 1 = 9 in at a time; the scenario
// derived from it plays back with the same classes of connection.
TEST(DerivedScenario, ALoadsCapturePlaysBackWithTheSameClassesOfConnection) {
  const outcome::Outcome original = captured(shipped("hypotheses/connect-send-delay-under-load.yaml"));
  const Classes want = class_counts(original);
  ASSERT_GT(want[static_cast<std::size_t>(ConnectionClass::syn_dropped)], 0u) << text(want);

  const DerivedScenario d = derive_scenario(original, "derived");
  EXPECT_EQ(d.scenario.server.backlog, 8);
  EXPECT_EQ(d.limit_from_bursts, 9);      // most retransmission bursts let exactly backlog + 1 in
  EXPECT_EQ(d.limit_from_overflows, 9);   // and 9 children waited at the fullest overflow
  ASSERT_EQ(d.scenario.clients.size(), 1u);
  EXPECT_EQ(d.scenario.clients[0].arrival.kind, scenario::ArrivalSpec::Kind::concurrency);
  EXPECT_EQ(d.scenario.clients[0].arrival.concurrency, 64u);
  EXPECT_EQ(d.scenario.clients[0].count, 600u);
  const Classes got = class_counts(captured(written(d)));
  EXPECT_TRUE(same_classes(want, got)) << "capture: " << text(want) << "\nderived: " << text(got) << "\n"
                                       << scenario::write_yaml(d.scenario, d.comments);

  // The check can fail: the same scenario with room for every connection
  // in flight shows none of the capture's dropped SYNs.
  const Classes roomy = class_counts(captured(written(d, {"server.backlog=128"})));
  EXPECT_FALSE(same_classes(want, roomy)) << text(roomy);
}

// The 2003 stall: a handful of connections, each its own group at its own
// time; the accept queue's limit from the children waiting when the final
// ACKs overflowed (the two never accepted and x#0: 3, backlog 2), and the
// application's late start from its first answer.
TEST(DerivedScenario, TheStallsCapturePlaysBackWithTheSameClassesOfConnection) {
  const outcome::Outcome original = captured(shipped("stall/loopback-stall-2003.yaml"));
  const Classes want = class_counts(original);
  ASSERT_GT(want[static_cast<std::size_t>(ConnectionClass::final_ack_dropped)], 0u) << text(want);

  const DerivedScenario d = derive_scenario(original, "derived");
  EXPECT_EQ(d.scenario.server.backlog, 2);
  EXPECT_EQ(d.limit_from_bursts, std::nullopt);  // nothing retransmitted in lockstep
  EXPECT_EQ(d.scenario.clients.size(), 6u);
  ASSERT_TRUE(d.scenario.server.accept.start);
  EXPECT_GE(*d.scenario.server.accept.start, sec(4));
  EXPECT_TRUE(d.scenario.clients.back().defer_final_ack);
  const Classes got = class_counts(captured(written(d)));
  EXPECT_EQ(got, want) << "capture: " << text(want) << "\nderived: " << text(got);
}

// E3 (never accept) and E4 (tcp_abort_on_overflow): the reasons imply the
// sysctls and that the application never took the overflowed request.
TEST(DerivedScenario, ExpiryAndAbortOnOverflowImplyTheirSysctls) {
  for (const char* f : {"measured/e1-accept-at-500ms.yaml", "measured/e3-never-accept.yaml",
                        "measured/e4-abort-on-overflow.yaml"}) {
    SCOPED_TRACE(f);
    const outcome::Outcome original = captured(shipped(f));
    const Classes want = class_counts(original);
    const DerivedScenario d = derive_scenario(original, "derived");
    EXPECT_EQ(d.scenario.server.backlog, 0);
    const Classes got = class_counts(captured(written(d)));
    EXPECT_EQ(got, want) << "capture: " << text(want) << "\nderived: " << text(got) << "\n"
                         << scenario::write_yaml(d.scenario, d.comments);
  }
}

TEST(DerivedScenario, NameFromTheCaptureFile) {
  EXPECT_EQ(scenario_name_for("/tmp/My Capture_01.pcapng"), "my-capture-01");
  EXPECT_EQ(scenario_name_for("..."), "capture");
}

}  // namespace
}  // namespace synsim::capture
