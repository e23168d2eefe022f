// The scenario schema: which keys exist, their types, ranges and defaults.
//
// scenarios/README.md ("Format reference") documents exactly what this file
// accepts; change both together. Reading primitives (type checks, duplicate
// and unknown keys, the node cap) are in yaml_view.h; --set in overrides.h.
#include "sim/scenario/load.h"

#include <cctype>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>

#include "sim/scenario/overrides.h"
#include "sim/scenario/values.h"
#include "sim/scenario/yaml_view.h"
#include "sim/profile/profile.h"
#include "sim/profile/sysctls.h"

namespace synsim::scenario {

using detail::Field;
using detail::Fields;
using detail::Item;
using detail::Reader;

std::string Diagnostic::str() const {
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

namespace {

constexpr std::int64_t kIntMax = 2147483647;         // INT_MAX: listen() backlog is an int
constexpr std::int64_t kMaxCount = kMaxConnectionsPerGroup;
constexpr std::int64_t kMaxBytes = 1'048'576;        // bytes per write / response
constexpr std::int64_t kMaxCpus = 1024;
constexpr std::int64_t kMaxServerThreads = 1024;
constexpr std::size_t kMaxFileBytes = 16 << 20;      // scenario files are small

constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

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

// The name a client group is reported under: `clients.x` when it has a
// usable name, `clients[2]` otherwise. Read before the group is checked.
std::string group_path(const Item& group, std::size_t index) {
  if (group.node.IsMap()) {
    for (auto it = group.node.begin(); it != group.node.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "name") continue;
      if (it->second.IsScalar() && is_valid_name(it->second.Scalar())) {
        return "clients." + it->second.Scalar();
      }
      break;
    }
  }
  return fmt::format("clients[{}]", index);
}

class ScenarioReader {
 public:
  explicit ScenarioReader(Reader& reader) : r_(reader) {}

  void read(const Item& document, Scenario& s);

 private:
  void read_sysctls(const Item& item, std::vector<SysctlSetting>& out);
  void read_server(const Item& item, ServerSpec& server);
  void read_accept(const Item& item, AcceptSpec& accept);
  void read_on_data(const Item& item, OnDataSpec& on_data);
  void read_machine(const Item& item, MachineSpec& machine);
  void read_clients(const Item& item, std::vector<ClientGroup>& clients);
  void read_client(const Item& item, ClientGroup& group);
  void read_arrival(const Item& item, ArrivalSpec& arrival);
  void read_send(const Item& item, std::optional<SendSpec>& send);
  void read_close(const Item& item, CloseSpec& close);
  void read_link(const Item& item, LinkSpec& link);
  void read_rule(const Item& item, LinkRule& rule);
  void read_expect(const Item& item, ExpectSpec& expect);
  std::optional<Bound> read_bound(const Item& item);
  std::optional<TimeExpectation> read_time(const Item& item);
  // True when `text` names an existing connection (GROUP#INDEX, INDEX < count).
  bool check_connection(const std::string& text, const SourceLocation& where, const std::string& context);

  // Client groups by name, filled by read_clients before link and expect are
  // read; count is unknown (nullopt) when the group's own count was bad.
  struct GroupInfo {
    std::optional<std::uint32_t> count;
    SourceLocation name_where;
  };
  Reader& r_;
  std::map<std::string, GroupInfo> groups_;
  // Connections over all groups read so far (kMaxTotalConnections), and
  // whether going over has been reported (once, at the first group that does).
  std::uint64_t total_connections_ = 0;
  bool total_reported_ = false;
};

void ScenarioReader::read(const Item& document, Scenario& s) {
  const std::optional<Fields> f =
      r_.mapping(document, {"name", "description", "kernel", "hz", "seed", "duration", "sysctl",
                            "machine", "server", "clients", "link", "expect"});
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

void ScenarioReader::read_server(const Item& item, ServerSpec& server) {
  server.where = item.where;
  const std::optional<Fields> f =
      r_.mapping(item, {"listen", "backlog", "defer_accept", "syncnt", "accept", "on_data", "threads"});
  if (!f) return;
  if (const Item* i = f->get("listen")) {
    if (std::optional<std::string> v = r_.scalar(*i, "ADDR:PORT such as 127.0.0.1:9100")) {
      std::string message;
      if (std::optional<ListenAddress> a = parse_listen(*v, &message)) {
        server.address = a->address;
        server.port = a->port;
      } else {
        r_.error(i->where, Reader::prefix(*i) + message);
      }
    }
  }
  if (const Item* i = f->get("backlog")) {
    // Deviation: listen() accepts a negative backlog (treated as 0); a
    // scenario that writes one almost certainly means something else.
    if (std::optional<std::int64_t> v = r_.integer(*i, 0, kIntMax)) server.backlog = *v;
  }
  if (const Item* i = f->get("defer_accept")) {
    if (std::optional<Duration> v = r_.duration(*i)) server.defer_accept = *v;
  }
  if (const Item* i = f->get("syncnt")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, 127)) server.syncnt = *v;  // MAX_TCP_SYNCNT
  }
  if (const Item* i = f->get("accept")) read_accept(*i, server.accept);
  if (const Item* i = f->get("on_data")) read_on_data(*i, server.on_data);
  if (const Item* i = f->get("threads")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxServerThreads)) {
      server.threads = static_cast<std::uint32_t>(*v);
    }
  }
}

