// From a scenario to the model's parts: what the scenario file says, read
// as the simulated kernel's configuration (profile, sysctls, HZ, link
// rules), the machine's threads and pauses, and the run's header.
//
// Why a unit of its own: these are the places where a scenario the model
// cannot execute is refused (Unsupported, exit 2), and they are decided
// once, before the first event; the applications (World) are then built
// from the results and never read the scenario's settings for the kernel
// again.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/core/event_queue.h"
#include "sim/model/machine.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

// The simulated kernel's configuration: the scenario's kernel profile with
// its default sysctls, the scenario's sysctls over them, HZ, the link and
// its rules. Throws Unsupported for an unknown profile, sysctl or
// connection name.
tcp::StackConfig stack_config(const scenario::Scenario& sc, std::uint64_t seed, const Costs& costs);

// The machine the applications run on, with the server's accept.pauses
// (stop-the-world: the server's threads neither accept nor read nor reply).
std::unique_ptr<Machine> make_machine(const scenario::Scenario& sc, std::uint64_t seed, const Costs& costs,
                                      EventQueue& events, tcp::Stack& stack, TaskRunner& runner);

// The outcome's header for a model run of `sc` with `seed`.
outcome::RunInfo run_info(const scenario::Scenario& sc, std::uint64_t seed);

}  // namespace synsim::model
