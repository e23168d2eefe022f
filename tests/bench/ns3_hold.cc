// The hold model on ns-3 3.37's Simulator: `population` events pending; each
// one, when it runs, schedules the next a uniform 1 ns .. 1 ms later (the
// same increments and the same RNG stream as BM_Hold_EventQueue). ns-3's
// dispatch is part of the figure, as synsim's is: Simulator::Schedule makes
// an EventImpl per event and Run() pops it from the scheduler and calls it.
// The benchmark loop hands ns-3 batches of events: each Run() processes
// kBatch of them and stops (Simulator::Stop from the handler), leaving the
// population pending for the next batch.
#include "tests/bench/ns3_hold.h"

#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>

#include <ctime>

#include "sim/core/rng.h"

namespace synsim {

namespace {

constexpr std::uint64_t kBatch = 100'000;

struct Hold {
  Rng rng{1, "bench"};
  std::uint64_t left = 0;
  std::uint64_t ran = 0;

  void tick() {
    ++ran;
    // Keep the population: every event schedules its successor, the last of
    // a batch too, then stops the run after itself.
    ns3::Simulator::Schedule(ns3::NanoSeconds(rng.between(1, 1000000)), &Hold::tick, this);
    if (--left == 0) ns3::Simulator::Stop();
  }
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

double ns3_hold(benchmark::State& state, Ns3Scheduler scheduler, std::size_t population) {
  ns3::ObjectFactory factory;
  factory.SetTypeId(scheduler == Ns3Scheduler::priority_queue ? "ns3::PriorityQueueScheduler" : "ns3::MapScheduler");
  ns3::Simulator::SetScheduler(factory);
  Hold hold;
  for (std::size_t i = 0; i < population; ++i) {
    ns3::Simulator::Schedule(ns3::NanoSeconds(hold.rng.between(0, 1000000)), &Hold::tick, &hold);
  }
  const double start = thread_cpu_seconds();
  for (auto _ : state) {
    hold.left = kBatch;
    ns3::Simulator::Run();
  }
  const double seconds = thread_cpu_seconds() - start;
  ns3::Simulator::Destroy();
  state.SetItemsProcessed(static_cast<std::int64_t>(hold.ran));
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(hold.ran), benchmark::Counter::kIsRate);
  return seconds > 0 ? static_cast<double>(hold.ran) / seconds : 0;
}

}  // namespace synsim