void ScenarioReader::read_machine(const Item& item, MachineSpec& machine) {
  machine.where = item.where;
  const std::optional<Fields> f = r_.mapping(item, {"cpus", "stops"});
  if (!f) return;
  if (const Item* i = f->get("stops")) {
    if (std::optional<bool> v = r_.choice<bool>(*i, {{"none", false}, {"measured", true}})) machine.stops = *v;
  }
  if (const Item* i = f->get("cpus")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxCpus)) machine.cpus = static_cast<std::uint32_t>(*v);
  }
}

void ScenarioReader::read_accept(const Item& item, AcceptSpec& accept) {
  if (item.node.IsScalar()) {
    r_.visit(item.where);
    if (item.node.Scalar() == "never") {
      accept.never = true;
    } else {
      r_.error(item.where, fmt::format("{}expected a mapping or 'never', got '{}'", Reader::prefix(item),
                                       item.node.Scalar()));
    }
    return;
  }
  const std::optional<Fields> f = r_.mapping(item, {"start", "mode", "pauses", "never", "per_wakeup"});
  if (!f) return;
  if (const Item* i = f->get("start")) {
    if (std::optional<Duration> v = r_.duration(*i)) accept.start = *v;
  }
  if (const Item* i = f->get("mode")) {
    const std::string expected = "continuous or {per_accept_cost: D}";
    if (i->node.IsScalar()) {
      r_.visit(i->where);
      if (i->node.Scalar() == "continuous") {
        accept.per_accept_cost = Duration{0};
      } else {
        r_.error(i->where, fmt::format("{}expected {}, got '{}'", Reader::prefix(*i), expected, i->node.Scalar()));
      }
    } else if (i->node.IsMap()) {
      if (std::optional<Fields> m = r_.mapping(*i, {"per_accept_cost"})) {
        r_.require(*m, {"per_accept_cost"});
        if (const Item* c = m->get("per_accept_cost")) {
          if (std::optional<Duration> v = r_.duration(*c)) accept.per_accept_cost = *v;
        }
      }
    } else {
      r_.error(i->where, fmt::format("{}expected {}, got {}", Reader::prefix(*i), expected,
                                     Reader::describe(i->node)));
    }
  }
  if (const Item* i = f->get("pauses")) {
    std::optional<std::vector<Item>> pauses = r_.sequence(*i);
    if (pauses && pauses->size() > kMaxAcceptPauses) {
      r_.error(i->where, fmt::format("{}: at most {} pauses, got {}", i->path, kMaxAcceptPauses, pauses->size()));
      pauses.reset();
    }
    if (pauses) {
      Duration previous_end{0};
      for (const Item& p : *pauses) {
        const std::optional<Fields> pf = r_.mapping(p, {"at", "for"});
        if (!pf) continue;
        r_.require(*pf, {"at", "for"});
        const Item* at = pf->get("at");
        const Item* length = pf->get("for");
        if (at == nullptr || length == nullptr) continue;
        const std::optional<Duration> at_v = r_.duration(*at);
        const std::optional<Duration> length_v = r_.duration(*length);
        if (!at_v || !length_v) continue;
        AcceptPause pause{*at_v, *length_v};
        if (pause.length.count() == 0) {
          r_.error(length->where, fmt::format("{}.for must be > 0", p.path));
          continue;
        }
        if (pause.at < previous_end) {
          r_.error(at->where, fmt::format("{} starts at {}, before the previous pause ends at {} "
                                          "(pauses must be in time order and must not overlap)",
                                          p.path, format_duration(pause.at), format_duration(previous_end)));
          continue;
        }
        previous_end = pause.at + pause.length;
        accept.pauses.push_back(pause);
      }
    }
  }
  if (const Item* i = f->get("never")) {
    if (std::optional<bool> v = r_.boolean(*i)) accept.never = *v;
  }
  if (const Item* i = f->get("per_wakeup")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 0, kIntMax)) accept.per_wakeup = static_cast<std::uint32_t>(*v);
  }
}

