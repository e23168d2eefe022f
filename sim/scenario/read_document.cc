// The scenario's top level (name, kernel, hz, seed, duration, the sections)
// and its sysctl settings.
#include "sim/scenario/scenario_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/scenario/values.h"
#include "sim/profile/profile.h"
#include "sim/profile/sysctls.h"

namespace synsim::scenario::detail {

namespace {

// Levenshtein distance, for "did you mean" on sysctl names.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

void ScenarioReader::read(const Item& document, Scenario& s) {
  const std::optional<Fields> f =
      r_.mapping(document, {"name", "description", "kernel", "hz", "seed", "duration", "sysctl",
                            "machine", "loader", "server", "clients", "link", "expect"});
  if (!f) return;
  r_.require(*f, {"name", "description", "duration"});

  if (const Item* i = f->get("name")) {
    if (std::optional<std::string> v = r_.scalar(*i, "a name such as accept-queue-overflow")) {
      if (is_valid_name(*v)) {
        s.name = *v;
      } else {
        r_.error(i->where, fmt::format("name must match [a-z0-9-]+, got '{}'", *v));
      }
    }
  }
  if (const Item* i = f->get("description")) {
    if (std::optional<std::string> v = r_.scalar(*i, "a text")) {
      while (!v->empty() && (v->back() == '\n' || v->back() == ' ')) v->pop_back();
      if (v->empty()) {
        r_.error(i->where, "description must not be empty");
      } else {
        s.description = *v;
      }
    }
  }
  if (const Item* i = f->get("kernel")) {
    std::vector<std::string_view> names;
    for (const profile::Profile& p : profile::profiles()) names.push_back(p.name);
    if (std::optional<std::string> v = r_.scalar(*i, "a kernel profile name")) {
      if (profile::find_profile(*v) != nullptr) {
        s.kernel = *v;
      } else {
        r_.error(i->where, fmt::format("unknown kernel profile '{}' (expected one of: {})", *v,
                                       detail::join_alternatives(names, ", ")));
      }
    }
  }
  if (const Item* i = f->get("hz")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, kInt64Min, kInt64Max)) {
      if (*v == 100 || *v == 250 || *v == 300 || *v == 1000) {
        s.hz = *v;
      } else {
        r_.error(i->where, fmt::format("hz must be one of 100, 250, 300, 1000, got {}", *v));
      }
    }
  }
  if (const Item* i = f->get("seed")) {
    if (std::optional<std::uint64_t> v = r_.unsigned_integer(*i)) s.seed = *v;
  }
  if (const Item* i = f->get("duration")) {
    if (std::optional<Duration> v = r_.duration(*i)) {
      if (v->count() == 0) {
        r_.error(i->where, "duration must be > 0");
      } else {
        s.duration = *v;
      }
    }
  }
  if (const Item* i = f->get("sysctl")) read_sysctls(*i, s.sysctls);
  if (const Item* i = f->get("machine")) read_machine(*i, s.machine);
  if (const Item* i = f->get("loader")) read_loader(*i, s.loader);
  if (const Item* i = f->get("server")) read_server(*i, s.server);
  // Clients before link and expect, whatever the file order: those name connections.
  if (const Item* i = f->get("clients")) read_clients(*i, s.clients);
  if (const Item* i = f->get("link")) read_link(*i, s.link);
  if (const Item* i = f->get("expect")) read_expect(*i, s.expect);
}

void ScenarioReader::read_sysctls(const Item& item, std::vector<SysctlSetting>& out) {
  const std::optional<Fields> f = r_.mapping(item, {});
  if (!f) return;
  for (const Field& e : f->entries) {
    const profile::SysctlInfo* info = profile::find_sysctl(e.key);
    if (info == nullptr) {
      std::string hint;
      if (e.key.find('.') == std::string::npos) {
        hint = " (write the full dotted name, e.g. net.core.somaxconn: 4096)";
      } else {
        std::string_view best;
        std::size_t best_distance = 4;  // suggest only close misspellings
        for (const profile::SysctlInfo& known : profile::sysctl_table()) {
          const std::size_t d = edit_distance(e.key, known.name);
          if (d < best_distance) {
            best = known.name;
            best_distance = d;
          }
        }
        if (!best.empty()) hint = fmt::format(" (did you mean '{}'?)", best);
      }
      r_.error(e.key_where, fmt::format("unknown sysctl '{}'{}", e.key, hint));
      continue;
    }
    const std::optional<std::int64_t> v = r_.integer(e.value, kInt64Min, kInt64Max);
    if (!v) continue;
    if (*v < info->min || *v > info->max) {
      r_.error(e.value.where, fmt::format("{} must be in [{}, {}], got {}", e.key, info->min, info->max, *v));
      continue;
    }
    out.push_back(SysctlSetting{e.key, *v, e.key_where});
  }
}

}  // namespace synsim::scenario::detail
