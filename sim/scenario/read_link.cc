// The scenario's link: its latency and the rules that drop, delay or
// rewrite matching segments.
#include "sim/scenario/scenario_reader.h"

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

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
    } else if (rules) {
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

}  // namespace synsim::scenario::detail