void ScenarioReader::read_on_data(const Item& item, OnDataSpec& on_data) {
  const std::optional<Fields> f = r_.mapping(item, {"respond_bytes", "close", "cost"});
  if (!f) return;
  if (const Item* i = f->get("respond_bytes")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 0, kMaxBytes)) {
      on_data.respond_bytes = static_cast<std::uint32_t>(*v);
    }
  }
  if (const Item* i = f->get("close")) {
    if (std::optional<ServerClose> v = r_.choice<ServerClose>(
            *i, {{"after_response", ServerClose::after_response}, {"never", ServerClose::never}})) {
      on_data.close = *v;
    }
  }
  if (const Item* i = f->get("cost")) {
    if (std::optional<Duration> v = r_.duration(*i)) on_data.cost = *v;
  }
}

void ScenarioReader::read_clients(const Item& item, std::vector<ClientGroup>& clients) {
  const std::optional<std::vector<Item>> groups = r_.sequence(item);
  if (!groups) return;
  if (groups->empty()) {
    r_.error(item.where, "clients must list at least one group");
    return;
  }
  for (std::size_t index = 0; index < groups->size(); ++index) {
    Item group_item = (*groups)[index];
    group_item.path = group_path(group_item, index);
    ClientGroup group;
    read_client(group_item, group);
    clients.push_back(std::move(group));
  }
}

void ScenarioReader::read_client(const Item& item, ClientGroup& group) {
  group.where = item.where;
  const std::optional<Fields> f =
      r_.mapping(item, {"name", "count", "start", "spacing", "arrival", "defer_final_ack", "send",
                        "close", "close_style"});
  if (!f) return;
  r_.require(*f, {"name"});

  GroupInfo* info = nullptr;  // set when the name is usable and new
  if (const Item* i = f->get("name")) {
    if (std::optional<std::string> v = r_.scalar(*i, "a group name such as x")) {
      if (!is_valid_name(*v)) {
        r_.error(i->where, fmt::format("client group name must match [a-z0-9-]+, got '{}'", *v));
      } else if (auto it = groups_.find(*v); it != groups_.end()) {
        r_.error(i->where, fmt::format("duplicate client name '{}' (first at {})", *v,
                                       r_.short_location(it->second.name_where)));
      } else {
        group.name = *v;
        info = &groups_[*v];
        info->name_where = i->where;
        info->count = group.count;
      }
    }
  }
  const Item* count_item = f->get("count");
  bool count_known = true;
  if (count_item != nullptr) {
    std::optional<std::int64_t> v = r_.integer(*count_item, 1, kMaxCount);
    if (v) group.count = static_cast<std::uint32_t>(*v);
    if (info != nullptr) info->count = v ? std::optional<std::uint32_t>(group.count) : std::nullopt;
    count_known = v.has_value();
  }
  if (count_known) {
    total_connections_ += group.count;
    if (total_connections_ > kMaxTotalConnections && !total_reported_) {
      total_reported_ = true;
      r_.error(count_item != nullptr ? count_item->where : item.where,
               fmt::format("{}.count: the client groups would open {} connections in all, more than the "
                           "limit of {} (the model keeps a record of every connection)",
                           item.path, total_connections_, kMaxTotalConnections));
    }
  }
  if (const Item* i = f->get("start")) {
    if (std::optional<Duration> v = r_.duration(*i)) group.start = *v;
  }
  if (const Item* i = f->get("spacing")) {
    if (std::optional<Duration> v = r_.duration(*i)) group.spacing = *v;
    if (f->get("arrival") != nullptr) {
      r_.error(f->field("spacing")->key_where,
               fmt::format("{}.spacing cannot be combined with arrival (arrival decides when connect() is called)",
                           item.path));
    }
  }
  if (const Item* i = f->get("arrival")) read_arrival(*i, group.arrival);
  if (const Item* i = f->get("defer_final_ack")) {
    if (std::optional<bool> v = r_.boolean(*i)) group.defer_final_ack = *v;
  }
  if (const Item* i = f->get("send")) read_send(*i, group.send);
  if (const Item* i = f->get("close")) read_close(*i, group.close);
  if (const Item* i = f->get("close_style")) {
    if (std::optional<CloseStyle> v =
            r_.choice<CloseStyle>(*i, {{"fin", CloseStyle::fin}, {"rst", CloseStyle::rst}})) {
      group.close_style = *v;
    }
  }
}

