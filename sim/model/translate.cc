#include "sim/model/translate.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/rng.h"
#include "sim/model/run.h"
#include "sim/profile/profile.h"
#include "sim/profile/sysctls.h"
#include "sim/scenario/connections.h"

namespace synsim::model {

namespace {

const profile::Profile& kernel_profile(const scenario::Scenario& sc) {
  const profile::Profile* profile = profile::find_profile(sc.kernel);
  if (profile == nullptr) throw Unsupported(fmt::format("unknown kernel profile '{}'", sc.kernel));
  return *profile;
}

// The scenario's `hz`, else the profile's CONFIG_HZ.
std::int64_t hz_of(const scenario::Scenario& sc, const profile::Profile& profile) {
  return sc.hz.value_or(profile.default_hz);
}

tcp::SegmentClass to_class(scenario::SegmentKind k, bool* any) {
  *any = false;
  switch (k) {
    case scenario::SegmentKind::syn: return tcp::SegmentClass::syn;
    case scenario::SegmentKind::synack: return tcp::SegmentClass::synack;
    case scenario::SegmentKind::final_ack: return tcp::SegmentClass::final_ack;
    case scenario::SegmentKind::data: return tcp::SegmentClass::data;
    case scenario::SegmentKind::ack: return tcp::SegmentClass::ack;
    case scenario::SegmentKind::rst: return tcp::SegmentClass::rst;
    case scenario::SegmentKind::any: *any = true; return tcp::SegmentClass::syn;
  }
  return tcp::SegmentClass::syn;
}

tcp::LinkRule link_rule(const scenario::Scenario& sc, const scenario::LinkRule& r) {
  tcp::LinkRule rule;
  rule.conn = r.connection.empty() ? -1 : scenario::connection_index(sc, r.connection);
  if (!r.connection.empty() && rule.conn < 0) {
    throw Unsupported(fmt::format("link rule names unknown connection '{}'", r.connection));
  }
  rule.klass = to_class(r.segment, &rule.any_class);
  rule.nth = r.nth;
  rule.drop = r.action == scenario::LinkRule::Action::drop;
  rule.delay = r.delay;
  return rule;
}

}  // namespace

std::span<const CostField> cost_fields() {
  using S = scenario::MachineSpec::Costs;
  static constexpr CostField kFields[] = {
      {"connect", &Costs::connect, &S::connect}, {"send", &Costs::send, &S::send},
      {"read", &Costs::read, &S::read},          {"close", &Costs::close, &S::close},
      {"accept", &Costs::accept, &S::accept},    {"serve", &Costs::serve, &S::serve},
      {"softirq_packet", &Costs::softirq_packet, &S::softirq_packet},
  };
  return kFields;
}

Costs machine_costs(const scenario::Scenario& sc) {
  Costs c = measured_costs();
  for (const CostField& f : cost_fields()) c.*f.cost = (sc.machine.costs.*f.setting).value_or(c.*f.cost);
  return c;
}

std::uint32_t slow_phase(const scenario::Scenario& sc, std::uint64_t seed) {
  const Costs c = machine_costs(sc);
  if (!sc.machine.phases || c.slow_phase_scales.empty()) return 0;
  // The machine's own stream, so that the draw changes no other.
  Rng rng(seed, "machine.phases");
  if (rng.below(1000) >= c.slow_phase_per_mille) return 0;
  return c.slow_phase_scales[rng.below(c.slow_phase_scales.size())];
}

Costs machine_costs(const scenario::Scenario& sc, std::uint64_t seed) {
  Costs c = machine_costs(sc);
  if (const std::uint32_t scale = slow_phase(sc, seed); scale > 0) {
    for (const CostField& f : cost_fields()) c.*f.cost = Duration{(c.*f.cost).count() * scale / 1000};
  }
  return c;
}

tcp::StackConfig stack_config(const scenario::Scenario& sc, std::uint64_t seed, const Costs& costs) {
  const profile::Profile& profile = kernel_profile(sc);
  tcp::StackConfig cfg;
  cfg.profile = &profile;
  cfg.sysctls = profile::default_sysctls(profile);
  for (const scenario::SysctlSetting& s : sc.sysctls) {
    const profile::SysctlInfo* info = profile::find_sysctl(s.name);
    if (info == nullptr) throw Unsupported(fmt::format("unknown sysctl '{}'", s.name));
    cfg.sysctls.*(info->field) = s.value;
  }
  cfg.hz = hz_of(sc, profile);
  cfg.seed = seed;
  cfg.server_port = sc.server.port;
  cfg.link_latency = sc.link.latency;
  cfg.cpus = sc.machine.cpus;
  cfg.softirq_packet_cost = costs.softirq_packet;
  cfg.timer_cpu = 0;  // socket timers fire where the loader's sockets were armed
  cfg.softirq_owners = std::max<std::uint32_t>(1, sc.loader.threads) + 1;  // Machine's executors: loader threads, server
  for (const scenario::LinkRule& r : sc.link.rules) cfg.link_rules.push_back(link_rule(sc, r));
  return cfg;
}

std::unique_ptr<Machine> make_machine(const scenario::Scenario& sc, std::uint64_t seed, const Costs& costs,
                                      EventQueue& events, tcp::Stack& stack, TaskRunner& runner) {
  auto machine = std::make_unique<Machine>(sc.machine.cpus, sc.loader.threads, sc.server.threads, costs, seed,
                                           events, stack, runner, sc.machine.stops, sc.machine.placement_measured);
  // accept.pauses are stop-the-world: the server's threads neither accept
  // nor read nor reply.
  for (const scenario::AcceptPause& p : sc.server.accept.pauses) {
    machine->pause(machine->server(), kTimeZero + p.at, kTimeZero + p.at + p.length);
  }
  return machine;
}

outcome::RunInfo run_info(const scenario::Scenario& sc, std::uint64_t seed) {
  const profile::Profile& p = kernel_profile(sc);
  outcome::RunInfo info;
  info.scenario = sc.name;
  info.settings = sc.settings;
  info.source = "model";
  info.kernel = std::string(p.name);
  info.hz = hz_of(sc, p);
  info.seed = seed;
  info.duration = sc.duration;
  info.server_port = sc.server.port;
  info.server_address = sc.server.address;
  info.slow_phase_per_mille = slow_phase(sc, seed);
  return info;
}

Roster::Roster(const scenario::Scenario& sc) : sc_(sc) {
  first_.reserve(sc.clients.size());
  for (const scenario::ClientGroup& g : sc.clients) {
    first_.push_back(total_);
    total_ += g.count;
  }
}

// The last group starting at or before `conn` (a group of no connections
// starts where the next one does, and is never the answer).
std::uint32_t Roster::group_of(std::uint32_t conn) const {
  const auto after = std::upper_bound(first_.begin(), first_.end(), conn);
  return static_cast<std::uint32_t>(after - first_.begin()) - 1;
}

std::string Roster::name_of(std::uint32_t conn) const {
  const std::uint32_t g = group_of(conn);
  return fmt::format("{}#{}", sc_.clients[g].name, conn - first_[g]);
}

}  // namespace synsim::model
