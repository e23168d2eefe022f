// `--set KEY=VALUE` overrides, applied to the YAML tree before validation.
//
// Internal to sim/scenario. Applying to the tree (rather than to the loaded
// Scenario) means an override is checked exactly like the file: a bad value
// gets the same message, located at the override instead of a file line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sim/scenario/yaml_view.h"

namespace synsim::scenario::detail {

// The file name diagnostics about overrides carry.
inline constexpr const char* kOverrideFile = "--set";

// Applies each override to `root` (a mapping) in order; a later override of
// the same key wins. Problems are reported to `reader` at file "--set",
// line = 1-based position of the override in `overrides`, column = position
// in its KEY=VALUE text. Every node an override creates is remembered by the
// reader so that validation errors in it point at the override.
void apply_overrides(YAML::Node root, const std::vector<std::string>& overrides, Reader& reader);

}  // namespace synsim::scenario::detail