void ScenarioReader::read_arrival(const Item& item, ArrivalSpec& arrival) {
  const std::optional<Fields> f = r_.mapping(item, {"concurrency", "rate", "burst", "at", "process"});
  if (!f) return;
  const Field* form = nullptr;
  for (const Field& e : f->entries) {
    if (e.key == "at" || e.key == "process") continue;
    if (form != nullptr) {
      r_.error(e.key_where, fmt::format("{}: {} cannot be combined with {} (choose one arrival form)",
                                        item.path, e.key, form->key));
      return;
    }
    form = &e;
  }
  if (form == nullptr) {
    r_.error(item.where, fmt::format("{} needs one of: {{concurrency: N}}, {{rate: N/s}}, {{burst: N, at: D}}",
                                     item.path));
    return;
  }
  if (const Field* at = f->field("at"); at != nullptr && form->key != "burst") {
    r_.error(at->key_where, fmt::format("{}.at applies only to a burst arrival", item.path));
  }
  if (const Field* p = f->field("process"); p != nullptr) {
    if (form->key != "rate") {
      r_.error(p->key_where, fmt::format("{}.process applies only to a rate arrival", item.path));
    } else if (std::optional<bool> v = r_.choice<bool>(p->value, {{"even", false}, {"poisson", true}})) {
      arrival.poisson = *v;
    }
  }
  if (form->key == "concurrency") {
    if (std::optional<std::int64_t> v = r_.integer(form->value, 1, kMaxCount)) {
      arrival.kind = ArrivalSpec::Kind::concurrency;
      arrival.concurrency = static_cast<std::uint32_t>(*v);
    }
  } else if (form->key == "rate") {
    if (std::optional<std::string> v = r_.scalar(form->value, "a rate such as 30000/s")) {
      std::string message;
      if (std::optional<std::uint64_t> rate = parse_rate(*v, &message)) {
        arrival.kind = ArrivalSpec::Kind::rate;
        arrival.rate_per_s = *rate;
      } else {
        r_.error(form->value.where, Reader::prefix(form->value) + message);
      }
    }
  } else {  // burst
    if (std::optional<std::int64_t> v = r_.integer(form->value, 1, kMaxCount)) {
      arrival.kind = ArrivalSpec::Kind::burst;
      arrival.burst = static_cast<std::uint32_t>(*v);
    }
    if (const Item* at = f->get("at")) {
      if (std::optional<Duration> v = r_.duration(*at)) arrival.burst_at = *v;
    }
  }
}

