#include "sim/core/event_queue.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/core/rng.h"

namespace synsim {
namespace {

// Records the arguments of its events in the order they ran.
struct Recorder final : EventHandlerFor<Recorder> {
  enum class Ev : std::uint32_t { tick };
  using Event = TaggedEvent<Ev, std::uint64_t>;
  std::vector<std::uint64_t> seen;
  void on_event(Event e) { seen.push_back(e.arg); }
};

TEST(EventQueue, RunsEventsInTimeOrder) {
  EventQueue q;
  Recorder r;
  q.schedule(at_ns(30), &r, {Recorder::Ev::tick, 3});
  q.schedule(at_ns(10), &r, {Recorder::Ev::tick, 1});
  q.schedule(at_ns(20), &r, {Recorder::Ev::tick, 2});
  while (!q.empty()) {
    auto f = q.pop();
    f.handler->dispatch(f.payload);
  }
  EXPECT_EQ(r.seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(EventQueue, TiesRunInInsertionOrder) {
  EventQueue q;
  Recorder r;
  for (std::uint64_t i = 0; i < 100; ++i) q.schedule(at_ns(5), &r, {Recorder::Ev::tick, i});
  while (!q.empty()) r.seen.push_back(q.pop().payload.arg);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(r.seen[i], i);
}

TEST(EventQueue, CancelledEventsNeverRun) {
  EventQueue q;
  Recorder r;
  EventId a = q.schedule(at_ns(1), &r, {Recorder::Ev::tick, 1});
  q.schedule(at_ns(2), &r, {Recorder::Ev::tick, 2});
  EXPECT_TRUE(q.cancel(a));
  EXPECT_FALSE(q.cancel(a));  // twice is a no-op
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.next_time(), at_ns(2));
  EXPECT_EQ(q.pop().payload.arg, 2u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, AnIdOfAFiredEventDoesNotCancelItsSlotsNextUser) {
  EventQueue q;
  Recorder r;
  EventId a = q.schedule(at_ns(1), &r, {Recorder::Ev::tick, 1});
  q.pop();
  EventId b = q.schedule(at_ns(2), &r, {Recorder::Ev::tick, 2});  // reuses the slot
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
    ids.push_back({q.schedule(at_ns(t), &r, {Recorder::Ev::tick, i}), expected.size()});
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
    got.push_back({to_ns(f.when), f.payload.arg});
  }
  EXPECT_EQ(got, live);
}

TEST(EventQueue, SchedulingIntoThePastThrows) {
  EventQueue q;
  Recorder r;
  q.schedule(at_ns(100), &r, {Recorder::Ev::tick, 1});
  EXPECT_EQ(q.pop().when, at_ns(100));
  EXPECT_THROW(q.schedule(at_ns(99), &r, {Recorder::Ev::tick, 2}), std::logic_error);
  EXPECT_THROW(q.schedule(at_ns(-1), &r, {Recorder::Ev::tick, 2}), std::logic_error);
  q.schedule(at_ns(100), &r, {Recorder::Ev::tick, 3});  // "now" is fine
  EXPECT_EQ(q.next_time(), at_ns(100));
}

TEST(EventQueue, EmptyQueueHasNoNextTime) {
  EventQueue q;
  Recorder r;
  EXPECT_EQ(q.next_time(), kTimeMax);
  EventId a = q.schedule(at_ns(5), &r, {Recorder::Ev::tick, 1});
  q.cancel(a);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.next_time(), kTimeMax);
}

// Keys of one time reach the front by different roads: some moved down
// from a higher level, some scheduled into the current window directly,
// some cancelled on the way. Their order must still be scheduling order.
TEST(EventQueue, TiesKeepInsertionOrderAcrossLevels) {
  EventQueue q;
  Recorder r;
  const std::int64_t t = (std::int64_t{1} << 40) + 300;  // far above base: a high level
  for (std::uint64_t i = 0; i < 50; ++i) q.schedule(at_ns(t), &r, {Recorder::Ev::tick, i});
  q.schedule(at_ns(t - 44), &r, {Recorder::Ev::tick, 1000});  // same 1024 ns window, earlier
  EXPECT_EQ(q.pop().payload.arg, 1000u);  // now the window is the current one
  for (std::uint64_t i = 50; i < 100; ++i) q.schedule(at_ns(t), &r, {Recorder::Ev::tick, i});
  for (std::uint64_t i = 0; i < 100; ++i) {
    const EventQueue::Fired f = q.pop();
    EXPECT_EQ(f.when, at_ns(t));
    EXPECT_EQ(f.payload.arg, i);
  }
  EXPECT_TRUE(q.empty());
}

// The same, across the tiers: keys of one time scheduled while it was far
// (beyond the next superwindow), then near (within it), then in the
// current window, some cancelled; a superwindow is 2^20 ns.
TEST(EventQueue, TiesKeepInsertionOrderAcrossTiers) {
  EventQueue q;
  Recorder r;
  const std::int64_t t = (std::int64_t{5} << 20) + 700;
  std::vector<EventId> ids;
  std::vector<std::uint64_t> want;
  std::uint64_t arg = 0;
  auto add = [&](int n) {
    for (int i = 0; i < n; ++i, ++arg) {
      ids.push_back(q.schedule(at_ns(t), &r, {Recorder::Ev::tick, arg}));
      want.push_back(arg);
    }
  };
  add(40);  // far: base is in superwindow 0
  q.schedule(at_ns(std::int64_t{4} << 20), &r, {Recorder::Ev::tick, 9999});
  EXPECT_EQ(q.pop().payload.arg, 9999u);  // now superwindow 4: t is near
  add(40);
  q.schedule(at_ns(t - 5), &r, {Recorder::Ev::tick, 8888});  // t's window becomes current
  EXPECT_EQ(q.pop().payload.arg, 8888u);
  add(40);
  for (std::size_t i = 0; i < ids.size(); i += 7) {
    EXPECT_TRUE(q.cancel(ids[i]));
    want[i] = UINT64_MAX;
  }
  std::erase(want, UINT64_MAX);
  std::vector<std::uint64_t> got;
  while (!q.empty()) {
    const EventQueue::Fired f = q.pop();
    EXPECT_EQ(f.when, at_ns(t));
    got.push_back(f.payload.arg);
  }
  EXPECT_EQ(got, want);
}

// The near range moves from the sorted array to the wheel when it grows
// past ~128 entries and back when a window change finds ~32 or fewer: a
// population that swings across both thresholds, with ties, cancels and
// far timers, must come out in (time, seq) order through every switch.
TEST(EventQueue, MatchesAMapReferenceAcrossSparseAndWheelModes) {
  EventQueue q;
  Recorder r;
  Rng rng(11, "event-queue-modes");
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> ref;
  std::vector<std::pair<EventId, std::pair<std::int64_t, std::uint64_t>>> ids;
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  int to_wheel = 0;
  int to_sparse = 0;
  bool sparse = q.sparse();
  auto note_mode = [&] {
    if (q.sparse() != sparse) (q.sparse() ? to_sparse : to_wheel) += 1;
    sparse = q.sparse();
  };
  for (int cycle = 0; cycle < 60; ++cycle) {
    const int grow = static_cast<int>(rng.between(20, 400));
    for (int i = 0; i < grow; ++i) {
      std::int64_t delta = 0;
      switch (rng.below(6)) {
        case 0: delta = 0; break;                                 // a tie with the front
        case 1: delta = rng.between(0, 1023); break;              // the current window
        case 2: delta = rng.between(0, 8) * 1000; break;          // ties a few windows on
        case 3: delta = rng.between(0, 2 << 20); break;           // the near range
        case 4: delta = rng.between(1 << 20, 3 << 20); break;     // around its end
        default: delta = rng.between(0, std::int64_t{1} << 32); break;  // far
      }
      const std::int64_t t = now + delta;
      ids.push_back({q.schedule(at_ns(t), &r, {Recorder::Ev::tick, seq}), {t, seq}});
      ref.emplace(std::make_pair(t, seq), seq);
      ++seq;
      note_mode();
      if (rng.below(5) == 0) {
        const auto j = rng.below(ids.size());
        EXPECT_EQ(q.cancel(ids[j].first), ref.erase(ids[j].second) == 1);
      }
    }
    const std::size_t keep = rng.below(12);
    while (ref.size() > keep) {
      ASSERT_EQ(q.next_time(), at_ns(ref.begin()->first.first));
      const EventQueue::Fired f = q.pop();
      ASSERT_EQ(to_ns(f.when), ref.begin()->first.first) << "cycle " << cycle;
      ASSERT_EQ(f.seq, ref.begin()->first.second) << "cycle " << cycle;
      ref.erase(ref.begin());
      now = to_ns(f.when);
      note_mode();
    }
  }
  EXPECT_EQ(q.size(), ref.size());
  // Both switches happened, many times: otherwise this test checks one mode only.
  EXPECT_GE(to_wheel, 10);
  EXPECT_GE(to_sparse, 10);
}

// A dense wheel: thousands of keys per window (many chunks per bucket,
// the counting sort), a hold model against a sorted reference.
TEST(EventQueue, DenseHoldMatchesAReference) {
  EventQueue q;
  Recorder r;
  Rng rng(3, "dense");
  std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> ref;
  std::uint64_t seq = 0;
  for (; seq < 200000; ++seq) {
    const std::int64_t t = rng.between(0, 100000);
    q.schedule(at_ns(t), &r, {Recorder::Ev::tick, seq});
    ref.emplace(std::make_pair(t, seq), seq);
  }
  for (int step = 0; step < 400000; ++step) {
    const EventQueue::Fired f = q.pop();
    ASSERT_EQ(to_ns(f.when), ref.begin()->first.first) << step;
    ASSERT_EQ(f.seq, ref.begin()->first.second) << step;
    ref.erase(ref.begin());
    const std::int64_t t = to_ns(f.when) + rng.between(0, 3000000);
    q.schedule(at_ns(t), &r, {Recorder::Ev::tick, seq});
    ref.emplace(std::make_pair(t, seq), seq);
    ++seq;
  }
  EXPECT_EQ(q.size(), ref.size());
}

// Differential test against a std::map on (time, seq), the order the queue
// promises, under interleaved schedule / cancel / pop with times spread
// over every level (same time, same window, nearby, far, very far).
TEST(EventQueue, MatchesAMapReferenceUnderInterleavedOperations) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EventQueue q;
    Recorder r;
    Rng rng(seed, "event-queue-differential");
    std::map<std::pair<std::int64_t, std::uint64_t>, std::uint64_t> ref;  // (time, seq) -> arg
    std::vector<std::pair<EventId, std::pair<std::int64_t, std::uint64_t>>> ids;
    std::int64_t now = 0;
    std::uint64_t seq = 0;
    for (int step = 0; step < 20000; ++step) {
      const std::uint64_t op = rng.below(10);
      if (op < 5) {
        std::int64_t delta = 0;
        switch (rng.below(7)) {
          case 0: delta = 0; break;
          case 1: delta = rng.between(0, 1023); break;
          case 2: delta = rng.between(0, 70000); break;
          case 3: delta = rng.between(0, 1000000); break;
          // Around the near wheel's reach (1 to 2 superwindows of 2^20 ns).
          case 4: delta = rng.between(1 << 20, 3 << 20); break;
          case 5: delta = rng.between(0, std::int64_t{1} << 40); break;
          default: delta = rng.between(0, std::int64_t{1} << 58); break;
        }
        const std::int64_t t = now + delta;
        const std::uint64_t arg = seq;
        ids.push_back({q.schedule(at_ns(t), &r, {Recorder::Ev::tick, arg}), {t, seq}});
        ref.emplace(std::make_pair(t, seq), arg);
        ++seq;
      } else if (op < 7 && !ids.empty()) {
        const auto j = rng.below(ids.size());
        const bool was = ref.erase(ids[j].second) == 1;
        EXPECT_EQ(q.pending(ids[j].first), was);
        EXPECT_EQ(q.cancel(ids[j].first), was);
        EXPECT_FALSE(q.pending(ids[j].first));
      } else if (!ref.empty()) {
        ASSERT_EQ(q.size(), ref.size());
        ASSERT_EQ(q.next_time(), at_ns(ref.begin()->first.first));
        const EventQueue::Fired f = q.pop();
        ASSERT_EQ(to_ns(f.when), ref.begin()->first.first) << "seed " << seed << " step " << step;
        ASSERT_EQ(f.seq, ref.begin()->first.second) << "seed " << seed << " step " << step;
        ASSERT_EQ(f.payload.arg, ref.begin()->second);
        ref.erase(ref.begin());
        now = to_ns(f.when);
      } else {
        EXPECT_TRUE(q.empty());
        EXPECT_EQ(q.next_time(), kTimeMax);
      }
    }
    while (!ref.empty()) {
      const EventQueue::Fired f = q.pop();
      ASSERT_EQ(f.seq, ref.begin()->first.second);
      ref.erase(ref.begin());
    }
    EXPECT_TRUE(q.empty());
  }
}

}  // namespace
}  // namespace synsim
