// The scenario's machine (CPUs, their stops, where woken threads run) and
// the loader's threads.
#include "sim/scenario/scenario_reader.h"

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

void ScenarioReader::read_machine(const Item& item, MachineSpec& machine) {
  machine.where = item.where;
  const std::optional<Fields> f = r_.mapping(item, {"cpus", "stops", "placement", "phases", "costs"});
  if (!f) return;
  if (const Item* i = f->get("costs")) read_costs(*i, machine.costs);
  if (const Item* i = f->get("stops")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"none", false}, {"measured", true}})) machine.stops = *v;
  }
  if (const Item* i = f->get("placement")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"fixed", false}, {"measured", true}})) {
      machine.placement_measured = *v;
    }
  }
  if (const Item* i = f->get("phases")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"none", false}, {"measured", true}})) machine.phases = *v;
  }
  if (const Item* i = f->get("cpus")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxCpus)) machine.cpus = static_cast<std::uint32_t>(*v);
  }
}

void ScenarioReader::read_costs(const Item& item, MachineSpec::Costs& costs) {
  const std::pair<const char*, std::optional<Duration>*> keys[] = {
      {"connect", &costs.connect}, {"send", &costs.send},   {"read", &costs.read},
      {"close", &costs.close},     {"accept", &costs.accept}, {"serve", &costs.serve},
      {"softirq_packet", &costs.softirq_packet},
  };
  const std::optional<Fields> f =
      r_.mapping(item, {"connect", "send", "read", "close", "accept", "serve", "softirq_packet"});
  if (!f) return;
  for (const auto& [key, slot] : keys) {
    if (const Item* i = f->get(key)) {
      if (std::optional<Duration> v = r_.duration(*i)) {
        // A socket call or a packet takes microseconds; a second is a typo.
        if (*v > sec(1)) {
          r_.error(i->where, fmt::format("{}: {} is more than 1s of CPU for one call", i->path, i->node.Scalar()));
        } else {
          *slot = *v;
        }
      }
    }
  }
}

void ScenarioReader::read_loader(const Item& item, LoaderSpec& loader) {
  loader.where = item.where;
  const std::optional<Fields> f = r_.mapping(item, {"threads"});
  if (!f) return;
  if (const Item* i = f->get("threads")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxLoaderThreads)) {
      loader.threads = static_cast<std::uint32_t>(*v);
    }
  }
}

}  // namespace synsim::scenario::detail
