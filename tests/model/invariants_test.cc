// Swarm test: random scenarios under many seeds. The model checks its own
// invariants on every event (queue limits, time order) and at the end (every
// byte sent was delivered or its connection reported a reset, a timeout, or
// was still open); a violation throws InvariantViolation with the seed.
#include <gtest/gtest.h>

#include "sim/core/invariant.h"
#include "sim/core/rng.h"
#include "tests/model/harness.h"

namespace synsim::testing {
namespace {

Scenario random_scenario(std::uint64_t seed) {
  Rng r(seed, "swarm");
  Scenario sc = scenario_named("swarm", sec(r.between(1, 40)));
  sc.seed = seed;
  if (r.below(3) == 0) sc.kernel = "linux-2.5.66";
  sc.server.backlog = r.between(0, 8);
  if (r.below(2)) accept_from(sc, ms(r.between(0, 20000)));
  if (r.below(8) == 0) never_accept(sc);
  sc.server.accept.per_accept_cost = us(r.below(3) == 0 ? r.between(0, 300000) : 0);
  if (r.below(4) == 0) sc.server.defer_accept = sec(r.between(1, 10));
  sc.server.on_data.respond_bytes = static_cast<std::uint32_t>(r.below(3) * 100);
  sc.server.on_data.close = r.below(2) ? scenario::ServerClose::after_response : scenario::ServerClose::never;
  set_sysctl(sc, "net.ipv4.tcp_syncookies", r.between(0, 2));
  set_sysctl(sc, "net.ipv4.tcp_abort_on_overflow", r.below(4) == 0 ? 1 : 0);
  set_sysctl(sc, "net.ipv4.tcp_synack_retries", r.between(0, 6));
  const int groups = static_cast<int>(r.between(1, 4));
  for (int g = 0; g < groups; ++g) {
    ClientGroup& c = add_clients(sc, "g" + std::to_string(g), static_cast<std::uint32_t>(r.between(1, 40)),
                                 ms(r.between(0, 2000)));
    c.spacing = us(r.below(2) ? 0 : r.between(0, 50000));
    c.defer_final_ack = r.below(3) == 0;
    if (r.below(5) != 0) {
      if (r.below(2)) {
        send_after_connect(c, static_cast<std::uint32_t>(r.between(1, 100)), ms(r.between(0, 300)));
      } else {
        send_at(c, static_cast<std::uint32_t>(r.between(1, 100)), ms(r.between(0, 3000)));
      }
    }
    const auto close = r.below(3);
    c.close.kind = close == 0 ? scenario::CloseSpec::Kind::never
                   : close == 1 ? scenario::CloseSpec::Kind::after_response
                                : scenario::CloseSpec::Kind::at;
    c.close.at = ms(r.between(0, 30000));
    c.close_style = r.below(2) ? scenario::CloseStyle::fin : scenario::CloseStyle::rst;
  }
  return sc;
}

TEST(Invariants, HoldOnRandomScenariosUnderManySeeds) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const Scenario sc = random_scenario(seed);
    try {
      const Outcome out = model::run(sc);
      for (const outcome::ConnectionRecord& c : out.connections) {
        // Every connection ends in a named outcome, consistent with its error.
        EXPECT_EQ(c.error.empty(), c.outcome == outcome::ConnectionOutcome::completed ||
                                       c.outcome == outcome::ConnectionOutcome::open_at_end)
            << "seed " << seed << " " << c.name;
      }
    } catch (const InvariantViolation& e) {
      ADD_FAILURE() << "swarm seed " << seed << ": " << e.report();
    }
  }
}

}  // namespace
}  // namespace synsim::testing
