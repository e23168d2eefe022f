#include "sim/outcome/latency.h"
#include "sim/report/json.h"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "sim/json/json.h"
#include "sim/report/json_parts.h"
#include "sim/report/reason_text.h"
#include "sim/report/tcpdump.h"

namespace synsim::report {

namespace {

using detail::Json;
using detail::Reader;
using outcome::ConnectionOutcome;

// 2: annotations and explanation steps carry their reason as data. Version
// 1 (words only) is still read, as saved reasons (report::saved_reason).
constexpr int kFormatVersion = 2;
constexpr int kWordsOnlyVersion = 1;

Json time_or_null(const std::optional<Time>& t) { return t ? Json(to_ns(*t)) : Json(nullptr); }

// A reason as data (json.h): kind and enums by name, the kernel function for
// readers, and only the fields that differ from a default Reason, so each
// reason shows the figures its kind gives (reason.h says which).
Json reason_json(const outcome::Reason& r) {
  const outcome::Reason unset;
  Json j = Json::object({{"kind", outcome::to_string(r.kind)}, {"function", outcome::kernel_function(r.kind)}});
  if (r.segment != unset.segment) j["segment"] = outcome::to_string(r.segment);
  if (r.call != unset.call) j["call"] = outcome::to_string(r.call);
  if (r.outcome != unset.outcome) j["outcome"] = outcome::to_string(r.outcome);
  if (r.flag) j["flag"] = true;
  const std::pair<const char*, std::uint32_t> figures[] = {{"a", r.a}, {"b", r.b}, {"c", r.c}, {"d", r.d}};
  for (const auto& [key, v] : figures) {
    if (v != 0) j[key] = v;
  }
  if (r.n != 0) j["n"] = r.n;
  if (r.m != 0) j["m"] = r.m;
  if (!r.text.empty()) j["text"] = r.text;
  return j;
}

Json annotation_json(const outcome::Annotation& a) {
  return Json::object({{"packet_index", a.packet_index},
                       {"connection", a.connection},
                       {"at_ns", time_or_null(a.at)},
                       {"reason", reason_json(a.reason)},
                       {"text", annotation_text(a)}});
}

Json step_json(const outcome::ExplanationStep& s) {
  return Json::object({{"at_ns", time_or_null(s.at)}, {"reason", reason_json(s.reason)}, {"text", step_text(s)}});
}

Json options_json(const outcome::TcpOptions& o) {
  Json j;
  j["mss"] = o.mss != 0 ? Json(o.mss) : Json(nullptr);
  j["sack_permitted"] = o.sack_permitted;
  j["ts_val"] = o.has_timestamp ? Json(o.ts_val) : Json(nullptr);
  j["ts_ecr"] = o.has_timestamp ? Json(o.ts_ecr) : Json(nullptr);
  j["wscale"] = o.wscale >= 0 ? Json(o.wscale) : Json(nullptr);
  j["sack"] = Json::array();
  for (const auto& b : o.sack) j["sack"].push_back(Json::object({{"left", b.left}, {"right", b.right}}));
  return j;
}

Json packet_json(const outcome::Packet& p) {
  Json j;
  j["time_ns"] = to_ns(p.time);
  j["src_addr"] = p.src_addr;
  j["src_port"] = p.src_port;
  j["dst_addr"] = p.dst_addr;
  j["dst_port"] = p.dst_port;
  j["flags"] = tcpdump_flags(p.flags);
  j["flag_bits"] = p.flags;
  j["seq"] = p.seq;
  j["ack"] = p.ack;
  j["window"] = p.window;
  j["length"] = p.length;
  j["options"] = options_json(p.options);
  j["connection"] = p.connection;
  j["from_client"] = p.from_client;
  return j;
}

Json connection_json(const outcome::ConnectionRecord& c) {
  Json j;
  j["name"] = c.name;
  j["group"] = c.group;
  j["index"] = c.index;
  j["client_port"] = c.client_port;
  j["connect_start_ns"] = time_or_null(c.connect_start);
  j["connect_done_ns"] = time_or_null(c.connect_done);
  j["first_data_sent_ns"] = time_or_null(c.first_data_sent);
  j["accepted_ns"] = time_or_null(c.accepted);
  j["data_delivered_ns"] = time_or_null(c.data_delivered);
  j["response_received_ns"] = time_or_null(c.response_received);
  j["closed_ns"] = time_or_null(c.closed);
  j["outcome"] = outcome::to_string(c.outcome);
  j["error"] = c.error;
  j["syn_retransmits"] = c.syn_retransmits;
  j["synack_retransmits"] = c.synack_retransmits;
  j["data_retransmits"] = c.data_retransmits;
  j["syncookie"] = c.syncookie;
  auto stall = c.stall();
  j["stall_ns"] = stall ? Json(to_ns(*stall)) : Json(nullptr);
  j["explanation"] = Json::array();
  for (const outcome::ExplanationStep& s : c.explanation) j["explanation"].push_back(step_json(s));
  j["sockets"] = detail::sockets_json(c.sockets);
  return j;
}

outcome::TcpOptions options_from(const Reader& r) {
  outcome::TcpOptions o;
  o.mss = r.optional_integer<std::uint16_t>("mss").value_or(0);
  o.sack_permitted = r.boolean("sack_permitted");
  auto ts_val = r.optional_integer<std::uint32_t>("ts_val");
  auto ts_ecr = r.optional_integer<std::uint32_t>("ts_ecr");
  if (ts_val.has_value() != ts_ecr.has_value()) r.fail("ts_ecr", "ts_val and ts_ecr must both be set or both null");
  o.has_timestamp = ts_val.has_value();
  o.ts_val = ts_val.value_or(0);
  o.ts_ecr = ts_ecr.value_or(0);
  o.wscale = r.optional_integer<int>("wscale").value_or(-1);
  const Json& sack = r.array("sack");
  for (std::size_t i = 0; i < sack.size(); ++i) {
    Reader b(sack.elements()[i], fmt::format("{}[{}]", r.child("sack"), i));
    o.sack.push_back({b.integer<std::uint32_t>("left"), b.integer<std::uint32_t>("right")});
  }
  return o;
}

outcome::Packet packet_from(const Reader& r) {
  outcome::Packet p;
  p.time = at_ns(r.integer<std::int64_t>("time_ns"));
  p.src_addr = r.str("src_addr");
  p.src_port = r.integer<std::uint16_t>("src_port");
  p.dst_addr = r.str("dst_addr");
  p.dst_port = r.integer<std::uint16_t>("dst_port");
  p.flags = r.integer<std::uint8_t>("flag_bits");
  p.seq = r.integer<std::uint32_t>("seq");
  p.ack = r.integer<std::uint32_t>("ack");
  p.window = r.integer<std::uint16_t>("window");
  p.length = r.integer<std::uint32_t>("length");
  p.options = options_from(r.object("options"));
  p.connection = r.str("connection");
  p.from_client = r.boolean("from_client");
  return p;
}

// What reason_json() wrote; the kind is required, "function" is derived and
// ignored.
outcome::Reason reason_from(const Reader& r) {
  outcome::Reason out;
  const std::string kind = r.str("kind");
  const std::optional<outcome::ReasonKind> k = outcome::from_string<outcome::ReasonKind>(kind);
  if (!k) r.fail("kind", fmt::format("unknown reason kind '{}'", kind));
  out.kind = *k;
  out.segment = r.named("segment", "segment", out.segment);
  out.call = r.named("call", "socket call", out.call);
  out.outcome = r.named("outcome", "outcome", out.outcome);
  out.flag = r.has("flag") && r.boolean("flag");
  out.a = r.integer_or_zero<std::uint32_t>("a");
  out.b = r.integer_or_zero<std::uint32_t>("b");
  out.c = r.integer_or_zero<std::uint32_t>("c");
  out.d = r.integer_or_zero<std::uint32_t>("d");
  out.n = r.integer_or_zero<std::int64_t>("n");
  out.m = r.integer_or_zero<std::int64_t>("m");
  if (r.has("text")) out.text = r.str("text");
  return out;
}

// Version 1 kept the words only: they become a saved reason, the legacy
// fallback (report::saved_reason). From version 2 the reason is data and the
// words beside it are never read.
outcome::Annotation annotation_from(const Reader& r, int version) {
  outcome::Annotation a{r.integer<std::size_t>("packet_index"), {}, r.str("connection"), std::nullopt};
  if (version == kWordsOnlyVersion) {
    a.reason = saved_reason(r.str("text"));
  } else {
    a.at = r.optional_time("at_ns");
    a.reason = reason_from(r.object("reason"));
  }
  return a;
}

outcome::ExplanationStep step_from(const Reader& r, std::size_t i, int version) {
  const std::string key = fmt::format("explanation[{}]", i);
  const Json& line = r.array("explanation").elements()[i];
  if (version == kWordsOnlyVersion) {
    if (!line.is_string()) r.fail(key, "expected a string");
    return outcome::ExplanationStep{std::nullopt, saved_reason(line.as_string())};
  }
  if (!line.is_object()) r.fail(key, "expected an object");
  const Reader step(line, r.child(key));
  return outcome::ExplanationStep{step.optional_time("at_ns"), reason_from(step.object("reason"))};
}

outcome::ConnectionRecord connection_from(const Reader& r, int version) {
  outcome::ConnectionRecord c;
  c.name = r.str("name");
  c.group = r.str("group");
  c.index = r.integer<std::uint32_t>("index");
  c.client_port = r.integer<std::uint16_t>("client_port");
  c.connect_start = r.optional_time("connect_start_ns");
  c.connect_done = r.optional_time("connect_done_ns");
  c.first_data_sent = r.optional_time("first_data_sent_ns");
  c.accepted = r.optional_time("accepted_ns");
  c.data_delivered = r.optional_time("data_delivered_ns");
  c.response_received = r.optional_time("response_received_ns");
  c.closed = r.optional_time("closed_ns");
  if (!r.has("outcome")) r.fail("outcome", "missing");
  c.outcome = r.named("outcome", "outcome", ConnectionOutcome{});
  c.error = r.str("error");
  c.syn_retransmits = r.integer<std::uint32_t>("syn_retransmits");
  c.synack_retransmits = r.integer<std::uint32_t>("synack_retransmits");
  c.data_retransmits = r.integer<std::uint32_t>("data_retransmits");
  c.syncookie = r.boolean("syncookie");
  const std::size_t steps = r.array("explanation").size();
  for (std::size_t i = 0; i < steps; ++i) c.explanation.push_back(step_from(r, i, version));
  c.sockets = detail::sockets_from(r);
  return c;
}

// Optional (outcomes written before settings were saved lack them).
std::vector<std::string> settings_from(const Reader& info) {
  std::vector<std::string> out;
  if (!info.has("settings")) return out;
  const Json& settings = info.array("settings");
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const Json& setting = settings.elements()[i];
    if (!setting.is_string()) info.fail(fmt::format("settings[{}]", i), "expected a string");
    out.push_back(setting.as_string());
  }
  return out;
}

std::uint64_t hex64_from(const Reader& r, std::string_view key) {
  std::string text = r.str(key);
  std::uint64_t v = 0;
  if (text.empty() || text.size() > 16) r.fail(key, "expected up to 16 hex digits");
  for (char ch : text) {
    int digit = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    if (digit < 0) r.fail(key, "expected lowercase hex digits");
    v = (v << 4) | static_cast<std::uint64_t>(digit);
  }
  return v;
}

}  // namespace