void ScenarioReader::read_send(const Item& item, std::optional<SendSpec>& send) {
  const std::optional<Fields> f = r_.mapping(item, {"bytes", "at", "after"});
  if (!f) return;
  r_.require(*f, {"bytes"});
  SendSpec spec;
  bool ok = true;
  if (const Item* i = f->get("bytes")) {
    std::optional<std::int64_t> v = r_.integer(*i, 1, kMaxBytes);
    if (v) spec.bytes = static_cast<std::uint32_t>(*v);
    ok = ok && v.has_value();
  }
  const Item* at = f->get("at");
  const Item* after = f->get("after");
  if (at != nullptr && after != nullptr) {
    r_.error(f->field("after")->key_where,
             fmt::format("{}: at and after cannot be combined (at: absolute time; after: relative to connect() completing)",
                         item.path));
    return;
  }
  if (at == nullptr && after == nullptr) {
    r_.error(item.where, fmt::format("{} needs at (absolute time) or after (relative to connect() completing)",
                                     item.path));
    return;
  }
  const Item* when = at != nullptr ? at : after;
  std::optional<Duration> time = r_.duration(*when);
  if (!ok || !time) return;
  spec.anchor = at != nullptr ? SendSpec::Anchor::absolute : SendSpec::Anchor::after_connect;
  spec.time = *time;
  send = spec;
}

void ScenarioReader::read_close(const Item& item, CloseSpec& close) {
  const std::string expected = "never, after_response or {at: D}";
  if (item.node.IsScalar()) {
    r_.visit(item.where);
    const std::string& word = item.node.Scalar();
    if (word == "never") {
      close.kind = CloseSpec::Kind::never;
    } else if (word == "after_response") {
      close.kind = CloseSpec::Kind::after_response;
    } else {
      r_.error(item.where, fmt::format("{}expected {}, got '{}'", Reader::prefix(item), expected, word));
    }
    return;
  }
  if (!item.node.IsMap()) {
    r_.error(item.where, fmt::format("{}expected {}, got {}", Reader::prefix(item), expected,
                                     Reader::describe(item.node)));
    return;
  }
  const std::optional<Fields> f = r_.mapping(item, {"at"});
  if (!f) return;
  r_.require(*f, {"at"});
  if (const Item* i = f->get("at")) {
    if (std::optional<Duration> v = r_.duration(*i)) {
      close.kind = CloseSpec::Kind::at;
      close.at = *v;
    }
  }
}

bool ScenarioReader::check_connection(const std::string& text, const SourceLocation& where,
                                      const std::string& context) {
  std::string message;
  const std::optional<ConnectionName> name = parse_connection_name(text, &message);
  if (!name) {
    r_.error(where, fmt::format("{}: {}", context, message));
    return false;
  }
  const auto it = groups_.find(name->group);
  if (it == groups_.end()) {
    r_.error(where, fmt::format("{}: connection '{}' names no client group '{}'", context, text, name->group));
    return false;
  }
  const std::optional<std::uint32_t> count = it->second.count;
  if (count && name->index >= *count) {
    r_.error(where, fmt::format("{}: connection '{}' does not exist: group {} has {} connection{} ({}#0..{}#{})",
                                context, text, name->group, *count, *count == 1 ? "" : "s", name->group,
                                name->group, *count - 1));
    return false;
  }
  return true;
}

void ScenarioReader::read_link(const Item& item, LinkSpec& link) {
  const std::optional<Fields> f = r_.mapping(item, {"latency", "rules"});
  if (!f) return;
  if (const Item* i = f->get("latency")) {
    if (std::optional<Duration> v = r_.duration(*i)) link.latency = *v;
  }
  if (const Item* i = f->get("rules")) {
    std::optional<std::vector<Item>> rules = r_.sequence(*i);
    if (rules && rules->size() > kMaxLinkRules) {
      r_.error(i->where, fmt::format("{}: at most {} rules, got {}", i->path, kMaxLinkRules, rules->size()));
      rules.reset();
    }
    if (rules) {
      for (const Item& rule_item : *rules) {
        LinkRule rule;
        read_rule(rule_item, rule);
        link.rules.push_back(std::move(rule));
      }
    }
  }
}

