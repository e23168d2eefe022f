#include "tests/fuzz/targets.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "sim/capture/explain.h"
#include "sim/capture/pcap_file.h"
#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "sim/outcome/reason.h"
#include "sim/report/json.h"
#include "sim/scenario/load.h"
#include "sim/scenario/values.h"
#include "sim/sweep/grid.h"
#include "sim/sweep/record.h"

namespace synsim::fuzz {

namespace {

// A broken property: print it and abort, which libFuzzer records as a crash
// (and which fails the regression test replaying the input).
void fuzz_check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

void check_result(const scenario::LoadResult& r, const std::string& file, std::size_t override_count) {
  fuzz_check(r.ok() == r.errors.empty(), "ok() iff no errors");
  fuzz_check(r.scenario.has_value() == r.errors.empty(), "a scenario iff no errors");
  for (const scenario::Diagnostic& d : r.errors) {
    fuzz_check(!d.message.empty(), "every error has a message");
    if (d.where.file == "--set") {
      fuzz_check(d.where.line >= 1 && static_cast<std::size_t>(d.where.line) <= override_count,
                 "an override error names an existing override");
      fuzz_check(d.where.column >= 1, "an override error has a column");
    } else {
      fuzz_check(d.where.file == file, "an error is in the file or in --set");
      // Line 0 is the whole file (not text, cannot be read: "FILE: what", load.h).
      fuzz_check((d.where.line >= 1 && d.where.column >= 1) || (d.where.line == 0 && d.where.column == 0),
                 "an error has a 1-based location or names the whole file");
    }
  }
  if (r.scenario) {
    const scenario::Scenario& s = *r.scenario;
    fuzz_check(s.duration.count() > 0 && s.duration <= scenario::kMaxDuration, "duration in (0, 10 years]");
    std::uint64_t total = 0;
    for (const scenario::ClientGroup& g : s.clients) {
      fuzz_check(g.count >= 1, "a group has connections");
      total += g.count;
    }
    fuzz_check(total <= scenario::kMaxTotalConnections, "total connections within the limit");
  }
}

// A small valid scenario with two client groups (so `clients.NAME.FIELD`
// overrides have something to find), every section present.
constexpr std::string_view kBaseScenario = R"(name: fuzz-base
description: The base scenario the override fuzzer applies --set to.
duration: 20s
seed: 7
sysctl:
  net.core.somaxconn: 4096
  net.ipv4.tcp_synack_retries: 5
server:
  listen: 127.0.0.1:9100
  backlog: 2
  accept: {start: 4s, pauses: [{at: 5s, for: 1s}]}
  on_data: {respond_bytes: 10, close: after_response}
clients:
  - name: x
    count: 4
    spacing: 1ms
    defer_final_ack: true
    send: {bytes: 5, after: 60ms}
  - name: y
    count: 2
    arrival: {burst: 2, at: 10ms}
    close: {at: 3s}
link:
  latency: 10us
  rules:
    - match: {connection: "x#1", segment: data}
      action: {delay: 1ms}
      nth: 1
expect:
  counters:
    TcpExtListenOverflows: {at_least: 1}
  connections:
    "x#0": {outcome: completed}
  stalls: {longer_than: 1s, count: {at_most: 3}}
)";

void check_duration(const std::optional<Duration>& d, const std::string& error) {
  if (d) {
    fuzz_check(d->count() >= 0 && *d <= scenario::kMaxDuration, "a duration is in [0, 10 years]");
  } else {
    fuzz_check(!error.empty(), "a rejected duration says why");
  }
}

void values_on(std::string_view text) {
  std::string e;
  check_duration(scenario::parse_duration(text, &e), e);
  fuzz_check(scenario::parse_duration(text, nullptr).has_value() == e.empty(), "same answer without *error");

  e.clear();
  if (!scenario::parse_integer(text, &e)) fuzz_check(!e.empty(), "a rejected integer says why");
  e.clear();
  if (!scenario::parse_unsigned(text, &e)) fuzz_check(!e.empty(), "a rejected unsigned says why");

  e.clear();
  if (const std::optional<std::uint64_t> rate = scenario::parse_rate(text, &e)) {
    fuzz_check(*rate >= 1 && *rate <= 1'000'000'000, "a rate is in [1, 1e9]/s");
  } else {
    fuzz_check(!e.empty(), "a rejected rate says why");
  }

  e.clear();
  if (const auto t = scenario::parse_time_with_tolerance(text, &e)) {
    check_duration(t->value, "");
    check_duration(t->tolerance, "");
  } else {
    fuzz_check(!e.empty(), "a rejected time says why");
  }

  e.clear();
  if (const auto l = scenario::parse_listen(text, &e)) {
    fuzz_check(l->port >= 1, "a port is in [1, 65535]");
    fuzz_check(l->address.starts_with("127."), "a listen address is loopback");
  } else {
    fuzz_check(!e.empty(), "a rejected address says why");
  }

  e.clear();
  if (const auto c = scenario::parse_connection_name(text, &e)) {
    fuzz_check(scenario::is_valid_name(c->group), "a connection's group is a valid name");
  } else {
    fuzz_check(!e.empty(), "a rejected connection name says why");
  }

  (void)scenario::is_valid_name(text);
  (void)scenario::is_counter_name(text);
}

}  // namespace

void load_scenario(std::string_view data) {
  const std::string file = "fuzz.yaml";
  check_result(scenario::load_string(data, file), file, 0);
}

void overrides(std::string_view data) {
  std::vector<std::string> sets;
  std::size_t start = 0;
  while (start <= data.size() && sets.size() < 16) {
    const std::size_t end = std::min(data.find('\n', start), data.size());
    sets.emplace_back(data.substr(start, end - start));
    start = end + 1;
  }
  const std::string file = "base.yaml";
  check_result(scenario::load_string(kBaseScenario, file, sets), file, sets.size());
}

void values(std::string_view data) {
  values_on(data);
  std::size_t start = 0;
  while (start < data.size()) {
    const std::size_t end = std::min(data.find('\n', start), data.size());
    values_on(data.substr(start, end - start));
    start = end + 1;
  }
}

void outcome_json(std::string_view data) {
  std::optional<outcome::Outcome> o;
  try {
    o = report::outcome_from_json(data);
  } catch (const std::runtime_error&) {
    return;  // the documented way to refuse malformed input
  }
  const std::string once = report::render_json(*o);
  std::string twice;
  try {
    twice = report::render_json(report::outcome_from_json(once));
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuzz_check(false, "what render_json wrote reads back");
  }
  fuzz_check(once == twice, "render_json(outcome_from_json(x)) is a fixed point");
}

void grid(std::string_view data) {
  std::vector<std::string> options;
  std::size_t start = 0;
  while (start <= data.size() && options.size() < 8) {
    std::size_t end = data.find('\n', start);
    if (end == std::string_view::npos) end = data.size();
    options.emplace_back(data.substr(start, end - start));
    start = end + 1;
  }
  const sweep::GridsParse g = sweep::parse_grid(options);
  for (const sweep::GridError& e : g.errors) {
    fuzz_check(e.option >= 1 && e.option <= options.size(), "grid error names an existing option");
    fuzz_check(e.column >= 1 && e.column <= options[e.option - 1].size() + 1, "grid error column inside the option");
    fuzz_check(!e.message.empty(), "grid error says what is wrong");
  }
  for (const sweep::GridAxis& a : g.axes) fuzz_check(!a.values.empty(), "every axis has a value");
}

void sweep_jsonl(std::string_view data) {
  sweep::ReadResult r;
  sweep::read_jsonl_text(data, "fuzz.jsonl", r);
  for (const sweep::SweepRecord& rec : r.records) {
    const sweep::RecordParse again = sweep::parse_json_line(sweep::to_json_line(rec));
    fuzz_check(again.record.has_value(), "a record written reads back");
    fuzz_check(again.record && *again.record == rec, "a record reads back the same");
  }
  for (const std::string& e : r.errors) fuzz_check(e.rfind("fuzz.jsonl:", 0) == 0, "sweep errors name the file");
}

void capture(std::string_view data) {
  const bool pcap = capture::looks_like_pcap(data);
  const std::string name = pcap ? "fuzz.pcap" : "fuzz.txt";
  outcome::Outcome out;
  try {
    capture::Input in = capture::read_capture_bytes(data, name);
    for (const capture::Skipped& s : in.skipped) {
      fuzz_check(!s.where.empty() && !s.why.empty(), "a skipped line or packet says where and why");
    }
    out = capture::explain(in);
  } catch (const capture::InputError& e) {
    const std::string what = e.what();
    fuzz_check(what.rfind(name + ":", 0) == 0, "a capture error names the input");
    return;
  }
  for (const outcome::Packet& p : out.packets) fuzz_check(!p.connection.empty(), "every packet has its connection");
  for (const outcome::ConnectionRecord& r : out.connections) {
    if (r.explanation.empty() || !r.first_data_sent) continue;
    fuzz_check(outcome::is_conclusion(r.explanation.back().reason), "an explanation ends in its conclusion");
  }
}

void packetdrill(std::string_view data) {
  const std::string bytes(data);
  auto parsed = packetdrill::parse_script(
      data, "fuzz.pkt", [&bytes](const std::string&) -> std::optional<std::string> { return bytes; });
  auto located = [](const packetdrill::ParseError& e) {
    fuzz_check(!e.file.empty() && !e.what.empty(), "a packetdrill error names its file and says what is wrong");
    fuzz_check(e.where.line >= 1 && e.where.col >= 1, "a packetdrill error has a line and a column");
  };
  if (const auto* e = std::get_if<packetdrill::ParseError>(&parsed)) {
    located(*e);
    return;
  }
  const packetdrill::Script& script = std::get<packetdrill::Script>(parsed);
  fuzz_check(!script.events.empty(), "a parsed script has events");
  auto played = packetdrill::play_on_model(script, packetdrill::PlayOptions{});
  if (const auto* e = std::get_if<packetdrill::ParseError>(&played)) {
    located(*e);
    return;
  }
  const packetdrill::PlayResult& r = std::get<packetdrill::PlayResult>(played);
  fuzz_check(r.lines.size() == script.events.size(), "one result per script line");
  // One failure at most, and nothing judged after it in time: a blocking
  // call is judged when it returns, so lines after it in the script (the
  // segments that unblock it) may have played, and held, before it failed.
  const packetdrill::LineResult* failed = nullptr;
  for (const packetdrill::LineResult& l : r.lines) {
    if (l.status != packetdrill::LineStatus::failed) continue;
    fuzz_check(failed == nullptr, "at most one line fails");
    failed = &l;
  }
  for (const packetdrill::LineResult& l : r.lines) {
    const bool after_failure = failed != nullptr && failed->actual && l.actual && *l.actual > *failed->actual;
    fuzz_check(!(l.status == packetdrill::LineStatus::ok && after_failure), "nothing holds after the failure");
  }
  const bool all_ok = std::all_of(r.lines.begin(), r.lines.end(),
                                  [](const packetdrill::LineResult& l) { return l.status == packetdrill::LineStatus::ok; });
  fuzz_check(r.held == all_ok, "a script holds iff every line is ok");
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"load_scenario", &load_scenario},
      {"overrides", &overrides},
      {"values", &values},
      {"outcome_json", &outcome_json},
      {"grid", &grid},
      {"sweep_jsonl", &sweep_jsonl},
      {"capture", &capture},
      {"packetdrill", &packetdrill},
  };
  return all;
}

}  // namespace synsim::fuzz
