// Speed of the engine and of whole scenarios. Prints figures; asserts
// nothing (style.md rule 11).
//
//   scripts/bench                       all benchmarks
//   scripts/bench --benchmark_filter=Hold
//
// Hold model (the classic priority-queue benchmark): a queue holding
// `population` events; each step pops the earliest, runs it, and schedules
// a new one a uniform 1 ns .. 1 ms later. Compared, in the same run, with a
// std::multimap scheduler, the design of ns-3's default MapScheduler (ns-3
// keys a std::map by (ts, uid); a multimap keyed by time alone gives the
// same order with a cheaper comparison, so it is the stronger baseline).
// Same population, same RNG stream, same increments, same handler call.
// BM_Hold_EventQueue reports x_multimap: its rate over the multimap's at
// the same population (CPU time), when both ran; and x_ns3_best: its rate
// over ns-3's faster scheduler (BM_Hold_Ns3, ns-3 3.37 from libns3-dev, the
// same hold model with ns-3's own dispatch) at the same population.
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "sim/core/event_queue.h"
#include "sim/core/rng.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"
#include "tests/bench/ns3_hold.h"

namespace synsim {
namespace {

struct Sink final : EventHandlerFor<Sink> {
  enum class Ev : std::uint32_t { tick };
  using Event = TaggedEvent<Ev, std::uint64_t>;
  std::uint64_t n = 0;
  void on_event(Event e) { n += e.arg; }
};
// Every benchmark event: its argument is what the sink adds up.
constexpr Sink::Event kTick{Sink::Ev::tick, 1};

// CPU seconds of this thread: the basis of the benchmark's own rates.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Events per CPU second of the last BM_Hold_Multimap run, by population
// (registered first, so it has run when BM_Hold_EventQueue asks).
std::map<std::int64_t, double>& multimap_rates() {
  static std::map<std::int64_t, double> rates;
  return rates;
}

// std::multimap<time, payload>: ns-3's MapScheduler (insert, erase begin).
void BM_Hold_Multimap(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  struct Payload {
    EventHandler* h;
    EventPayload payload;
  };
  std::multimap<std::int64_t, Payload> q;
  Sink sink;
  Rng rng(1, "bench");
  for (std::size_t i = 0; i < population; ++i) q.emplace(rng.between(0, 1000000), Payload{&sink, kTick.encode()});
  const double start = cpu_seconds();
  for (auto _ : state) {
    auto it = q.begin();
    const std::int64_t when = it->first;
    const Payload p = it->second;
    q.erase(it);
    p.h->dispatch(p.payload);
    q.emplace(when + rng.between(1, 1000000), Payload{&sink, kTick.encode()});
  }
  multimap_rates()[state.range(0)] = static_cast<double>(state.iterations()) / (cpu_seconds() - start);
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Hold_Multimap)->Arg(1000)->Arg(100000)->Arg(1000000);

// ns-3's best scheduler rate, by population, of this run (BM_Hold_Ns3 runs
// first: registered above BM_Hold_EventQueue in this file).
std::map<std::int64_t, double>& ns3_best_rates() {
  static std::map<std::int64_t, double> rates;
  return rates;
}

// The hold model on ns-3 3.37's Simulator (tests/bench/ns3_hold.cc), with
// its PriorityQueueScheduler (arg 0) and its default MapScheduler (arg 1).
void BM_Hold_Ns3(benchmark::State& state) {
  const double rate =
      ns3_hold(state, static_cast<Ns3Scheduler>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  double& best = ns3_best_rates()[state.range(1)];
  best = std::max(best, rate);
}
BENCHMARK(BM_Hold_Ns3)->ArgNames({"ns3_scheduler", "population"})->ArgsProduct({{0, 1}, {1000, 100000, 1000000}});

void BM_Hold_EventQueue(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  EventQueue q;
  Sink sink;
  Rng rng(1, "bench");
  for (std::size_t i = 0; i < population; ++i) q.schedule(at_ns(rng.between(0, 1000000)), &sink, kTick);
  const double start = cpu_seconds();
  for (auto _ : state) {
    const EventQueue::Fired f = q.pop();
    f.handler->dispatch(f.payload);
    q.schedule(f.when + Duration{rng.between(1, 1000000)}, &sink, kTick);
  }
  const double rate = static_cast<double>(state.iterations()) / (cpu_seconds() - start);
  state.SetItemsProcessed(state.iterations());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  const auto mm = multimap_rates().find(state.range(0));
  if (mm != multimap_rates().end()) state.counters["x_multimap"] = rate / mm->second;
  const auto ns3 = ns3_best_rates().find(state.range(0));
  if (ns3 != ns3_best_rates().end() && ns3->second > 0) state.counters["x_ns3_best"] = rate / ns3->second;
}
BENCHMARK(BM_Hold_EventQueue)->Arg(1000)->Arg(100000)->Arg(1000000);

// Hold with a cancellation per step: a timer re-armed before it fires (an
// RTO re-armed on every ACK).
void BM_Hold_EventQueueWithCancel(benchmark::State& state) {
  const auto population = static_cast<std::size_t>(state.range(0));
  EventQueue q;
  Sink sink;
  Rng rng(1, "bench");
  std::vector<EventId> ids;
  for (std::size_t i = 0; i < population; ++i) ids.push_back(q.schedule(at_ns(rng.between(0, 1000000)), &sink, kTick));
  std::size_t k = 0;
  for (auto _ : state) {
    const EventQueue::Fired f = q.pop();
    f.handler->dispatch(f.payload);
    const std::size_t j = k++ % population;
    q.cancel(ids[j]);
    ids[j] = q.schedule(f.when + Duration{rng.between(1, 1000000)}, &sink, kTick);
    if (q.size() < population) q.schedule(f.when + Duration{rng.between(1, 1000000)}, &sink, kTick);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Hold_EventQueueWithCancel)->Arg(100000);

// A whole shipped scenario: model events per second of wall time, and how
// much faster than real time it runs.
void run_scenario(benchmark::State& state, const char* path, bool record) {
  const std::string file = std::string(SYNSIM_SOURCE_DIR) + "/" + path;
  scenario::LoadResult r = scenario::load_file(file);
  if (!r.ok()) {
    state.SkipWithError("cannot load scenario");
    return;
  }
  model::RunOptions options;
  options.record_packets = record;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const outcome::Outcome out = model::run(*r.scenario, options);
    events += out.info.events;
    benchmark::DoNotOptimize(out.info.trace_hash);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  const double virtual_s = static_cast<double>(to_ns(r.scenario->duration)) / 1e9;
  state.counters["x_realtime"] =
      benchmark::Counter(virtual_s * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Scenario_Stall2003(benchmark::State& state) {
  run_scenario(state, "scenarios/stall/loopback-stall-2003.yaml", state.range(0) != 0);
}
BENCHMARK(BM_Scenario_Stall2003)->Arg(1)->Arg(0);

void BM_Scenario_E3NeverAccept(benchmark::State& state) {
  run_scenario(state, "scenarios/measured/e3-never-accept.yaml", true);
}
BENCHMARK(BM_Scenario_E3NeverAccept);

// A synthetic load: 20 000 connections, 20 us apart, through a backlog-128
// listener with a 60 us-per-accept server (some overflow, most don't).
void BM_Scenario_Load20k(benchmark::State& state) {
  scenario::LoadResult r = scenario::load_string(R"(
name: bench-load
description: 20k connections through a slow acceptor
duration: 5s
server: {backlog: 128, accept: {mode: {per_accept_cost: 60us}}, on_data: {respond_bytes: 5, close: after_response}}
clients:
  - {name: load, count: 20000, spacing: 20us, send: {bytes: 5, after: 0s}, close: after_response}
)",
                                                 "bench");
  if (!r.ok()) {
    state.SkipWithError(r.errors.empty() ? "cannot load" : r.errors.front().str().c_str());
    return;
  }
  model::RunOptions options;
  options.record_packets = false;
  std::uint64_t events = 0;
  std::uint64_t conns = 0;
  for (auto _ : state) {
    const outcome::Outcome out = model::run(*r.scenario, options);
    events += out.info.events;
    conns += out.connections.size();
    benchmark::DoNotOptimize(out.info.trace_hash);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["connections/s"] = benchmark::Counter(static_cast<double>(conns), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Scenario_Load20k)->Unit(benchmark::kMillisecond);

// The report's load (issue 6): 30,000 connections/s for 60 s, 1.8 million
// connections through a backlog-128 listener, in summary detail as
// `synsim run --format summary` plays it. Prints wall time, the process's
// max RSS (getrusage), connections simulated per second and the model's own
// memory per live connection.
void BM_ReportLoad_1_8M(benchmark::State& state) {
  const std::string file = std::string(SYNSIM_SOURCE_DIR) + "/tests/bench/scenarios/report-load.yaml";
  scenario::LoadResult r = scenario::load_file(file);
  if (!r.ok()) {
    state.SkipWithError("cannot load tests/bench/scenarios/report-load.yaml");
    return;
  }
  model::RunOptions options;
  options.record_packets = false;
  options.detail = model::RunOptions::Detail::summary;
  std::uint64_t conns = 0;
  std::uint64_t events = 0;
  outcome::ModelMemory memory;
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (auto _ : state) {
    const outcome::Outcome out = model::run(*r.scenario, options);
    conns += out.summary ? out.summary->total : out.connections.size();
    events += out.info.events;
    if (out.memory) memory = *out.memory;
    benchmark::DoNotOptimize(out.info.trace_hash);
  }
  timespec end{};
  clock_gettime(CLOCK_MONOTONIC, &end);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double wall = static_cast<double>(end.tv_sec - start.tv_sec) + static_cast<double>(end.tv_nsec - start.tv_nsec) * 1e-9;
  state.counters["wall_s"] = wall / static_cast<double>(state.iterations());
  state.counters["max_rss_MiB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  state.counters["connections/s"] = benchmark::Counter(static_cast<double>(conns), benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["peak_live"] = static_cast<double>(memory.peak_live_connections);
  state.counters["B/live_conn"] = static_cast<double>(memory.bytes_per_live_connection);
  state.counters["B/conn"] = static_cast<double>(memory.bytes_per_connection);
}
BENCHMARK(BM_ReportLoad_1_8M)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace synsim

BENCHMARK_MAIN();
