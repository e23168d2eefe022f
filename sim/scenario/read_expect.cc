// The scenario's expectations: counters, per-connection times and outcomes,
// stalls and stall quantiles.
#include "sim/scenario/scenario_reader.h"

#include <cctype>

#include <fmt/format.h>

#include "sim/scenario/values.h"

namespace synsim::scenario::detail {

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
  if (const Item* i = f->get("counters")) read_expected_counters(*i, expect);
  if (const Item* i = f->get("connections")) read_expected_connections(*i, expect);
  if (const Item* i = f->get("stalls")) read_expected_stalls(*i, expect);
  if (const Item* i = f->get("stall_quantiles")) read_expected_stall_quantiles(*i, expect);
}

// expect.counters: nstat counter -> bound.
void ScenarioReader::read_expected_counters(const Item& item, ExpectSpec& expect) {
  if (std::optional<Fields> counters = r_.mapping(item, {})) {
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

// expect.connections: GROUP#INDEX -> data_delivered_at, accepted_at, outcome.
void ScenarioReader::read_expected_connections(const Item& item, ExpectSpec& expect) {
  if (std::optional<Fields> connections = r_.mapping(item, {})) {
    for (const Field& e : connections->entries) {
      ConnectionExpectation c{
          .connection = e.key, .data_delivered_at = {}, .accepted_at = {}, .outcome = {}, .where = e.key_where};
      const bool exists = check_connection(e.key, e.key_where, item.path);
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

// expect.stalls: how many stalls longer_than a duration.
void ScenarioReader::read_expected_stalls(const Item& item, ExpectSpec& expect) {
  if (std::optional<Fields> sf = r_.mapping(item, {"longer_than", "count"})) {
    r_.require(*sf, {"longer_than", "count"});
    StallExpectation stalls;
    stalls.where = item.where;
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

// expect.stall_quantiles: pNN or pNN.N -> at_least or at_most a duration.
void ScenarioReader::read_expected_stall_quantiles(const Item& item, ExpectSpec& expect) {
  if (std::optional<Fields> qf = r_.mapping(item, {})) {
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

}  // namespace synsim::scenario::detail
