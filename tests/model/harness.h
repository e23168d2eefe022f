// The model tests' harness: synsim::testing (sim/testing/harness.h) plus
// access to the scenarios shipped in this source tree.
#pragma once

#include <string>

#include "sim/testing/harness.h"

namespace synsim::testing {

// Loads a shipped scenario by its path relative to the source tree.
inline Scenario load_shipped(const std::string& relative_path) {
  return load_or_fail(std::string(SYNSIM_SOURCE_DIR) + "/" + relative_path);
}

}  // namespace synsim::testing
