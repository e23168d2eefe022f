// Connections of a scenario by number: the model and the kernel runner both
// number connections in scenario order (group by group, NAME#0, NAME#1, ...).
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/outcome/judge.h"
#include "sim/scenario/scenario.h"

namespace synsim::scenario {

// Connections over all client groups.
std::uint64_t total_connections(const Scenario& sc);

// The number of connection "GROUP#INDEX", or -1 if the scenario has none.
std::int64_t connection_index(const Scenario& sc, std::string_view name);

// What a connection of `group` must do to count as completed (the judge's
// Script, read off the group and the server).
outcome::Script script_of(const Scenario& sc, const ClientGroup& group);

}  // namespace synsim::scenario