void ScenarioReader::read_rule(const Item& item, LinkRule& rule) {
  rule.where = item.where;
  const std::optional<Fields> f = r_.mapping(item, {"match", "action", "nth"});
  if (!f) return;
  r_.require(*f, {"action"});
  if (const Item* i = f->get("match")) {
    if (std::optional<Fields> m = r_.mapping(*i, {"connection", "segment"})) {
      if (const Item* c = m->get("connection")) {
        if (std::optional<std::string> v = r_.scalar(*c, "a connection name such as x#0")) {
          if (check_connection(*v, c->where, c->path)) rule.connection = *v;
        }
      }
      if (const Item* s = m->get("segment")) {
        if (std::optional<SegmentKind> v = r_.choice<SegmentKind>(
                *s, {{"syn", SegmentKind::syn},
                     {"synack", SegmentKind::synack},
                     {"final_ack", SegmentKind::final_ack},
                     {"data", SegmentKind::data},
                     {"ack", SegmentKind::ack},
                     {"rst", SegmentKind::rst},
                     {"any", SegmentKind::any}})) {
          rule.segment = *v;
        }
      }
    }
  }
  if (const Item* i = f->get("action")) {
    if (std::optional<Fields> a = r_.mapping(*i, {"delay", "drop"})) {
      const Item* delay = a->get("delay");
      const Item* drop = a->get("drop");
      if (delay != nullptr && drop != nullptr) {
        r_.error(a->field("drop")->key_where, fmt::format("{}: delay and drop cannot be combined", i->path));
      } else if (delay != nullptr) {
        if (std::optional<Duration> v = r_.duration(*delay)) {
          rule.action = LinkRule::Action::delay;
          rule.delay = *v;
        }
      } else if (drop != nullptr) {
        if (std::optional<bool> v = r_.boolean(*drop)) {
          if (*v) {
            rule.action = LinkRule::Action::drop;
          } else {
            r_.error(drop->where, fmt::format("{}: false has no effect (remove the rule, or use delay)", drop->path));
          }
        }
      } else {
        r_.error(i->where, fmt::format("{} needs {{delay: D}} or {{drop: true}}", i->path));
      }
    }
  }
  if (const Item* i = f->get("nth")) {
    if (std::optional<std::int64_t> v = r_.integer(*i, 1, kIntMax)) rule.nth = static_cast<std::uint32_t>(*v);
  }
}

std::optional<Bound> ScenarioReader::read_bound(const Item& item) {
  const std::string expected = "N, {at_least: N} or {at_most: N}";
  if (item.node.IsScalar()) {
    const std::optional<std::int64_t> v = r_.integer(item, 0, kInt64Max);
    if (!v) return std::nullopt;
    return Bound{Bound::Kind::exact, *v};
  }
  if (!item.node.IsMap()) {
    r_.error(item.where, fmt::format("{}expected {}, got {}", Reader::prefix(item), expected,
                                     Reader::describe(item.node)));
    return std::nullopt;
  }
  const std::optional<Fields> f = r_.mapping(item, {"at_least", "at_most"});
  if (!f) return std::nullopt;
  if (f->entries.size() != 1) {
    if (f->entries.empty()) {
      // A mapping with only unknown keys has been reported already.
      if (item.node.size() == 0) {
        r_.error(item.where, fmt::format("{}expected {}, got an empty mapping", Reader::prefix(item), expected));
      }
    } else {
      r_.error(f->entries[1].key_where, fmt::format("{}: at_least and at_most cannot be combined", item.path));
    }
    return std::nullopt;
  }
  const Field& e = f->entries[0];
  const std::optional<std::int64_t> v = r_.integer(e.value, 0, kInt64Max);
  if (!v) return std::nullopt;
  return Bound{e.key == "at_least" ? Bound::Kind::at_least : Bound::Kind::at_most, *v};
}

std::optional<TimeExpectation> ScenarioReader::read_time(const Item& item) {
  const std::optional<std::string> v = r_.scalar(item, "a time such as 5.1s ±300ms");
  if (!v) return std::nullopt;
  std::string message;
  const std::optional<TimeWithTolerance> t = parse_time_with_tolerance(*v, &message);
  if (!t) {
    r_.error(item.where, Reader::prefix(item) + message);
    return std::nullopt;
  }
  return TimeExpectation{t->value, t->tolerance};
}

