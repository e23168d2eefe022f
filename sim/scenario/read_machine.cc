// The scenario's machine (CPUs, their stops, where woken threads run) and
// the loader's threads.
#include "sim/scenario/scenario_reader.h"

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

void ScenarioReader::read_machine(const Item& item, MachineSpec& machine) {
  machine.where = item.where;
  const std::optional<Fields> f = r_.mapping(item, {"cpus", "stops", "placement"});
  if (!f) return;
  if (const Item* i = f->get("stops")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"none", false}, {"measured", true}})) machine.stops = *v;
  }
  if (const Item* i = f->get("placement")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"fixed", false}, {"measured", true}})) {
      machine.placement_measured = *v;
    }
  }
  if (const Item* i = f->get("cpus")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxCpus)) machine.cpus = static_cast<std::uint32_t>(*v);
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
