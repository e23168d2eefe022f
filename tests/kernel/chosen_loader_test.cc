// Which loader a kernel run uses when none is asked for: the plain epoll
// loader, unless the scenario needs what only the Asio loader plays; an
// explicit choice is kept (and refused later if it cannot play).
#include <gtest/gtest.h>

#include "sim/kernel/runner.h"
#include "tests/kernel/scenario_text.h"

namespace synsim::kernel {
namespace {

constexpr const char* kPlain =
    "name: plain\n"
    "description: a closed loop\n"
    "duration: 1s\n"
    "server: {backlog: 8, on_data: {respond_bytes: 5, close: after_response}}\n"
    "clients:\n"
    "  - {name: c, count: 10, arrival: {concurrency: 2}, send: {bytes: 5, after: 0}, close: after_response}\n";

scenario::Scenario plain(const std::vector<std::string>& sets = {}) {
  return testing::scenario_from_text(kPlain, "plain.yaml", sets);
}

TEST(ChosenLoader, AutoTakesThePlainEpollLoaderForAPlainLoad) {
  EXPECT_EQ(chosen_loader(plain(), std::nullopt), LoaderKind::epoll);
}

TEST(ChosenLoader, AutoTakesAsioWhereOnlyAsioPlaysTheScenario) {
  EXPECT_EQ(chosen_loader(plain({"clients.c.defer_final_ack=true"}), std::nullopt), LoaderKind::asio);
  EXPECT_EQ(chosen_loader(plain({"link.latency=1ms"}), std::nullopt), LoaderKind::asio);
}

TEST(ChosenLoader, AnExplicitChoiceIsKept) {
  EXPECT_EQ(chosen_loader(plain(), LoaderKind::asio), LoaderKind::asio);
  EXPECT_EQ(chosen_loader(plain({"link.latency=1ms"}), LoaderKind::epoll), LoaderKind::epoll);
}

}  // namespace
}  // namespace synsim::kernel
