// synsim::testing: GoogleTest helpers for hypothesis tests written in C++.
// They read like a packetdrill script: build a scenario in code (or load
// one), run it on the model, then ask what happened on the wire, to each
// connection and to the counters. Installed with the library
// (find_package(synsim) -> synsim::testing); tests/example-project uses it.
//
//   Scenario sc = scenario_named("e1");
//   sc.server.backlog = 0;
//   ClientGroup& b = add_clients(sc, "b", 1);
//   b.defer_final_ack = true;
//   send_at(b, 5, us(20500));
//   Outcome out = model::run(sc);
//   EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 3);
//   auto t = times(out, "b#0", Seg::client_data);   // every transmission of b#0's request
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/model/run.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::testing {

using outcome::Outcome;
using scenario::ClientGroup;
using scenario::Scenario;

// A scenario with a listener on 127.0.0.1:9100 (backlog 128, continuous
// accept from 0, no response), no clients yet, 10 s long.
inline Scenario scenario_named(const std::string& name, Duration duration = sec(10)) {
  Scenario sc;
  sc.name = name;
  sc.description = "built in code by a test";
  sc.duration = duration;
  sc.server.backlog = 128;
  return sc;
}

inline ClientGroup& add_clients(Scenario& sc, const std::string& name, std::uint32_t count, Duration start = {}) {
  ClientGroup g;
  g.name = name;
  g.count = count;
  g.start = start;
  sc.clients.push_back(g);
  return sc.clients.back();
}

inline void send_at(ClientGroup& g, std::uint32_t bytes, Duration at) {
  g.send = scenario::SendSpec{bytes, scenario::SendSpec::Anchor::absolute, at};
}
inline void send_after_connect(ClientGroup& g, std::uint32_t bytes, Duration after = {}) {
  g.send = scenario::SendSpec{bytes, scenario::SendSpec::Anchor::after_connect, after};
}
inline void set_sysctl(Scenario& sc, const std::string& name, std::int64_t value) {
  sc.sysctls.push_back({name, value, {}});
}
inline void accept_from(Scenario& sc, Duration t) { sc.server.accept.start = t; }
inline void never_accept(Scenario& sc) { sc.server.accept.never = true; }

// Segment kinds as a reader of a timeline sees them.
enum class Seg {
  syn,          // client SYN
  synack,       // server SYN-ACK
  client_data,  // client segment with payload (the request)
  client_ack,   // client bare ACK (final ACK or challenge ACK)
  server_rst,   // RST from the server side
  any,
};

bool is(const outcome::Packet& p, Seg kind);

// Times of the packets of `connection` of the given kind, in wire order.
std::vector<Time> times(const Outcome& out, const std::string& connection, Seg kind);
// Same, relative to `origin`, in seconds (for comparing with the reference tables).
std::vector<double> seconds_since(const Outcome& out, const std::string& connection, Seg kind, Time origin);

std::int64_t counter(const Outcome& out, const std::string& name);
const outcome::ConnectionRecord& record(const Outcome& out, const std::string& connection);
// Every annotation about `connection`, in timeline order.
std::vector<outcome::Annotation> annotations_of(const Outcome& out, const std::string& connection);
// The reasons of kind `kind` among them, in timeline order.
std::vector<outcome::Reason> reasons(const Outcome& out, const std::string& connection, outcome::ReasonKind kind);
// Whether `connection` has a reason of kind `kind` (tests assert reasons, not their words).
bool has_reason(const Outcome& out, const std::string& connection, outcome::ReasonKind kind);
// The first reason of kind `kind` for `connection`, with its figures (a test
// failure, and an empty reason, when there is none).
outcome::Reason first_reason(const Outcome& out, const std::string& connection, outcome::ReasonKind kind);

// Loads a scenario file; fails the current test with every located error.
Scenario load_or_fail(const std::string& path);

// Asserts each actual time is within `tolerance` of the expected one (seconds).
void expect_times_near(const std::vector<double>& actual, const std::vector<double>& expected, double tolerance,
                       const std::string& what);

// Same, with a tolerance of `fraction` of each expected time plus 4 ms:
// for schedules whose timer-wheel lateness accumulates.
void expect_times_near_rel(const std::vector<double>& actual, const std::vector<double>& expected, double fraction,
                           const std::string& what);

}  // namespace synsim::testing
