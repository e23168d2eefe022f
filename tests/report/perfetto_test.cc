#include "sim/report/perfetto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::handshake_outcome;
using Json = nlohmann::json;

Outcome with_queues() {
  Outcome o = handshake_outcome();
  o.queues = {{at_ns(0), 0, 0},         {at_ns(10'000), 1, 0},        {at_ns(20'000), 1, 0},
              {at_ns(30'000), 1, 0},    {at_ns(1'000'050'000), 0, 1}, {at_ns(1'000'055'000), 0, 0}};
  o.accept_queue_limit = 2;
  return o;
}

std::vector<Json> events_where(const Json& trace, const std::string& ph) {
  std::vector<Json> out;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == ph) out.push_back(e);
  }
  return out;
}

// tid -> thread name, from the metadata events of `pid`.
std::map<int, std::string> thread_names(const Json& trace, int pid) {
  std::map<int, std::string> out;
  for (const auto& e : events_where(trace, "M")) {
    if (e["name"] == "thread_name" && e["pid"] == pid) out[e["tid"].get<int>()] = e["args"]["name"];
  }
  return out;
}

int tid_of(const Json& trace, int pid, const std::string& name) {
  for (const auto& [tid, n] : thread_names(trace, pid)) {
    if (n == name) return tid;
  }
  return -1;
}

TEST(Perfetto, IsTraceEventJsonObjectFormat) {
  Json trace = Json::parse(render_perfetto(with_queues()));
  ASSERT_TRUE(trace.is_object());
  ASSERT_TRUE(trace["traceEvents"].is_array());
  EXPECT_EQ(trace["displayTimeUnit"], "ms");
  for (const auto& e : trace["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph")) << e;
    ASSERT_TRUE(e.contains("pid")) << e;
    ASSERT_TRUE(e.contains("name")) << e;
    if (e["ph"] != "M") {
      ASSERT_TRUE(e["ts"].is_number()) << e;
    }
  }
}

TEST(Perfetto, OneProcessPerSideNamedAfterTheSource) {
  Outcome model = with_queues();
  Outcome kernel = model;
  kernel.info.source = "kernel";
  kernel.info.kernel = "6.1.0-test";
  Json trace = Json::parse(render_perfetto(model, &kernel));
  std::map<int, std::string> processes;
  for (const auto& e : events_where(trace, "M")) {
    if (e["name"] == "process_name") processes[e["pid"].get<int>()] = e["args"]["name"];
  }
  EXPECT_EQ(processes, (std::map<int, std::string>{{1, "model (linux-2.5.66)"}, {2, "kernel (6.1.0-test)"}}));
  EXPECT_EQ(thread_names(trace, 2), thread_names(trace, 1));
}

TEST(Perfetto, OneThreadPerConnectionNamedWithItsPort) {
  Json trace = Json::parse(render_perfetto(with_queues()));
  EXPECT_EQ(thread_names(trace, 1), (std::map<int, std::string>{{1, "x#0 :40000"}, {2, "x#1 :40002"}}));
}

