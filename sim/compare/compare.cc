#include "sim/compare/compare.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "sim/outcome/segment_kind.h"

namespace synsim::compare {

namespace {

using outcome::Packet;

std::string time_or_dash(const std::optional<Time>& t) { return t ? format_seconds(*t) : "-"; }

Duration abs_duration(Duration d) { return d < Duration{0} ? -d : d; }

struct Key {
  std::string connection;
  std::string kind;
  bool operator<(const Key& o) const { return std::tie(connection, kind) < std::tie(o.connection, o.kind); }
};

// Each side's packets grouped by (connection, kind), in wire order.
std::map<Key, std::vector<std::size_t>> group(const outcome::Outcome& o) {
  std::map<Key, std::vector<std::size_t>> g;
  for (std::size_t i = 0; i < o.packets.size(); ++i) {
    g[{o.packets[i].connection, packet_kind(o.packets[i])}].push_back(i);
  }
  return g;
}

// First packet time of each connection (the origin of its delays).
std::map<std::string, Time> first_times(const outcome::Outcome& o) {
  std::map<std::string, Time> t;
  for (const Packet& p : o.packets) t.emplace(p.connection, p.time);
  return t;
}

}  // namespace

const char* to_string(Field f) {
  switch (f) {
    case Field::present: return "present";
    case Field::connect_done: return "connect_done";
    case Field::accepted: return "accepted";
    case Field::data_delivered: return "data_delivered";
    case Field::outcome: return "outcome";
  }
  return "?";
}

bool is_exact(Field f) {
  switch (f) {
    case Field::present:
    case Field::outcome:
      return true;
    case Field::connect_done:
    case Field::accepted:
    case Field::data_delivered:
      return false;
  }
  return true;
}

std::string packet_kind(const Packet& p) {
  const char* side = p.from_client ? "client" : "server";
  return fmt::format("{} {}", side, outcome::to_string(outcome::segment_kind(p)));
}

// The kernel's timer wheel rounds a timer of `delay` up to its level's
// granule (jiffies.h); model and kernel start at different jiffy phases, so
// each side may be up to one granule late: allow two, plus the noise.
Duration tolerance_for(Duration delay, const Options& options) {
  const std::int64_t jiffy_ns = 1000000000 / options.hz;
  std::int64_t j = to_ns(delay) / jiffy_ns;
  std::int64_t granule = 1;
  std::int64_t start = 63;  // LVL_START(1)
  while (j >= start && granule < (std::int64_t{1} << 24)) {
    granule <<= 3;
    start <<= 3;
  }
  return Duration{2 * granule * jiffy_ns} + options.noise;
}

namespace {

// Where each connection's closing exchange starts (see PacketPair::judged).
std::map<std::string, Time> close_phases(const outcome::Outcome& model) {
  std::map<std::string, Time> close_phase;
  for (const auto& r : model.connections) {
    if (r.response_received) close_phase[r.name] = *r.response_received;
  }
  return close_phase;
}

// Judges a pair whose times are set. Per connection, one ~100 ms VM pause is
// forgiven (kernel-measured-rules.md 16): `hiccup_used` remembers it.
void judge_pair(PacketPair& p, const std::map<std::string, Time>& close_phase,
                std::map<std::string, bool>& hiccup_used, const Options& options) {
  if (const auto cp = close_phase.find(p.connection); cp != close_phase.end()) {
    const Time t = p.model_time ? *p.model_time : *p.kernel_time;
    if (t >= cp->second && p.kind != "client data" && p.kind != "server data") {
      p.judged = false;
      p.agree = true;
      return;
    }
  }
  if (p.model_time && p.kernel_time) {
    const Duration diff = abs_duration(*p.model_time - *p.kernel_time);
    p.agree = diff <= p.tolerance;
    if (!p.agree && !hiccup_used[p.connection] && diff <= p.tolerance + options.hiccup) {
      hiccup_used[p.connection] = true;
      p.agree = true;
      p.tolerance += options.hiccup;
    }
  }
}

// The i-th packet of each (connection, kind) on one side paired with the
// i-th on the other, each allowed the tolerance for its delay since the
// connection's first packet; model wire order first, then kernel-only
// packets in kernel order.
void pair_packets(Comparison& c, const outcome::Outcome& model, const outcome::Outcome& kernel,
                  const Options& options) {
  const auto mg = group(model);
  const auto kg = group(kernel);
  const auto mfirst = first_times(model);
  const auto kfirst = first_times(kernel);
  std::map<std::string, bool> hiccup_used;
  const std::map<std::string, Time> close_phase = close_phases(model);

  std::set<Key> keys;
  for (const auto& [k, v] : mg) keys.insert(k);
  for (const auto& [k, v] : kg) keys.insert(k);
  for (const Key& key : keys) {
    const auto mi = mg.find(key);
    const auto ki = kg.find(key);
    const std::size_t n = std::max(mi == mg.end() ? 0 : mi->second.size(), ki == kg.end() ? 0 : ki->second.size());
    for (std::size_t i = 0; i < n; ++i) {
      PacketPair p;
      p.connection = key.connection;
      p.kind = key.kind;
      p.occurrence = static_cast<int>(i + 1);
      if (mi != mg.end() && i < mi->second.size()) {
        p.model = mi->second[i];
        p.model_time = model.packets[*p.model].time;
      }
      if (ki != kg.end() && i < ki->second.size()) {
        p.kernel = ki->second[i];
        p.kernel_time = kernel.packets[*p.kernel].time;
      }
      Duration since_first{};
      if (p.model_time && mfirst.count(key.connection)) since_first = *p.model_time - mfirst.at(key.connection);
      else if (p.kernel_time && kfirst.count(key.connection)) since_first = *p.kernel_time - kfirst.at(key.connection);
      p.tolerance = tolerance_for(since_first, options);
      judge_pair(p, close_phase, hiccup_used, options);
      c.packets.push_back(p);
    }
  }
  std::stable_sort(c.packets.begin(), c.packets.end(), [](const PacketPair& a, const PacketPair& b) {
    const std::size_t ka = a.model ? *a.model : SIZE_MAX;
    const std::size_t kb = b.model ? *b.model : SIZE_MAX;
    if (ka != kb) return ka < kb;
    return (a.kernel ? *a.kernel : SIZE_MAX) < (b.kernel ? *b.kernel : SIZE_MAX);
  });
}

// Every counter either side has; the ones not modelled always agree.
void compare_counters(Comparison& c, const outcome::Outcome& model, const outcome::Outcome& kernel,
                      const Options& options) {
  std::set<std::string> names;
  for (const auto& [n, v] : model.counters) names.insert(n);
  for (const auto& [n, v] : kernel.counters) names.insert(n);
  for (const std::string& n : names) {
    CounterRow r;
    r.name = n;
    r.model = model.counters.count(n) ? model.counters.at(n) : 0;
    r.kernel = kernel.counters.count(n) ? kernel.counters.at(n) : 0;
    r.modelled = options.modelled_counters.empty() ||
                 std::find(options.modelled_counters.begin(), options.modelled_counters.end(), n) !=
                     options.modelled_counters.end();
    r.agree = !r.modelled || std::abs(r.model - r.kernel) <= options.counter_slack;
    c.counters.push_back(r);
  }
}

// Each model connection's record against the kernel's of the same name.
void compare_fields(Comparison& c, const outcome::Outcome& model, const outcome::Outcome& kernel,
                    const Options& options) {
  std::map<std::string, const outcome::ConnectionRecord*> krec;
  for (const auto& r : kernel.connections) krec[r.name] = &r;
  for (const auto& m : model.connections) {
    const auto it = krec.find(m.name);
    if (it == krec.end()) {
      c.fields.push_back({m.name, Field::present, "yes", "no", false, {}});
      continue;
    }
    const outcome::ConnectionRecord& k = *it->second;
    auto time_field = [&](Field name, const std::optional<Time>& a, const std::optional<Time>& b) {
      FieldRow f{m.name, name, time_or_dash(a), time_or_dash(b), false, {}};
      if (a && b) {
        f.tolerance = tolerance_for(a->time_since_epoch(), options) + options.hiccup;
        f.agree = abs_duration(*a - *b) <= f.tolerance;
      } else {
        f.agree = !a && !b;
      }
      c.fields.push_back(f);
    };
    time_field(Field::connect_done, m.connect_done, k.connect_done);
    time_field(Field::accepted, m.accepted, k.accepted);
    time_field(Field::data_delivered, m.data_delivered, k.data_delivered);
    c.fields.push_back({m.name, Field::outcome, outcome::to_string(m.outcome), outcome::to_string(k.outcome),
                        m.outcome == k.outcome, {}});
  }
}

// Disagreements, most telling first: outcomes, then missing or extra
// packets, then times, then counters.
void list_disagreements(Comparison& c) {
  for (const FieldRow& f : c.fields) {
    if (!f.agree && is_exact(f.field)) {
      c.disagreements.push_back(
          fmt::format("{} {}: model {}, kernel {}", f.connection, to_string(f.field), f.model, f.kernel));
    }
  }
  for (const PacketPair& p : c.packets) {
    if (!p.judged) continue;
    if (p.model_time && !p.kernel_time) {
      c.disagreements.push_back(fmt::format("{} {} #{} at {}: model only", p.connection, p.kind, p.occurrence,
                                            format_seconds(*p.model_time)));
    } else if (!p.model_time && p.kernel_time) {
      c.disagreements.push_back(fmt::format("{} {} #{} at {}: kernel only", p.connection, p.kind, p.occurrence,
                                            format_seconds(*p.kernel_time)));
    }
  }
  for (const PacketPair& p : c.packets) {
    if (p.model_time && p.kernel_time && !p.agree) {
      c.disagreements.push_back(fmt::format("{} {} #{}: model {}, kernel {} (differ by {}, tolerance {})",
                                            p.connection, p.kind, p.occurrence, format_seconds(*p.model_time),
                                            format_seconds(*p.kernel_time),
                                            format_duration(abs_duration(*p.model_time - *p.kernel_time)),
                                            format_duration(p.tolerance)));
    }
  }
  for (const FieldRow& f : c.fields) {
    if (!f.agree && !is_exact(f.field)) {
      c.disagreements.push_back(fmt::format("{} {}: model {}, kernel {} (tolerance {})", f.connection,
                                            to_string(f.field), f.model, f.kernel, format_duration(f.tolerance)));
    }
  }
  for (const CounterRow& r : c.counters) {
    if (!r.agree) c.disagreements.push_back(fmt::format("{}: model {}, kernel {}", r.name, r.model, r.kernel));
  }
}

}  // namespace

Comparison compare(const outcome::Outcome& model, const outcome::Outcome& kernel, const Options& options) {
  Comparison c;
  c.model_info = model.info;
  c.kernel_info = kernel.info;
  c.options = options;
  pair_packets(c, model, kernel, options);
  compare_counters(c, model, kernel, options);
  compare_fields(c, model, kernel, options);
  list_disagreements(c);
  return c;
}

std::string render_text(const Comparison& c) {
  std::string s;
  s += fmt::format("verdict: {} ({} disagreement{})\n", c.agree() ? "AGREE" : "DISAGREE", c.disagreements.size(),
                   c.disagreements.size() == 1 ? "" : "s");
  s += fmt::format("model:  {} HZ={} seed={}\nkernel: {} HZ={}\n", c.model_info.kernel, c.model_info.hz,
                   c.model_info.seed, c.kernel_info.kernel, c.kernel_info.hz);
  s += fmt::format("tolerance: 2 timer-wheel granules at each delay (HZ={}) + {} noise; one {} hiccup per connection\n",
                   c.options.hz, format_duration(c.options.noise), format_duration(c.options.hiccup));
  if (!c.disagreements.empty()) {
    s += "\ndisagreements\n";
    for (const std::string& d : c.disagreements) s += "  " + d + "\n";
  }
  s += "\npackets (connection, kind, #, model, kernel, difference, tolerance; '-': closing exchange, not judged)\n";
  for (const PacketPair& p : c.packets) {
    std::string diff = "-";
    if (p.model_time && p.kernel_time) diff = format_duration(abs_duration(*p.model_time - *p.kernel_time));
    s += fmt::format("  {:<4} {:<8} {:<15} {:>3}  {:>12}  {:>12}  {:>10}  {:>8}\n",
                     !p.judged ? "-" : p.agree ? "ok" : "DIFF",
                     p.connection, p.kind, p.occurrence, time_or_dash(p.model_time), time_or_dash(p.kernel_time),
                     diff, format_duration(p.tolerance));
  }
  s += "\ncounters (name, model, kernel)\n";
  for (const CounterRow& r : c.counters) {
    s += fmt::format("  {:<4} {:<32} {:>8} {:>8}{}\n", r.agree ? "ok" : "DIFF", r.name, r.model, r.kernel,
                     r.modelled ? "" : "  (not modelled)");
  }
  s += "\nconnections (name, field, model, kernel)\n";
  for (const FieldRow& f : c.fields) {
    s += fmt::format("  {:<4} {:<8} {:<15} {:>12} {:>12}\n", f.agree ? "ok" : "DIFF", f.connection, to_string(f.field), f.model,
                     f.kernel);
  }
  return s;
}

}  // namespace synsim::compare
