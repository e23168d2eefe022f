// The scenario's server: its listener, accept() behaviour and what it does
// with data.
#include "sim/scenario/scenario_reader.h"

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

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
    } else if (pauses) {
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

}  // namespace synsim::scenario::detail