void ScenarioReader::read_expect(const Item& item, ExpectSpec& expect) {
  const std::optional<Fields> f = r_.mapping(item, {"counters", "connections", "stalls", "stall_quantiles"});
  if (!f) return;
  if (const Item* i = f->get("counters")) {
    if (std::optional<Fields> counters = r_.mapping(*i, {})) {
      for (const Field& e : counters->entries) {
        if (!is_counter_name(e.key)) {
          r_.error(e.key_where,
                   fmt::format("'{}' is not an nstat counter name (expected Tcp*, TcpExt*, Ip* or IpExt*, "
                               "such as TcpExtListenOverflows)",
                               e.key));
          continue;
        }
        if (std::optional<Bound> b = read_bound(e.value)) {
          expect.counters.push_back(CounterExpectation{e.key, *b, e.key_where});
        }
      }
    }
  }
  if (const Item* i = f->get("connections")) {
    if (std::optional<Fields> connections = r_.mapping(*i, {})) {
      for (const Field& e : connections->entries) {
        ConnectionExpectation c;
        c.connection = e.key;
        c.where = e.key_where;
        const bool exists = check_connection(e.key, e.key_where, i->path);
        const std::optional<Fields> cf = r_.mapping(e.value, {"data_delivered_at", "accepted_at", "outcome"});
        if (!cf) continue;
        if (cf->entries.empty()) {
          r_.error(e.value.where, fmt::format("{} expects nothing (expected at least one of: data_delivered_at, "
                                              "accepted_at, outcome)",
                                              e.value.path));
          continue;
        }
        if (const Item* t = cf->get("data_delivered_at")) c.data_delivered_at = read_time(*t);
        if (const Item* t = cf->get("accepted_at")) c.accepted_at = read_time(*t);
        if (const Item* o = cf->get("outcome")) {
          if (std::optional<std::string> v = r_.choice<std::string>(*o, {{"completed", "completed"},
                                                                        {"reset", "reset"},
                                                                        {"timed_out", "timed_out"},
                                                                        {"refused", "refused"},
                                                                        {"open_at_end", "open_at_end"}})) {
            c.outcome = *v;
          }
        }
        if (exists) expect.connections.push_back(std::move(c));
      }
    }
  }
  if (const Item* i = f->get("stalls")) {
    if (std::optional<Fields> sf = r_.mapping(*i, {"longer_than", "count"})) {
      r_.require(*sf, {"longer_than", "count"});
      StallExpectation stalls;
      stalls.where = i->where;
      const Item* longer = sf->get("longer_than");
      const Item* count = sf->get("count");
      const std::optional<Duration> longer_v = longer ? r_.duration(*longer) : std::nullopt;
      const std::optional<Bound> count_v = count ? read_bound(*count) : std::nullopt;
      if (longer_v && count_v) {
        stalls.longer_than = *longer_v;
        stalls.count = *count_v;
        expect.stalls = stalls;
      }
    }
  }
  if (const Item* i = f->get("stall_quantiles")) {
    if (std::optional<Fields> qf = r_.mapping(*i, {})) {
      for (const Field& e : qf->entries) {
        // pNN or pNN.N: the quantile in per mille.
        std::uint32_t permille = 0;
        bool ok = e.key.size() >= 2 && e.key[0] == 'p';
        std::string digits = e.key.substr(ok ? 1 : 0);
        const auto dot = digits.find('.');
        if (ok && dot != std::string::npos) {
          ok = dot > 0 && dot + 2 == digits.size() && std::isdigit(static_cast<unsigned char>(digits[dot + 1]));
          digits = digits.substr(0, dot) + digits.substr(dot + 1);
        } else {
          digits += "0";
        }
        for (char ch : digits) ok = ok && std::isdigit(static_cast<unsigned char>(ch));
        if (ok && digits.size() <= 4) permille = static_cast<std::uint32_t>(std::stoul(digits));
        if (!ok || digits.size() > 4 || permille == 0 || permille > 1000) {
          r_.error(e.key_where, fmt::format("'{}' is not a quantile (expected p50, p90, p99, p99.9, ...: above p0, "
                                            "at most p100)",
                                            e.key));
          continue;
        }
        const std::optional<Fields> bf = r_.mapping(e.value, {"at_least", "at_most"});
        if (!bf) continue;
        if (bf->entries.size() != 1) {
          r_.error(e.value.where, fmt::format("{}: expected exactly one of at_least and at_most", e.value.path));
          continue;
        }
        const Field& b = bf->entries[0];
        if (std::optional<Duration> d = r_.duration(b.value)) {
          expect.stall_quantiles.push_back(
              QuantileExpectation{permille, e.key, b.key == "at_most", *d, e.key_where});
        }
      }
    }
  }
}