std::string render_json(const outcome::Outcome& outcome) {
  const auto& info = outcome.info;
  Json j;
  j["format"] = "synsim-outcome";
  j["version"] = kFormatVersion;
  j["info"] = Json::object({
      {"scenario", info.scenario},
      {"source", info.source},
      {"kernel", info.kernel},
      {"hz", info.hz},
      {"seed", info.seed},
      {"duration_ns", to_ns(info.duration)},
      {"server_port", info.server_port},
      {"server_address", info.server_address},
      {"events", info.events},
      {"trace_hash", fmt::format("{:016x}", info.trace_hash)},
      {"partial", info.partial},
      {"stopped_at_ns", to_ns(info.stopped_at)},
      {"captured", info.captured},
      {"loader", info.loader},
      {"settings", json::array_of(info.settings)},
  });
  // Only for a kernel run that measured it (outcome.h HostLoad).
  if (info.host) {
    j["info"]["host"] = Json::object({{"cpus", info.host->cpus},
                                      {"interval_ns", to_ns(info.host->interval)},
                                      {"other_cpu_ns", to_ns(info.host->other_cpu)},
                                      {"loopback_cycle_ns", to_ns(info.host->loopback_cycle)},
                                      {"cross_cpu_cycle_ns", to_ns(info.host->cross_cpu_cycle)}});
  }
  // Only for a model run that drew a slow phase (machine.phases: measured).
  if (info.slow_phase_per_mille > 0) j["info"]["slow_phase_per_mille"] = info.slow_phase_per_mille;
  // Where measured (the model; kernel runs from 2026-12-06 on).
  for (const auto& [key, t] : {std::pair{"loader_threads", &info.loader_threads},
                               std::pair{"server_threads", &info.server_threads}}) {
    if (t->threads == 0) continue;
    j["info"][key] = Json::object({{"threads", t->threads},
                                   {"cpu_ns", to_ns(t->cpu)},
                                   {"waited_ns", to_ns(t->waited)},
                                   {"timeslices", t->slices}});
  }
  j["packets"] = Json::array();
  for (const auto& p : outcome.packets) j["packets"].push_back(packet_json(p));
  j["annotations"] = Json::array();
  for (const auto& a : outcome.annotations) j["annotations"].push_back(annotation_json(a));
  j["connections"] = Json::array();
  for (const auto& c : outcome.connections) j["connections"].push_back(connection_json(c));
  j["counters"] = Json::object();
  for (const auto& [name, value] : outcome.counters) j["counters"][name] = value;
  j["queues"] = Json::array();
  for (const auto& q : outcome.queues) {
    j["queues"].push_back(
        Json::object({{"time_ns", to_ns(q.time)}, {"syn_queue", q.syn_queue}, {"accept_queue", q.accept_queue}}));
  }
  j["accept_queue_limit"] = outcome.accept_queue_limit;
  // Only when judged (json.h): an outcome nobody judged has no "expect".
  if (outcome.expect) j["expect"] = detail::expectations_json(*outcome.expect);
  // Latency as users see it, as the summary prints it (computed from the
  // records again when read back, so it is never read).
  const outcome::UserLatencies u = outcome::user_latencies(outcome);
  j["latency"] = Json::object();
  for (const outcome::Latency which : outcome::kLatencies) {
    const outcome::LatencyFigures f = outcome::latency_figures(u[which], which);
    Json l = Json::object({{"started", f.started}, {"finished", f.finished}, {"unfinished", f.unfinished}});
    for (std::size_t i = 0; i < outcome::kSlowThresholds.size(); ++i) {
      l["over_" + format_duration(outcome::kSlowThresholds[i])] = f.over[i];
    }
    // A quantile among the unfinished waits is "unfinished"; none at all, null.
    for (std::size_t i = 0; i < outcome::kQuantiles.size(); ++i) {
      const auto& q = f.quantiles[i];
      l[fmt::format("{}_ns", outcome::kQuantiles[i].name)] =
          f.started == 0 ? Json(nullptr) : q.value ? Json(to_ns(*q.value)) : Json("unfinished");
    }
    j["latency"][outcome::to_string(which)] = std::move(l);
  }
  return json::dump(j, 2) + "\n";
}