TEST(Perfetto, PhasesAreCompleteSlicesInMicroseconds) {
  Json trace = Json::parse(render_perfetto(with_queues()));
  const int x0 = tid_of(trace, 1, "x#0 :40000");
  std::map<std::string, std::vector<Json>> slices;
  for (const auto& e : events_where(trace, "X")) {
    if (e["tid"] == x0) slices[e["name"]].push_back(e);
  }
  ASSERT_EQ(slices["connect"].size(), 1u);
  EXPECT_DOUBLE_EQ(slices["connect"][0]["ts"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(slices["connect"][0]["dur"].get<double>(), 20.0);
  ASSERT_EQ(slices["waiting for accept"].size(), 1u);
  EXPECT_DOUBLE_EQ(slices["waiting for accept"][0]["ts"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(slices["waiting for accept"][0]["dur"].get<double>(), 1'000'030.0);

  // data in flight (30.999us -> 1000060us) outlasts "waiting for accept"
  // (which ends at 1000050us): cut there and continued.
  ASSERT_EQ(slices["data in flight"].size(), 2u);
  EXPECT_DOUBLE_EQ(slices["data in flight"][0]["ts"].get<double>(), 30.999);
  EXPECT_DOUBLE_EQ(slices["data in flight"][0]["dur"].get<double>(), 1'000'050.0 - 30.999);
  EXPECT_DOUBLE_EQ(slices["data in flight"][1]["ts"].get<double>(), 1'000'050.0);
  EXPECT_DOUBLE_EQ(slices["data in flight"][1]["dur"].get<double>(), 10.0);
  EXPECT_EQ(slices["data in flight"][1]["args"]["continued"], true);

  // The first FIN is at 1.5 s and the record has no `closed`: unfinished, to the run's end (10 s).
  ASSERT_EQ(slices["close"].size(), 1u);
  EXPECT_DOUBLE_EQ(slices["close"][0]["ts"].get<double>(), 1'500'000.0);
  EXPECT_DOUBLE_EQ(slices["close"][0]["dur"].get<double>(), 8'500'000.0);
  EXPECT_EQ(slices["close"][0]["args"]["unfinished"], true);
}

TEST(Perfetto, SlicesOnEveryThreadNest) {
  Outcome o = with_queues();
  o.connections[0].response_received = at_ns(1'000'070'000);
  o.connections[0].closed = at_ns(1'600'000'000);
  Json trace = Json::parse(render_perfetto(o));
  // In integer nanoseconds, so rounding cannot fake an overlap.
  std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> by_tid;
  for (const auto& e : events_where(trace, "X")) {
    std::int64_t ts = std::llround(e["ts"].get<double>() * 1000);
    by_tid[e["tid"].get<int>()].emplace_back(ts, ts + std::llround(e["dur"].get<double>() * 1000));
  }
  ASSERT_FALSE(by_tid.empty());
  for (const auto& [tid, slices] : by_tid) {
    for (const auto& a : slices) {
      for (const auto& b : slices) {
        bool disjoint = a.second <= b.first || b.second <= a.first;
        bool a_in_b = b.first <= a.first && a.second <= b.second;
        bool b_in_a = a.first <= b.first && b.second <= a.second;
        EXPECT_TRUE(disjoint || a_in_b || b_in_a)
            << "tid " << tid << ": [" << a.first << "," << a.second << "] vs [" << b.first << "," << b.second << "]";
      }
    }
  }
}

TEST(Perfetto, EveryPacketIsAnInstantOnItsConnectionsTrack) {
  Outcome o = with_queues();
  Json trace = Json::parse(render_perfetto(o));
  const int x0 = tid_of(trace, 1, "x#0 :40000");
  auto instants = events_where(trace, "i");
  ASSERT_EQ(instants.size(), o.packets.size());
  for (const auto& e : instants) {
    EXPECT_EQ(e["tid"], x0);
    EXPECT_EQ(e["s"], "t");
    EXPECT_EQ(e["cat"], "packet");
  }
  EXPECT_EQ(instants[0]["name"], "[S] client SYN");
  EXPECT_EQ(instants[1]["name"], "[S.] server SYN-ACK");
  EXPECT_EQ(instants[2]["name"], "[.] client ACK, dropped");
  EXPECT_EQ(instants[3]["name"], "[P.] client data, dropped");
  EXPECT_EQ(instants[4]["name"], "[S.] server SYN-ACK, retransmission");
  EXPECT_EQ(instants[5]["name"], "[.] client ACK, dup/challenge ACK");
  EXPECT_DOUBLE_EQ(instants[3]["ts"].get<double>(), 30.999);
  EXPECT_EQ(instants[3]["args"]["seq"], testing::kClientIsn + 1);
  EXPECT_EQ(instants[3]["args"]["ack"], testing::kServerIsn + 1);
  EXPECT_EQ(instants[3]["args"]["len"], 5);
  EXPECT_EQ(instants[2]["args"]["annotations"],
            Json::array({"accept queue full (1/1): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)"}));
  EXPECT_TRUE(instants[0]["args"]["annotations"].empty());
}

TEST(Perfetto, QueueDepthsAreCounterTracks) {
  Json trace = Json::parse(render_perfetto(with_queues()));
  std::map<std::string, std::vector<std::pair<double, std::int64_t>>> counters;
  for (const auto& e : events_where(trace, "C")) {
    counters[e["name"]].emplace_back(e["ts"].get<double>(), e["args"]["depth"].get<std::int64_t>());
  }
  using Samples = std::vector<std::pair<double, std::int64_t>>;
  // Only changes: the samples at 20us and 30us repeat the SYN queue's depth.
  EXPECT_EQ(counters["SYN queue"], (Samples{{0.0, 0}, {10.0, 1}, {1'000'050.0, 0}}));
  EXPECT_EQ(counters["accept queue"], (Samples{{0.0, 0}, {1'000'050.0, 1}, {1'000'055.0, 0}}));
  EXPECT_EQ(counters["accept queue limit"], (Samples{{0.0, 2}, {10'000'000.0, 2}}));
}

TEST(Perfetto, SameOutcomeGivesTheSameBytes) {
  EXPECT_EQ(render_perfetto(with_queues()), render_perfetto(with_queues()));
  Outcome kernel = with_queues();
  kernel.info.source = "kernel";
  EXPECT_EQ(render_perfetto(with_queues(), &kernel), render_perfetto(with_queues(), &kernel));
}

TEST(Perfetto, PacketsWithoutAConnectionGoOnTheirOwnTrack) {
  Outcome o = with_queues();
  o.packets[8].connection = "";
  Json trace = Json::parse(render_perfetto(o));
  const int other = tid_of(trace, 1, "other packets");
  ASSERT_GT(other, 0);
  auto instants = events_where(trace, "i");
  EXPECT_EQ(instants[8]["tid"], other);
}

}  // namespace
}  // namespace synsim::report
