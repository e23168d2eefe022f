#include "sim/core/event_queue.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/core/rng.h"

namespace synsim {
namespace {

struct Recorder : EventHandler {
  std::vector<std::uint64_t> seen;
  void on_event(std::uint32_t, std::uint64_t arg) override { seen.push_back(arg); }
};

TEST(EventQueue, RunsEventsInTimeOrder) {
  EventQueue q;
  Recorder r;
  q.schedule(at_ns(30), &r, 0, 3);
  q.schedule(at_ns(10), &r, 0, 1);
  q.schedule(at_ns(20), &r, 0, 2);
  while (!q.empty()) {
    auto f = q.pop();
    f.handler->on_event(f.kind, f.arg);
  }
  EXPECT_EQ(r.seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(EventQueue, TiesRunInInsertionOrder) {
  EventQueue q;
  Recorder r;
  for (std::uint64_t i = 0; i < 100; ++i) q.schedule(at_ns(5), &r, 0, i);
  while (!q.empty()) r.seen.push_back(q.pop().arg);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(r.seen[i], i);
}

TEST(EventQueue, CancelledEventsNeverRun) {
  EventQueue q;
  Recorder r;
  EventId a = q.schedule(at_ns(1), &r, 0, 1);
  q.schedule(at_ns(2), &r, 0, 2);
  EXPECT_TRUE(q.cancel(a));
  EXPECT_FALSE(q.cancel(a));  // twice is a no-op
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next_time(), at_ns(2));
  EXPECT_EQ(q.pop().arg, 2u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, AnIdOfAFiredEventDoesNotCancelItsSlotsNextUser) {
  EventQueue q;
  Recorder r;
  EventId a = q.schedule(at_ns(1), &r, 0, 1);
  q.pop();
  EventId b = q.schedule(at_ns(2), &r, 0, 2);  // reuses the slot
  EXPECT_EQ(a.slot, b.slot);
  EXPECT_FALSE(q.pending(a));
  EXPECT_FALSE(q.cancel(a));
  EXPECT_TRUE(q.pending(b));
}

TEST(EventQueue, MatchesASortedReferenceUnderRandomScheduleAndCancel) {
  EventQueue q;
  Recorder r;
  Rng rng(7, "test");
  std::vector<std::pair<std::int64_t, std::uint64_t>> expected;  // (time, arg) of live events
  std::vector<std::pair<EventId, std::size_t>> ids;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const std::int64_t t = rng.between(0, 1000);
    ids.push_back({q.schedule(at_ns(t), &r, 0, i), expected.size()});
    expected.push_back({t, i});
  }
  std::vector<bool> cancelled(expected.size());
  for (int k = 0; k < 1000; ++k) {
    const auto j = rng.below(ids.size());
    if (q.cancel(ids[j].first)) cancelled[j] = true;
  }
  std::vector<std::pair<std::int64_t, std::uint64_t>> live;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (!cancelled[i]) live.push_back(expected[i]);
  }
  std::stable_sort(live.begin(), live.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<std::pair<std::int64_t, std::uint64_t>> got;
  while (!q.empty()) {
    auto f = q.pop();
    got.push_back({to_ns(f.when), f.arg});
  }
  EXPECT_EQ(got, live);
}

}  // namespace
}  // namespace synsim
