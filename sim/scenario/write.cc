#include "sim/scenario/write.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

namespace synsim::scenario {

namespace {

class Writer {
 public:
  explicit Writer(const KeyComments& comments) : comments_(comments) {}

  // `key: value` at `indent`, under its comments.
  void line(int indent, const std::string& path, const std::string& key, const std::string& value = {}) {
    comment(indent, path);
    out_ += fmt::format("{:{}}{}:{}{}\n", "", indent, key, value.empty() ? "" : " ", value);
  }
  // A sequence item opening `key: value` at `indent` ("- " included).
  void item(int indent, const std::string& path, const std::string& key, const std::string& value) {
    comment(indent, path);
    out_ += fmt::format("{:{}}- {}: {}\n", "", indent, key, value);
  }
  void comment(int indent, const std::string& path) {
    const auto it = comments_.find(path);
    if (it == comments_.end()) return;
    for (const std::string& c : it->second) out_ += fmt::format("{:{}}# {}\n", "", indent, c);
  }
  void text(const std::string& s) { out_ += s; }
  std::string take() { return std::move(out_); }

 private:
  const KeyComments& comments_;
  std::string out_;
};

std::string arrival_value(const ArrivalSpec& a) {
  switch (a.kind) {
    case ArrivalSpec::Kind::spaced: return {};
    case ArrivalSpec::Kind::concurrency: return fmt::format("{{concurrency: {}}}", a.concurrency);
    case ArrivalSpec::Kind::rate:
      return fmt::format("{{rate: {}/s{}}}", a.rate_per_s, a.poisson ? ", process: poisson" : "");
    case ArrivalSpec::Kind::burst: return fmt::format("{{burst: {}, at: {}}}", a.burst, exact_duration(a.burst_at));
  }
  return {};
}

void write_server(Writer& w, const ServerSpec& s) {
  w.line(0, "server", "server");
  w.line(2, "server.listen", "listen", fmt::format("{}:{}", s.address, s.port));
  w.line(2, "server.backlog", "backlog", std::to_string(s.backlog));
  if (s.defer_accept > Duration{0}) w.line(2, "server.defer_accept", "defer_accept", exact_duration(s.defer_accept));
  if (s.syncnt) w.line(2, "server.syncnt", "syncnt", std::to_string(*s.syncnt));
  if (s.threads != 1) w.line(2, "server.threads", "threads", std::to_string(s.threads));
  const AcceptSpec& a = s.accept;
  if (a.never) {
    w.line(2, "server.accept", "accept", "never");
  } else {
    w.line(2, "server.accept", "accept");
    if (a.start) w.line(4, "server.accept.start", "start", exact_duration(*a.start));
    if (a.per_accept_cost > Duration{0}) {
      w.line(4, "server.accept.mode", "mode", fmt::format("{{per_accept_cost: {}}}", exact_duration(a.per_accept_cost)));
    } else {
      w.line(4, "server.accept.mode", "mode", "continuous");
    }
    w.line(4, "server.accept.per_wakeup", "per_wakeup", std::to_string(a.per_wakeup));
    if (!a.pauses.empty()) {
      w.line(4, "server.accept.pauses", "pauses");
      for (const AcceptPause& p : a.pauses) {
        w.text(fmt::format("      - {{at: {}, for: {}}}\n", exact_duration(p.at), exact_duration(p.length)));
      }
    }
  }
  w.line(2, "server.on_data", "on_data");
  w.line(4, "server.on_data.respond_bytes", "respond_bytes", std::to_string(s.on_data.respond_bytes));
  if (s.on_data.cost > Duration{0}) w.line(4, "server.on_data.cost", "cost", exact_duration(s.on_data.cost));
  w.line(4, "server.on_data.close", "close", s.on_data.close == ServerClose::after_response ? "after_response" : "never");
}

void write_group(Writer& w, const ClientGroup& g) {
  const std::string p = "clients." + g.name;
  w.item(2, p, "name", g.name);
  w.line(4, p + ".count", "count", std::to_string(g.count));
  if (g.start > Duration{0}) w.line(4, p + ".start", "start", exact_duration(g.start));
  if (g.arrival.kind == ArrivalSpec::Kind::spaced) {
    if (g.spacing > Duration{0}) w.line(4, p + ".spacing", "spacing", exact_duration(g.spacing));
  } else {
    w.line(4, p + ".arrival", "arrival", arrival_value(g.arrival));
  }
  if (g.defer_final_ack) w.line(4, p + ".defer_final_ack", "defer_final_ack", "true");
  if (g.send) {
    const bool at = g.send->anchor == SendSpec::Anchor::absolute;
    w.line(4, p + ".send", "send",
           fmt::format("{{bytes: {}, {}: {}}}", g.send->bytes, at ? "at" : "after", exact_duration(g.send->time)));
  }
  switch (g.close.kind) {
    case CloseSpec::Kind::never: w.line(4, p + ".close", "close", "never"); break;
    case CloseSpec::Kind::after_response: w.line(4, p + ".close", "close", "after_response"); break;
    case CloseSpec::Kind::at: w.line(4, p + ".close", "close", fmt::format("{{at: {}}}", exact_duration(g.close.at))); break;
  }
  if (g.close_style == CloseStyle::rst) w.line(4, p + ".close_style", "close_style", "rst");
}

// `text` as the lines of a folded block (`>`) that reads back as `text`:
// each line wrapped at a space near 110 columns (a fold reads as that
// space), each newline an empty line (which a fold reads as a newline).
std::string folded(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  constexpr std::size_t kWidth = 110;
  std::string out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t nl = std::min(text.find('\n', from), text.size());
    std::string_view piece(text.data() + from, nl - from);
    if (from > 0) out += "\n";
    while (piece.size() > kWidth && piece.front() != ' ') {
      const std::size_t cut = piece.rfind(' ', kWidth);
      if (cut == std::string_view::npos || cut == 0 || piece[cut - 1] == ' ' ||
          (cut + 1 < piece.size() && piece[cut + 1] == ' ')) {
        break;  // no single space to fold at
      }
      out += "  " + std::string(piece.substr(0, cut)) + "\n";
      piece.remove_prefix(cut + 1);
    }
    out += piece.empty() ? "\n" : "  " + std::string(piece) + "\n";
    from = nl + 1;
  }
  return out;
}

}  // namespace

