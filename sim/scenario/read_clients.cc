// The scenario's client groups: how many, when they connect, what they send
// and how they close; and the connection names link and expect refer to.
#include "sim/scenario/scenario_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

namespace {

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

}  // namespace

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

}  // namespace synsim::scenario::detail
