// synsim's C++ API in one include: load or build a scenario, run it on the
// model, inspect the outcome, check hypotheses, render timelines.
//
//   #include <sim/synsim.h>
//
//   synsim::scenario::LoadResult loaded = synsim::scenario::load_file("stall.yaml");
//   if (!loaded.ok()) { for (auto& e : loaded.errors) std::cerr << e.str() << '\n'; return 2; }
//   synsim::outcome::Outcome out = synsim::model::run(*loaded.scenario);
//   for (const auto& c : out.connections) { ... c.name, c.stall(), c.outcome, c.explanation ... }
//   for (const auto& step : out.connections[0].explanation) {   // step.at, step.reason.kind and figures
//     std::cout << synsim::report::step_text(step) << '\n';      // in words (report/reason_text.h)
//   }
//   out.counters["TcpExtListenOverflows"];
//   std::cout << synsim::report::render_tcpdump(out);
//   auto results = synsim::expect::evaluate(loaded.scenario->expect, out);
//
// Link with synsim::synsim (find_package(synsim)); GoogleTest helpers are in
// sim/testing/harness.h (synsim::testing).
#pragma once

#include "sim/core/time.h"
#include "sim/expect/evaluate.h"
#include "sim/model/run.h"
#include "sim/outcome/outcome.h"
#include "sim/report/json.h"
#include "sim/report/pcap.h"
#include "sim/report/reason_text.h"
#include "sim/report/tables.h"
#include "sim/report/tcpdump.h"
#include "sim/scenario/load.h"
#include "sim/scenario/scenario.h"
