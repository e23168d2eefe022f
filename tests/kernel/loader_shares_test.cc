// How the loader's threads split a scenario (loader_shares.h), without a
// kernel: together the threads start every connection exactly once, each at
// the time it has with one thread, and keep the whole closed-loop
// concurrency in flight.
#include <gtest/gtest.h>

#include <map>

#include "sim/kernel/loader_shares.h"
#include "sim/scenario/load.h"

namespace synsim::kernel {
namespace {

scenario::Scenario load(const std::string& clients) {
  scenario::LoadResult r = scenario::load_string(
      "name: shares\ndescription: loader threads\nseed: 3\nduration: 10s\nclients:\n" + clients, "shares.yaml", {});
  if (!r.ok()) throw std::runtime_error(r.errors.front().str());
  return *r.scenario;
}

// Connection (group index) -> when it starts, from `threads` threads' arrivals.
std::map<std::uint32_t, Time> starts(const scenario::Scenario& sc, std::uint32_t threads, std::uint32_t* owners_seen) {
  std::map<std::uint32_t, Time> at;
  std::map<std::uint32_t, int> owners;
  for (std::uint32_t t = 0; t < threads; ++t) {
    ThreadArrivals a(sc, 0, t, threads);
    while (const std::optional<Time> due = a.due()) {
      std::vector<std::uint32_t> now;
      a.take(now);
      EXPECT_FALSE(now.empty()) << "thread " << t << " woke at an event with nothing of its own";
      for (const std::uint32_t i : now) {
        EXPECT_EQ(i % threads, t) << "connection " << i;
        EXPECT_TRUE(at.emplace(i, *due).second) << "connection " << i << " started twice";
        ++owners[t];
      }
    }
  }
  *owners_seen = static_cast<std::uint32_t>(owners.size());
  return at;
}

TEST(ThreadArrivals, ThreeThreadsStartEveryConnectionAtItsOneThreadTime) {
  for (const char* arrival : {"spacing: 7ms", "arrival: {rate: 300/s, process: poisson}", "arrival: {burst: 40, at: 5ms}",
                              "arrival: {rate: 200/s}"}) {
    SCOPED_TRACE(arrival);
    const scenario::Scenario sc = load(std::string("  - {name: c, count: 40, start: 2ms, ") + arrival + "}\n");
    std::uint32_t owners = 0;
    const std::map<std::uint32_t, Time> one = starts(sc, 1, &owners);
    ASSERT_EQ(one.size(), 40u);
    const std::map<std::uint32_t, Time> three = starts(sc, 3, &owners);
    EXPECT_EQ(owners, 3u);
    EXPECT_EQ(three, one);
  }
}

TEST(LoaderShares, ConcurrencySharesAddUpAndDifferByAtMostOne) {
  scenario::Scenario sc = load("  - {name: c, count: 100, arrival: {concurrency: 10}}\n");
  sc.loader.threads = 4;
  const LoaderShares shares(sc);
  EXPECT_EQ(shares.concurrency_share(0, 0), 3u);
  EXPECT_EQ(shares.concurrency_share(0, 1), 3u);
  EXPECT_EQ(shares.concurrency_share(0, 2), 2u);
  EXPECT_EQ(shares.concurrency_share(0, 3), 2u);
}

TEST(LoaderShares, ClosedLoopHandsOutEachConnectionOnce) {
  scenario::Scenario sc = load("  - {name: a, count: 2}\n  - {name: c, count: 5, arrival: {concurrency: 2}}\n");
  sc.loader.threads = 2;
  LoaderShares shares(sc);
  std::vector<std::uint32_t> got;
  while (const std::optional<std::uint32_t> c = shares.take_next(1)) got.push_back(*c);
  EXPECT_EQ(got, (std::vector<std::uint32_t>{2, 3, 4, 5, 6}));  // scenario indices, after group a's two
  EXPECT_FALSE(shares.take_next(1));
}

}  // namespace
}  // namespace synsim::kernel
