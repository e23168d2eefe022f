// Ephemeral ports without a kernel: how many a scenario holds at once, and
// which connection used a client port when.
#include <gtest/gtest.h>

#include "sim/kernel/ports.h"
#include "sim/scenario/load.h"

namespace synsim::kernel {
namespace {

scenario::Scenario load(const std::string& group) {
  scenario::LoadResult r = scenario::load_string(
      "name: p\ndescription: ports\nduration: 5s\nserver: {on_data: {respond_bytes: 100}}\nclients:\n" + group, "p.yaml");
  EXPECT_TRUE(r.ok());
  return *r.scenario;
}

TEST(EphemeralPorts, FinClosedLoadHoldsRateTimesOneSecondOfTimeWait) {
  const scenario::Scenario sc = load(
      "  - {name: c, count: 100000, arrival: {rate: 20000/s}, send: {bytes: 5, after: 0}, close: after_response}\n");
  EXPECT_EQ(ephemeral_ports_needed(sc), 20000u);
}

TEST(EphemeralPorts, ClosedLoopWithFinIsAssumedToRunAtCapacity) {
  const scenario::Scenario sc = load(
      "  - {name: c, count: 400000, arrival: {concurrency: 128}, send: {bytes: 5, after: 0}, close: after_response}\n");
  EXPECT_GT(ephemeral_ports_needed(sc), 28232u) << "more than a fresh namespace's 32768-60999";
}

TEST(EphemeralPorts, RstCloseHoldsOnlyWhatIsOpen) {
  const scenario::Scenario sc = load(
      "  - {name: c, count: 400000, arrival: {concurrency: 128}, send: {bytes: 5, after: 0}, close: after_response,\n"
      "     close_style: rst}\n");
  EXPECT_EQ(ephemeral_ports_needed(sc), 128u);
}

TEST(EphemeralPorts, FewConnectionsNeedFewPorts) {
  const scenario::Scenario sc = load("  - {name: c, count: 3, send: {bytes: 5, after: 0}}\n");
  EXPECT_EQ(ephemeral_ports_needed(sc), 3u);
}

TEST(PortIndex, AReusedPortBelongsToItsLatestConnectionBeforeTheTime) {
  const std::vector<PortUse> uses{{40000, 0, at_ns(100)}, {40001, 1, at_ns(200)}, {40000, 2, at_ns(300)}};
  const PortIndex index(uses);
  EXPECT_EQ(index.conn_at(40000, at_ns(50)), -1) << "before any use";
  EXPECT_EQ(index.conn_at(40000, at_ns(100)), 0);
  EXPECT_EQ(index.conn_at(40000, at_ns(299)), 0);
  EXPECT_EQ(index.conn_at(40000, at_ns(300)), 2);
  EXPECT_EQ(index.conn_at(40001, at_ns(1000)), 1);
  EXPECT_EQ(index.conn_at(40002, at_ns(1000)), -1);
  EXPECT_EQ(index.conn_at(39999, at_ns(1000)), -1);
}

}  // namespace
}  // namespace synsim::kernel
