// Internal errors reach the user as exit 3 with the scenario and seed that
// reproduce them (sim/cli/internal_error.h), never as an uncaught exception
// that aborts the process. Driven by real internal checks: EventQueue's
// refusal to schedule into the past (a std::logic_error) and the model's
// event limit (an InvariantViolation).
#include "sim/cli/internal_error.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "sim/cli/exit_codes.h"
#include "sim/core/event_queue.h"
#include "sim/core/invariant.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"

namespace synsim::cli {
namespace {

std::string src(const std::string& rel) { return std::string(SYNSIM_SOURCE_DIR) + "/" + rel; }

const std::string kScenario = src("scenarios/stall/loopback-stall-2003.yaml");

std::uint64_t seed_of(const std::string& file, const std::vector<std::string>& sets) {
  scenario::LoadResult r = scenario::load_file(file, sets);
  EXPECT_TRUE(r.ok());
  return r.scenario->seed;
}

struct Ignore final : EventHandlerFor<Ignore> {
  enum class Ev : std::uint32_t { nothing };
  using Event = TaggedEvent<Ev, std::uint32_t>;
  void on_event(Event) {}
};

// EventQueue's contract check: an event scheduled before the current time.
int schedule_into_the_past() {
  EventQueue q;
  Ignore h;
  q.schedule(kTimeZero + ms(2), &h, {Ignore::Ev::nothing, 0});
  q.pop();
  q.schedule(kTimeZero + ms(1), &h, {Ignore::Ev::nothing, 0});
  return kExitOk;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(InternalError, ALogicErrorExitsThreeWithTheScenarioAndItsSeed) {
  std::ostringstream err;
  const int rc = exit_on_internal_error({"run", kScenario, {"server.backlog=2"}, std::nullopt}, schedule_into_the_past,
                                        err);
  EXPECT_EQ(rc, kExitInvariant);
  const std::string seed = std::to_string(seed_of(kScenario, {"server.backlog=2"}));
  EXPECT_TRUE(has(err.str(), "synsim: internal error: event queue: event scheduled before the current time\n"))
      << err.str();
  EXPECT_TRUE(has(err.str(), "synsim: scenario " + kScenario + ", seed " + seed + "\n")) << err.str();
  EXPECT_TRUE(
      has(err.str(), "synsim: to reproduce: synsim run " + kScenario + " --set server.backlog=2 --seed " + seed))
      << err.str();
}

TEST(InternalError, TheSeedGivenOnTheCommandLineIsTheOneReported) {
  std::ostringstream err;
  EXPECT_EQ(exit_on_internal_error({"run", kScenario, {}, 99}, schedule_into_the_past, err), kExitInvariant);
  EXPECT_TRUE(has(err.str(), ", seed 99\n")) << err.str();
  EXPECT_TRUE(has(err.str(), " --seed 99\n")) << err.str();
}

TEST(InternalError, ABrokenModelInvariantReportsTheRunsSeedVirtualTimeAndLastEvents) {
  scenario::LoadResult loaded = scenario::load_file(kScenario, {});
  ASSERT_TRUE(loaded.ok());
  std::ostringstream err;
  const int rc = exit_on_internal_error({"run", kScenario, {}, 5}, [&] {
    model::RunOptions options;
    options.seed = 5;
    options.event_limit = 20;  // the model's own limit, reached: InvariantViolation
    model::run(*loaded.scenario, options);
    return kExitOk;
  }, err);
  EXPECT_EQ(rc, kExitInvariant);
  EXPECT_TRUE(has(err.str(), "synsim: internal error: invariant violated: event limit of 20 reached")) << err.str();
  EXPECT_TRUE(has(err.str(), "seed 5, virtual time")) << err.str();
  EXPECT_TRUE(has(err.str(), "last events:")) << err.str();
  EXPECT_TRUE(has(err.str(), "synsim: scenario " + kScenario + ", seed 5\n")) << err.str();
}

TEST(InternalError, CommandsOtherThanRunAreReproducedWithoutSeedOption) {
  std::ostringstream err;
  EXPECT_EQ(exit_on_internal_error({"compare", kScenario, {}, std::nullopt}, schedule_into_the_past, err),
            kExitInvariant);
  EXPECT_TRUE(has(err.str(), "synsim: to reproduce: synsim compare " + kScenario + "\n")) << err.str();
}

TEST(InternalError, ACommandThatReturnsKeepsItsExitCodeAndSaysNothing) {
  std::ostringstream err;
  EXPECT_EQ(exit_on_internal_error({"run", kScenario, {}, std::nullopt}, [] { return kExitExpectationFailed; }, err),
            kExitExpectationFailed);
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace synsim::cli
