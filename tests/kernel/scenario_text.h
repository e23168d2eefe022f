// A scenario written in a test as YAML text: loaded with its --set
// overrides, or the loader's errors thrown (a test's own scenario must be
// valid; a typo is the test's bug, not a skip).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/scenario/load.h"

namespace synsim::testing {

inline scenario::Scenario scenario_from_text(const std::string& yaml, const std::string& name,
                                             const std::vector<std::string>& sets = {}) {
  scenario::LoadResult r = scenario::load_string(yaml, name, sets);
  if (!r.ok()) {
    std::string all;
    for (const auto& d : r.errors) all += d.str() + "\n";
    throw std::runtime_error(all);
  }
  return *r.scenario;
}

inline double secs(Time t) { return static_cast<double>(to_ns(t)) / 1e9; }

}  // namespace synsim::testing
