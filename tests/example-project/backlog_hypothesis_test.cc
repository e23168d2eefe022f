// An example of a hypothesis test written against synsim's installed C++ API:
// "a closed-loop loader keeping 64 connections in flight against a server
// that needs 50 us per accept() stalls requests with a backlog of 8, and a
// backlog of 128 removes the stalls".
#include <gtest/gtest.h>
#include <sim/synsim.h>
#include <sim/testing/harness.h>

using namespace synsim;
using namespace synsim::testing;

namespace {

Scenario loader(std::int64_t backlog) {
  Scenario sc = scenario_named("closed-loop-64", sec(10));
  sc.server.backlog = backlog;
  sc.server.accept.per_accept_cost = us(50);
  sc.server.on_data.respond_bytes = 100;
  sc.server.on_data.close = scenario::ServerClose::after_response;
  ClientGroup& load = add_clients(sc, "load", 600);
  load.arrival.kind = scenario::ArrivalSpec::Kind::concurrency;
  load.arrival.concurrency = 64;
  send_after_connect(load, 5);
  load.close.kind = scenario::CloseSpec::Kind::after_response;
  load.close_style = scenario::CloseStyle::rst;
  return sc;
}

int stalled(const outcome::Outcome& out) {
  int n = 0;
  for (const auto& c : out.connections) {
    if (c.stall() && *c.stall() > ms(190)) ++n;
  }
  return n;
}

}  // namespace

TEST(BacklogHypothesis, Backlog128RemovesTheStalls) {
  const outcome::Outcome out = model::run(loader(128));
  EXPECT_EQ(stalled(out), 0);
  EXPECT_EQ(counter(out, "TcpExtListenOverflows"), 0);
}

TEST(BacklogHypothesis, Backlog8StallsRequests) {
  const outcome::Outcome out = model::run(loader(8));
  EXPECT_GT(stalled(out), 0);
  // Every stalled connection comes with the model's explanation.
  for (const auto& c : out.connections) {
    if (c.stall() && *c.stall() > ms(190)) EXPECT_FALSE(c.explanation.empty()) << c.name;
  }
}