std::string exact_duration(Duration d) {
  const std::int64_t v = d.count();
  if (v == 0) return "0";
  if (v % 1'000'000'000 == 0) return fmt::format("{}s", v / 1'000'000'000);
  if (v % 1'000'000 == 0) return fmt::format("{}ms", v / 1'000'000);
  if (v % 1'000 == 0) return fmt::format("{}us", v / 1'000);
  return fmt::format("{}ns", v);
}

std::string write_yaml(const Scenario& sc, const KeyComments& comments) {
  if (!sc.link.rules.empty() || sc.link.latency > Duration{0}) throw NotWritable("link: not written by write_yaml");
  const ExpectSpec& e = sc.expect;
  if (!e.counters.empty() || !e.connections.empty() || e.stalls || !e.stall_quantiles.empty()) {
    throw NotWritable("expect: not written by write_yaml");
  }
  const MachineSpec::Costs& c = sc.machine.costs;
  if (c.connect || c.send || c.read || c.close || c.accept || c.serve || c.softirq_packet) {
    throw NotWritable("machine.costs: not written by write_yaml");
  }
  if (sc.loader.threads != 1) throw NotWritable("loader: not written by write_yaml");

  Writer w(comments);
  w.comment(0, "");
  w.line(0, "name", "name", sc.name);
  w.line(0, "description", "description", ">");
  w.text(folded(sc.description));
  w.line(0, "kernel", "kernel", sc.kernel);
  if (sc.hz) w.line(0, "hz", "hz", std::to_string(*sc.hz));
  w.line(0, "seed", "seed", std::to_string(sc.seed));
  w.line(0, "duration", "duration", exact_duration(sc.duration));
  if (!sc.sysctls.empty()) {
    w.text("\n");
    w.line(0, "sysctl", "sysctl");
    for (const SysctlSetting& s : sc.sysctls) w.line(2, "sysctl." + s.name, s.name, std::to_string(s.value));
  }
  const MachineSpec& m = sc.machine;
  if (m.cpus != 1 || m.stops || m.placement_measured || m.phases) {
    w.text("\n");
    std::string v = fmt::format("{{cpus: {}", m.cpus);
    if (m.stops) v += ", stops: measured";
    if (m.placement_measured) v += ", placement: measured";
    if (m.phases) v += ", phases: measured";
    w.line(0, "machine", "machine", v + "}");
  }
  w.text("\n");
  write_server(w, sc.server);
  if (!sc.clients.empty()) {
    w.text("\n");
    w.line(0, "clients", "clients");
    for (const ClientGroup& g : sc.clients) write_group(w, g);
  }
  return w.take();
}

}  // namespace synsim::scenario