namespace {

// The run's header (`info`).
outcome::RunInfo info_from(const Reader& info) {
  outcome::RunInfo r;
  r.scenario = info.str("scenario");
  r.source = info.str("source");
  r.kernel = info.str("kernel");
  r.hz = info.integer<std::int64_t>("hz");
  r.seed = info.integer<std::uint64_t>("seed");
  r.duration = Duration{info.integer<std::int64_t>("duration_ns")};
  r.server_port = info.integer<std::uint16_t>("server_port");
  // Optional (outcomes written before it was kept lack it: 127.0.0.1, loopback).
  if (info.has("server_address")) r.server_address = info.str("server_address");
  r.events = info.integer<std::uint64_t>("events");
  r.trace_hash = hex64_from(info, "trace_hash");
  // Optional (outcomes written before partial runs existed lack them).
  if (info.has("partial")) {
    r.partial = info.boolean("partial");
    r.stopped_at = Duration{info.integer<std::int64_t>("stopped_at_ns")};
  }

  // Optional (outcomes written before 2026-12-05 lack it): an older kernel
  // run without capture is the one without packets (outcome_from_json).
  if (info.has("captured")) r.captured = info.boolean("captured");
  if (info.has("loader")) r.loader = info.str("loader");
  // Optional (kernel runs saved before 2026-12-06, and model runs, lack it).
  if (info.has("host")) {
    const Reader host = info.object("host");
    r.host = outcome::HostLoad{.cpus = host.integer<int>("cpus"),
                               .interval = Duration{host.integer<std::int64_t>("interval_ns")},
                               .other_cpu = Duration{host.integer<std::int64_t>("other_cpu_ns")},
                               // Optional: kernel runs saved before it was measured lack it.
                               .loopback_cycle = Duration{host.integer_or_zero<std::int64_t>("loopback_cycle_ns")},
                               .cross_cpu_cycle = Duration{host.integer_or_zero<std::int64_t>("cross_cpu_cycle_ns")}};
  }
  if (info.has("slow_phase_per_mille")) r.slow_phase_per_mille = info.integer<std::uint32_t>("slow_phase_per_mille");
  // Optional: outcomes written before 2026-12-06 lack them.
  for (const auto& [key, t] : {std::pair{"loader_threads", &r.loader_threads},
                               std::pair{"server_threads", &r.server_threads}}) {
    if (!info.has(key)) continue;
    const Reader o = info.object(key);
    *t = outcome::ThreadTimes{.threads = o.integer<std::uint32_t>("threads"),
                              .cpu = Duration{o.integer<std::int64_t>("cpu_ns")},
                              .waited = Duration{o.integer<std::int64_t>("waited_ns")},
                              .slices = o.integer<std::uint64_t>("timeslices")};
  }

  r.settings = settings_from(info);
  return r;
}

}  // namespace

