#include "sim/report/perfetto.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "sim/compare/compare.h"
#include "sim/json/json.h"
#include "sim/report/svg.h"
#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

using Json = json::Value;
using outcome::ConnectionRecord;
using outcome::Outcome;
using outcome::Packet;

double us_of(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

struct Slice {
  std::string name;
  std::int64_t start = 0;
  std::int64_t end = 0;
  int order = 0;  // phase order, breaks ties between equal (start, end)
  Json args = Json::object();
};

bool slice_before(const Slice& a, const Slice& b) {
  if (a.start != b.start) return a.start < b.start;
  if (a.end != b.end) return a.end > b.end;  // the longer one is the parent
  return a.order < b.order;
}

// Complete events on one thread must nest. Walk the slices in start order
// with a stack of open ones; a slice that outlasts the slice it starts in is
// cut at that slice's end and its remainder placed again later.
std::vector<Slice> nest(std::vector<Slice> work) {
  std::sort(work.begin(), work.end(), slice_before);
  std::vector<Slice> out;
  std::vector<std::int64_t> open_ends;  // the stack: ends of the enclosing slices
  std::size_t guard = 0;
  while (!work.empty() && guard++ < 10'000) {
    Slice s = std::move(work.front());
    work.erase(work.begin());
    while (!open_ends.empty() && open_ends.back() <= s.start && !(open_ends.back() == s.start && s.end == s.start)) {
      open_ends.pop_back();
    }
    if (!open_ends.empty() && s.end > open_ends.back()) {
      Slice rest = s;
      rest.start = open_ends.back();
      rest.args["continued"] = true;
      s.end = open_ends.back();
      work.insert(std::upper_bound(work.begin(), work.end(), rest, slice_before), std::move(rest));
    }
    open_ends.push_back(s.end);
    out.push_back(std::move(s));
  }
  return out;
}

Json event(std::string_view name, std::string_view cat, std::string_view ph, std::int64_t ts_ns, int pid, int tid) {
  Json e;
  e["name"] = name;
  if (!cat.empty()) e["cat"] = cat;
  e["ph"] = ph;
  e["ts"] = us_of(ts_ns);
  e["pid"] = pid;
  e["tid"] = tid;
  return e;
}

Json metadata(std::string_view what, int pid, int tid, Json args) {
  Json e;
  e["name"] = what;
  e["ph"] = "M";
  e["pid"] = pid;
  e["tid"] = tid;
  e["args"] = std::move(args);
  return e;
}

std::string packet_event_name(const Packet& p, const PacketInfo& info) {
  std::string name = fmt::format("[{}] {}", tcpdump_flags(p.flags), compare::packet_kind(p));
  if (info.retransmission) name += ", retransmission";
  if (info.dup_ack) name += ", dup/challenge ACK";
  if (info.dropped) name += ", dropped";
  return name;
}

std::int64_t run_end(const Outcome& o) {
  std::int64_t end = to_ns(o.info.duration);
  for (const Packet& p : o.packets) end = std::max(end, to_ns(p.time));
  for (const auto& q : o.queues) end = std::max(end, to_ns(q.time));
  return end;
}

std::vector<Slice> phases(const ConnectionRecord& c, std::optional<std::int64_t> first_fin, std::int64_t end) {
  std::vector<Slice> out;
  auto add = [&](const char* name, int order, const std::optional<Time>& from, const std::optional<Time>& to,
                 bool to_required) {
    if (!from) return;
    Slice s;
    s.name = name;
    s.order = order;
    s.start = to_ns(*from);
    if (to) {
      s.end = to_ns(*to);
    } else {
      if (!to_required) return;
      s.end = std::max(end, s.start);
      s.args["unfinished"] = true;
    }
    if (s.end < s.start) return;
    out.push_back(std::move(s));
  };
  // A phase whose end never happened is drawn to the end of the run only
  // while the connection is still open; after a reset or timeout it stops
  // at `closed`.
  auto until = [&](const std::optional<Time>& t) -> std::optional<Time> { return t ? t : c.closed; };
  add("connect", 0, c.connect_start, until(c.connect_done), true);
  add("waiting for accept", 1, c.connect_done, until(c.accepted), true);
  add("data in flight", 2, c.first_data_sent, until(c.data_delivered), true);
  add("response", 3, c.data_delivered, c.response_received, false);
  if (first_fin || c.closed) {
    Slice s;
    s.name = "close";
    s.order = 4;
    s.start = first_fin ? *first_fin : to_ns(*c.closed);
    if (c.closed) {
      s.end = std::max(s.start, to_ns(*c.closed));
    } else {
      s.end = std::max(end, s.start);
      s.args["unfinished"] = true;
    }
    out.push_back(std::move(s));
  }
  for (Slice& s : out) {
    s.args["outcome"] = outcome::to_string(c.outcome);
    if (!c.error.empty()) s.args["error"] = c.error;
  }
  return nest(std::move(out));
}

// One thread per connection: recorded connections in scenario order, then
// connections seen only in packets; the thread ids, from 1.
struct Threads {
  std::map<std::string, int> tid_of;
  std::vector<std::pair<std::string, std::uint16_t>> named;  // connection, client port
  int other_tid = 0;    // "other packets" (packets of no connection)
  bool any_other = false;
};

Threads threads_of(const Outcome& o) {
  Threads t;
  for (const auto& c : o.connections) {
    if (t.tid_of.emplace(c.name, static_cast<int>(t.named.size()) + 1).second) {
      t.named.emplace_back(c.name, c.client_port);
    }
  }
  for (const Packet& p : o.packets) {
    if (p.connection.empty()) continue;
    if (t.tid_of.emplace(p.connection, static_cast<int>(t.named.size()) + 1).second) {
      t.named.emplace_back(p.connection, p.from_client ? p.src_port : p.dst_port);
    }
  }
  t.other_tid = static_cast<int>(t.named.size()) + 1;
  t.any_other = std::any_of(o.packets.begin(), o.packets.end(), [](const Packet& p) { return p.connection.empty(); });
  return t;
}

// Process and thread names and sort order.
void add_metadata(const Outcome& o, int pid, const Threads& t, std::vector<Json>& events) {
  const std::string side = o.info.source.empty() ? "outcome" : o.info.source;
  events.push_back(
      metadata("process_name", pid, 0, Json::object({{"name", fmt::format("{} ({})", side, o.info.kernel)}})));
  events.push_back(metadata("process_sort_index", pid, 0, Json::object({{"sort_index", pid}})));
  events.push_back(metadata("process_labels", pid, 0,
                            Json::object({{"labels", fmt::format("scenario {}, seed {}, HZ {}", o.info.scenario,
                                                                 o.info.seed, o.info.hz)}})));
  for (std::size_t i = 0; i < t.named.size(); ++i) {
    int tid = static_cast<int>(i) + 1;
    events.push_back(metadata("thread_name", pid, tid,
                              Json::object({{"name", fmt::format("{} :{}", t.named[i].first, t.named[i].second)}})));
    events.push_back(metadata("thread_sort_index", pid, tid, Json::object({{"sort_index", tid}})));
  }
  if (t.any_other) {
    events.push_back(metadata("thread_name", pid, t.other_tid, Json::object({{"name", "other packets"}})));
    events.push_back(metadata("thread_sort_index", pid, t.other_tid, Json::object({{"sort_index", t.other_tid}})));
  }
}

// Each recorded connection's phases as complete events on its thread.
void add_phases(const Outcome& o, int pid, const Threads& t, std::int64_t end, std::vector<Json>& events) {
  std::map<std::string, std::int64_t> first_fin;
  for (const Packet& p : o.packets) {
    if (p.flags & (outcome::kFin | outcome::kRst)) first_fin.emplace(p.connection, to_ns(p.time));
  }
  for (const auto& c : o.connections) {
    auto fin = first_fin.find(c.name);
    for (const Slice& s : phases(c, fin == first_fin.end() ? std::nullopt : std::optional(fin->second), end)) {
      Json e = event(s.name, "phase", "X", s.start, pid, t.tid_of.at(c.name));
      e["dur"] = us_of(s.end - s.start);
      e["args"] = s.args;
      events.push_back(std::move(e));
    }
  }
}

// Each packet as an instant event on its connection's thread.
void add_packets(const Outcome& o, int pid, const Threads& t, std::vector<Json>& events) {
  const std::vector<PacketInfo> infos = classify_packets(o);
  for (std::size_t i = 0; i < o.packets.size(); ++i) {
    const Packet& p = o.packets[i];
    int tid = p.connection.empty() ? t.other_tid : t.tid_of.at(p.connection);
    Json e = event(packet_event_name(p, infos[i]), "packet", "i", to_ns(p.time), pid, tid);
    e["s"] = "t";
    Json args;
    args["index"] = i;
    args["src"] = fmt::format("{}.{}", p.src_addr, p.src_port);
    args["dst"] = fmt::format("{}.{}", p.dst_addr, p.dst_port);
    args["seq"] = p.seq;
    args["ack"] = p.ack;
    args["len"] = p.length;
    args["win"] = p.window;
    args["annotations"] = json::array_of(infos[i].annotations);
    e["args"] = std::move(args);
    events.push_back(std::move(e));
  }
}

// The queue depths as counters, each sample where it changes; the accept
// queue's limit as a flat counter over the run.
void add_queues(const Outcome& o, int pid, std::int64_t end, std::vector<Json>& events) {
  std::optional<std::int64_t> last_syn;
  std::optional<std::int64_t> last_accept;
  for (const auto& q : o.queues) {
    if (last_syn != q.syn_queue) {
      Json e = event("SYN queue", "", "C", to_ns(q.time), pid, 0);
      e["args"] = Json::object({{"depth", q.syn_queue}});
      events.push_back(std::move(e));
      last_syn = q.syn_queue;
    }
    if (last_accept != q.accept_queue) {
      Json e = event("accept queue", "", "C", to_ns(q.time), pid, 0);
      e["args"] = Json::object({{"depth", q.accept_queue}});
      events.push_back(std::move(e));
      last_accept = q.accept_queue;
    }
  }
  if (o.accept_queue_limit > 0) {
    for (std::int64_t t : {std::int64_t{0}, end}) {
      Json e = event("accept queue limit", "", "C", t, pid, 0);
      e["args"] = Json::object({{"depth", o.accept_queue_limit}});
      events.push_back(std::move(e));
    }
  }
}

void add_side(const Outcome& o, int pid, std::vector<Json>& events) {
  const Threads t = threads_of(o);
  add_metadata(o, pid, t, events);
  const std::int64_t end = run_end(o);
  add_phases(o, pid, t, end, events);
  add_packets(o, pid, t, events);
  add_queues(o, pid, end, events);
}

int pid_for(const Outcome& o, int fallback) {
  if (o.info.source == "model") return 1;
  if (o.info.source == "kernel") return 2;
  return fallback;
}

}  // namespace

std::string render_perfetto(const Outcome& model, const Outcome* kernel) {
  std::vector<Json> events;
  int model_pid = pid_for(model, 1);
  add_side(model, model_pid, events);
  if (kernel != nullptr) {
    int kernel_pid = pid_for(*kernel, 2);
    if (kernel_pid == model_pid) kernel_pid = model_pid + 1;
    add_side(*kernel, kernel_pid, events);
  }

  Json other;
  other["generator"] = "synsim";
  other["scenario"] = model.info.scenario;
  other["kernel"] = model.info.kernel;
  other["seed"] = fmt::format("{}", model.info.seed);

  std::string out = "{\"displayTimeUnit\":\"ms\",\"otherData\":" + json::dump(other) + ",\"traceEvents\":[\n";
  for (std::size_t i = 0; i < events.size(); ++i) {
    out += json::dump(events[i]);
    out += i + 1 < events.size() ? ",\n" : "\n";
  }
  out += "]}\n";
  return out;
}

std::string render_perfetto(const Outcome& outcome) { return render_perfetto(outcome, nullptr); }

}  // namespace synsim::report
