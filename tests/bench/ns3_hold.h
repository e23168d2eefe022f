// The hold model on ns-3's simulator core (Debian's libns3-dev, a
// benchmark-only dependency): the field's reference engine, measured in the
// same run as synsim's EventQueue. Built from ns3_hold.cc where ns-3 is
// installed, from ns3_hold_absent.cc (a printed skip) where it is not.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace synsim {

enum class Ns3Scheduler : std::int64_t { priority_queue = 0, map = 1 };

// Runs `state`'s iterations as hold-model events on ns-3's Simulator with
// the given scheduler, `population` events pending; returns events per CPU
// second of this thread (0 when skipped).
double ns3_hold(benchmark::State& state, Ns3Scheduler scheduler, std::size_t population);

}  // namespace synsim
