// From a scenario to the model's parts: what the scenario file says, read
// as the simulated kernel's configuration (profile, sysctls, HZ, link
// rules), the machine's threads and pauses, the run's header, and the
// numbering of its connections.
//
// Why a unit of its own: these are the places where a scenario the model
// cannot execute is refused (Unsupported, exit 2), and they are decided
// once, before the first event; the applications (World) and the recorder
// (Recorder) are then built from the results and never read the scenario's
// settings for the kernel again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/event_queue.h"
#include "sim/model/machine.h"
#include <optional>
#include <span>
#include <string_view>
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"
#include "sim/tcp/stack.h"

namespace synsim::model {

// The CPU costs of the machine: measured_costs() with the scenario's
// machine.costs over them.
Costs machine_costs(const scenario::Scenario& sc);
// The same for one run: with machine.phases: measured, the run draws from
// its seed whether the machine is in a slow phase (Costs::slow_phase_*) and
// how slow, and every per-call and per-packet cost is scaled by it.
Costs machine_costs(const scenario::Scenario& sc, std::uint64_t seed);
// The slow phase a run draws (the scale, in thousandths, of its costs), or 0
// for the usual speed (always, without machine.phases: measured).
std::uint32_t slow_phase(const scenario::Scenario& sc, std::uint64_t seed);

// The costs a scenario's machine.costs sets, each with its key and its
// place in Costs and in the scenario: the one list of them.
struct CostField {
  std::string_view key;  // "connect", as machine.costs.connect
  Duration Costs::*cost;
  std::optional<Duration> scenario::MachineSpec::Costs::*setting;
};
std::span<const CostField> cost_fields();

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

// The scenario's connections by number, group by group (NAME#0, NAME#1,
// ...; scenario/connections.h): the one place the model maps a connection
// to its group and index. Keeps one number per group, none per connection.
class Roster {
 public:
  explicit Roster(const scenario::Scenario& sc);

  std::uint32_t total() const { return total_; }
  // Index into Scenario::clients.
  std::uint32_t group_of(std::uint32_t conn) const;
  std::uint32_t first_of(std::uint32_t group) const { return first_[group]; }
  // Position within its group.
  std::uint32_t index_of(std::uint32_t conn) const { return conn - first_[group_of(conn)]; }
  // "GROUP#INDEX"
  std::string name_of(std::uint32_t conn) const;

 private:
  const scenario::Scenario& sc_;
  std::vector<std::uint32_t> first_;  // each group's first connection, ascending
  std::uint32_t total_ = 0;
};

}  // namespace synsim::model
