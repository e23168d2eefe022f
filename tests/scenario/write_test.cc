// A Scenario written as YAML loads back as the same experiment: the
// writer `synsim explain --scenario` uses (sim/scenario/write.h).
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::scenario {
namespace {

Scenario loaded(const std::string& file) {
  LoadResult r = load_file(SYNSIM_SOURCE_DIR "/scenarios/" + file);
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors.front().str());
  Scenario sc = *r.scenario;
  sc.expect = {};
  return sc;
}

// Loaded back, the scenario writes as the same text (the writer writes
// every field it knows, and refuses a scenario with fields it does not),
// and its main figures are the original's.
void expect_round_trip(const Scenario& sc) {
  const std::string yaml = write_yaml(sc, {{"server.backlog", {"a comment", "and another"}}});
  const LoadResult back = load_string(yaml, "written.yaml");
  ASSERT_TRUE(back.ok()) << back.errors.front().str() << "\n" << yaml;
  EXPECT_EQ(write_yaml(*back.scenario, {{"server.backlog", {"a comment", "and another"}}}), yaml);
  const Scenario& b = *back.scenario;
  EXPECT_EQ(b.name, sc.name);
  EXPECT_EQ(b.seed, sc.seed);
  EXPECT_EQ(b.duration, sc.duration);
  EXPECT_EQ(b.kernel, sc.kernel);
  EXPECT_EQ(b.sysctls.size(), sc.sysctls.size());
  EXPECT_EQ(b.server.backlog, sc.server.backlog);
  EXPECT_EQ(b.server.accept.start, sc.server.accept.start);
  EXPECT_EQ(b.server.accept.per_accept_cost, sc.server.accept.per_accept_cost);
  EXPECT_EQ(b.server.accept.never, sc.server.accept.never);
  EXPECT_EQ(b.server.on_data.respond_bytes, sc.server.on_data.respond_bytes);
  ASSERT_EQ(b.clients.size(), sc.clients.size());
  for (std::size_t i = 0; i < sc.clients.size(); ++i) {
    EXPECT_EQ(b.clients[i].count, sc.clients[i].count);
    EXPECT_EQ(b.clients[i].start, sc.clients[i].start);
    EXPECT_EQ(b.clients[i].arrival.kind, sc.clients[i].arrival.kind);
    EXPECT_EQ(b.clients[i].arrival.concurrency, sc.clients[i].arrival.concurrency);
    EXPECT_EQ(b.clients[i].arrival.rate_per_s, sc.clients[i].arrival.rate_per_s);
    EXPECT_EQ(b.clients[i].defer_final_ack, sc.clients[i].defer_final_ack);
    EXPECT_EQ(b.clients[i].send.has_value(), sc.clients[i].send.has_value());
    EXPECT_EQ(b.clients[i].close.kind, sc.clients[i].close.kind);
    EXPECT_EQ(b.clients[i].close_style, sc.clients[i].close_style);
  }
}

TEST(ScenarioWriter, ShippedScenariosLoadBackAndWriteAsTheSameText) {
  for (const char* f : {"stall/loopback-stall-2003.yaml", "measured/e1-accept-at-500ms.yaml",
                        "measured/e3-never-accept.yaml", "measured/e4-abort-on-overflow.yaml",
                        "hypotheses/connect-send-delay-under-load.yaml", "load/c64-b8.yaml",
                        "load/server-pause.yaml", "report/echo-load.yaml"}) {
    SCOPED_TRACE(f);
    expect_round_trip(loaded(f));
  }
}

// The check can fail: a changed value writes as another text.
TEST(ScenarioWriter, AChangedValueWritesAsAnotherText) {
  const Scenario sc = loaded("hypotheses/connect-send-delay-under-load.yaml");
  const LoadResult changed = load_string(write_yaml(sc), "written.yaml", {"server.backlog=9"});
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(write_yaml(*changed.scenario), write_yaml(sc));
}

TEST(ScenarioWriter, CommentsAboveTheirKeysAndExactDurations) {
  Scenario sc = loaded("measured/e1-accept-at-500ms.yaml");
  const std::string yaml = write_yaml(sc, {{"server.backlog", {"why 0"}}, {"", {"header"}}});
  EXPECT_EQ(yaml.rfind("# header\nname: e1-accept-at-500ms\n", 0), 0u) << yaml;
  EXPECT_NE(yaml.find("  # why 0\n  backlog: 0\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("start: 520500us"), std::string::npos) << yaml;
  EXPECT_EQ(exact_duration(ms(1500)), "1500ms");
  EXPECT_EQ(exact_duration(ns(7)), "7ns");
  EXPECT_EQ(exact_duration(Duration{0}), "0");
}

TEST(ScenarioWriter, WhatItDoesNotWriteIsRefused) {
  Scenario sc = loaded("wire/final-ack-held.yaml");
  EXPECT_THROW(write_yaml(sc), NotWritable);
}

}  // namespace
}  // namespace synsim::scenario