outcome::Outcome outcome_from_json(std::string_view text) {
  json::Parsed parsed = json::parse(text);
  // parse_error, and out_of_range for a number beyond double ("1e400").
  if (!parsed.value) throw std::runtime_error(fmt::format("outcome JSON: {}", parsed.error));
  const Json& j = *parsed.value;
  Reader root(j, "");
  if (root.str("format") != "synsim-outcome") root.fail("format", "expected \"synsim-outcome\"");
  const int version = root.integer<int>("version");
  if (version != kFormatVersion && version != kWordsOnlyVersion) {
    root.fail("version", fmt::format("version {} is not supported (expected {} or {})", version, kWordsOnlyVersion,
                                     kFormatVersion));
  }

  outcome::Outcome o;
  const Reader info = root.object("info");
  o.info = info_from(info);
  const bool says_captured = info.has("captured");

  const Json& packets = root.array("packets");
  for (std::size_t i = 0; i < packets.size(); ++i) {
    o.packets.push_back(packet_from(Reader(packets.elements()[i], fmt::format("packets[{}]", i))));
  }
  if (!says_captured) o.info.captured = o.info.source != "kernel" || !o.packets.empty();
  const Json& annotations = root.array("annotations");
  for (std::size_t i = 0; i < annotations.size(); ++i) {
    o.annotations.push_back(
        annotation_from(Reader(annotations.elements()[i], fmt::format("annotations[{}]", i)), version));
  }
  const Json& connections = root.array("connections");
  for (std::size_t i = 0; i < connections.size(); ++i) {
    o.connections.push_back(
        connection_from(Reader(connections.elements()[i], fmt::format("connections[{}]", i)), version));
  }
  Reader counters = root.object("counters");
  const Json& counter_values = *j.find("counters");
  for (std::size_t i = 0; i < counter_values.size(); ++i) {
    const std::string& name = counter_values.keys()[i];
    o.counters[name] = counters.integer_value<std::int64_t>(counter_values.elements()[i], name);
  }
  // Written since the queue samples were added; optional on input so older
  // outcome.json files still load.
  if (j.contains("queues")) {
    const Json& queues = root.array("queues");
    for (std::size_t i = 0; i < queues.size(); ++i) {
      Reader q(queues.elements()[i], fmt::format("queues[{}]", i));
      o.queues.push_back({at_ns(q.integer<std::int64_t>("time_ns")), q.integer<std::int64_t>("syn_queue"),
                          q.integer<std::int64_t>("accept_queue")});
    }
  }
  if (j.contains("accept_queue_limit")) o.accept_queue_limit = root.integer<std::int64_t>("accept_queue_limit");
  o.expect = detail::expectations_from(root);
  return o;
}

}  // namespace synsim::report