// Reads a whole file; nullopt with *error = strerror text on failure.
std::optional<std::string> read_whole_file(const std::string& path, std::string* error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) {
      *error = fmt::format("file larger than {} MiB", kMaxFileBytes >> 20);
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return text;
}

std::string too_large_message() {
  return fmt::format("scenario too large (more than {} YAML nodes, counting each use of an alias)",
                     detail::kMaxNodes);
}

std::string deep_message() {
  return "not valid YAML: nested too deeply (more than the YAML parser's recursion limit)";
}

SourceLocation mark_location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return SourceLocation{file, 1, 1};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

// Every scalar of `node` as "path=value" (sequences as path[i]).
// Bounded like the reader (kMaxNodes): aliases can repeat a subtree.
void flatten(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
  if (out.size() > detail::kMaxNodes) return;
  switch (node.Type()) {
    case YAML::NodeType::Map:
      for (const auto& kv : node) {
        const std::string key = kv.first.Scalar();
        // Not the experiment: what is asked of a run, and the model's own
        // machine (the kernel runner runs on the real one).
        if (path.empty() && (key == "name" || key == "description" || key == "seed" || key == "expect" ||
                             key == "machine")) {
          continue;
        }
        flatten(kv.second, path.empty() ? key : path + "." + key, out);
      }
      break;
    case YAML::NodeType::Sequence:
      for (std::size_t i = 0; i < node.size(); ++i) flatten(node[i], fmt::format("{}[{}]", path, i), out);
      break;
    case YAML::NodeType::Scalar: out.push_back(path + "=" + node.Scalar()); break;
    case YAML::NodeType::Null: out.push_back(path + "="); break;
    case YAML::NodeType::Undefined: break;
  }
}

}  // namespace

LoadResult load_string(std::string_view yaml_text, const std::string& file_name,
                       const std::vector<std::string>& overrides) {
  LoadResult result;
  Reader reader(file_name);

  std::vector<YAML::Node> documents;
  try {
    const std::string text(yaml_text);
    // Count before building: the tree of a many-node file is what costs memory.
    detail::check_node_count(text, detail::kMaxNodes, file_name);
    documents = YAML::LoadAll(text);
  } catch (const detail::ScenarioTooLarge& e) {
    result.errors.push_back(Diagnostic{e.where, too_large_message()});
    return result;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for this is "bad file".
    result.errors.push_back(Diagnostic{mark_location(file_name, e.mark), deep_message()});
    return result;
  } catch (const YAML::Exception& e) {
    result.errors.push_back(Diagnostic{mark_location(file_name, e.mark), "not valid YAML: " + e.msg});
    return result;
  }
  if (documents.empty() || documents[0].IsNull()) {
    result.errors.push_back(Diagnostic{SourceLocation{file_name, 1, 1}, "empty scenario"});
    return result;
  }
  if (documents.size() > 1) {
    reader.error(reader.locate(documents[1]),
                 fmt::format("expected one YAML document, found {} (remove the '---' separators)",
                             documents.size()));
  }

  Scenario scenario;
  try {
    const YAML::Node root = documents[0];
    if (root.IsMap()) detail::apply_overrides(root, overrides, reader);
    ScenarioReader(reader).read(reader.document(root), scenario);
    // Only a valid scenario's tree: an invalid one may be an alias cycle.
    if (!reader.has_errors()) {
      flatten(root, "", scenario.settings);
      std::sort(scenario.settings.begin(), scenario.settings.end());
    }
  } catch (const detail::ScenarioTooLarge& e) {
    result.errors.push_back(Diagnostic{e.where, too_large_message()});
    return result;
  } catch (const YAML::Exception& e) {
    reader.error(mark_location(file_name, e.mark), "cannot read scenario: " + e.msg);
  }

  result.errors = reader.take_errors();
  if (result.errors.empty()) {
    scenario.source_file = file_name;
    scenario.source_text = std::string(yaml_text);
    result.scenario = std::move(scenario);
  }
  return result;
}

LoadResult load_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string error;
  const std::optional<std::string> text = read_whole_file(path, &error);
  if (!text) {
    LoadResult result;
    result.errors.push_back(Diagnostic{SourceLocation{path, 0, 0}, "cannot read: " + error});
    return result;
  }
  return load_string(*text, path, overrides);
}

}  // namespace synsim::scenario
