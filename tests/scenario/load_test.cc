// Loading whole scenarios: every key lands in the right field, defaults hold,
// and bad input is reported at its line and column.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "sim/scenario/load.h"

namespace synsim::scenario {
namespace {

// The example of docs/scenario-format.md, comments and all.
constexpr std::string_view kFullScenario = R"(name: deferred-ack-example           # required, [a-z0-9-]+
description: >                       # required
  Four clients defer their final ACK and write 5 bytes while the accept queue (backlog 2) already holds 2.
kernel: linux-6.18                   # model profile: linux-6.18 (default) | linux-2.5.66
hz: 250                              # optional; default per profile
seed: 1                              # optional, default 1
duration: 10s                        # required; both model and kernel runs stop here

sysctl:
  net.core.somaxconn: 4096
  net.ipv4.tcp_syncookies: 1
  net.ipv4.tcp_synack_retries: 5
  net.ipv4.tcp_abort_on_overflow: 0

server:
  listen: 127.0.0.1:9100
  backlog: 2
  defer_accept: 0s
  accept:
    start: 4s
    mode: continuous
  on_data:
    respond_bytes: 0
    close: after_response

clients:
  - name: pre
    count: 2
    start: 0s
    spacing: 0s
  - name: x
    count: 4
    start: 20ms
    defer_final_ack: true
    send: {bytes: 5, at: 80ms}
    close: never
  - name: load
    count: 20000
    arrival: {concurrency: 256}
    send: {bytes: 5, after: 0s}
    close: after_response
    close_style: fin

link:
  latency: 0us
  rules:
    - match: {connection: x#0, segment: final_ack}
      action: {delay: 100ms}

expect:
  counters:
    TcpExtListenOverflows: {at_least: 3}
    TcpExtTCPSynRetrans: {at_least: 1}
  connections:
    x#3: {data_delivered_at: 5.1s ±300ms, outcome: completed}
  stalls: {longer_than: 1s, count: {at_most: 4}}
)";

constexpr std::string_view kMinimal = R"(name: minimal
description: The least a scenario must say.
duration: 1s
clients:
  - name: x
)";

std::string all_errors(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += d.str() + "\n";
  return out;
}

Scenario load_ok(std::string_view text, const std::vector<std::string>& overrides = {}) {
  LoadResult r = load_string(text, "test.yaml", overrides);
  EXPECT_TRUE(r.ok()) << all_errors(r);
  return r.scenario.value_or(Scenario{});
}

// The single error a text produces.
Diagnostic load_one_error(std::string_view text) {
  LoadResult r = load_string(text, "test.yaml");
  EXPECT_EQ(r.errors.size(), 1u) << all_errors(r);
  EXPECT_FALSE(r.scenario.has_value());
  return r.errors.empty() ? Diagnostic{} : r.errors.front();
}

TEST(ScenarioLoad, FullExampleLoadsEveryField) {
  const Scenario s = load_ok(kFullScenario);
  EXPECT_EQ(s.name, "deferred-ack-example");
  EXPECT_EQ(s.description,
            "Four clients defer their final ACK and write 5 bytes while the accept queue (backlog 2) already holds 2.");
  EXPECT_EQ(s.kernel, "linux-6.18");
  EXPECT_EQ(s.hz, 250);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, sec(10));

  ASSERT_EQ(s.sysctls.size(), 4u);
  EXPECT_EQ(s.sysctls[0].name, "net.core.somaxconn");
  EXPECT_EQ(s.sysctls[0].value, 4096);
  EXPECT_EQ(s.sysctls[0].where.line, 10);
  EXPECT_EQ(s.sysctls[0].where.column, 3);
  EXPECT_EQ(s.sysctls[2].name, "net.ipv4.tcp_synack_retries");
  EXPECT_EQ(s.sysctls[2].value, 5);
  EXPECT_EQ(s.sysctls[3].name, "net.ipv4.tcp_abort_on_overflow");
  EXPECT_EQ(s.sysctls[3].value, 0);

  EXPECT_EQ(s.server.address, "127.0.0.1");
  EXPECT_EQ(s.server.port, 9100);
  EXPECT_EQ(s.server.backlog, 2);
  EXPECT_EQ(s.server.defer_accept, Duration{0});
  EXPECT_FALSE(s.server.syncnt.has_value());
  EXPECT_EQ(s.server.accept.start, sec(4));
  EXPECT_EQ(s.server.accept.per_accept_cost, Duration{0});
  EXPECT_TRUE(s.server.accept.pauses.empty());
  EXPECT_FALSE(s.server.accept.never);
  EXPECT_EQ(s.server.on_data.respond_bytes, 0u);
  EXPECT_EQ(s.server.on_data.close, ServerClose::after_response);
  EXPECT_EQ(s.server.where.line, 16);

  ASSERT_EQ(s.clients.size(), 3u);
  const ClientGroup& pre = s.clients[0];
  EXPECT_EQ(pre.name, "pre");
  EXPECT_EQ(pre.count, 2u);
  EXPECT_EQ(pre.start, Duration{0});
  EXPECT_EQ(pre.spacing, Duration{0});
  EXPECT_EQ(pre.arrival.kind, ArrivalSpec::Kind::spaced);
  EXPECT_FALSE(pre.send.has_value());
  EXPECT_EQ(pre.where.line, 27);
  EXPECT_EQ(pre.where.column, 5);

  const ClientGroup& x = s.clients[1];
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.count, 4u);
  EXPECT_EQ(x.start, ms(20));
  EXPECT_TRUE(x.defer_final_ack);
  ASSERT_TRUE(x.send.has_value());
  EXPECT_EQ(x.send->bytes, 5u);
  EXPECT_EQ(x.send->anchor, SendSpec::Anchor::absolute);
  EXPECT_EQ(x.send->time, ms(80));
  EXPECT_EQ(x.close.kind, CloseSpec::Kind::never);

  const ClientGroup& load = s.clients[2];
  EXPECT_EQ(load.count, 20000u);
  EXPECT_EQ(load.arrival.kind, ArrivalSpec::Kind::concurrency);
  EXPECT_EQ(load.arrival.concurrency, 256u);
  ASSERT_TRUE(load.send.has_value());
  EXPECT_EQ(load.send->anchor, SendSpec::Anchor::after_connect);
  EXPECT_EQ(load.send->time, Duration{0});
  EXPECT_EQ(load.close.kind, CloseSpec::Kind::after_response);
  EXPECT_EQ(load.close_style, CloseStyle::fin);

  EXPECT_EQ(s.link.latency, Duration{0});
  ASSERT_EQ(s.link.rules.size(), 1u);
  EXPECT_EQ(s.link.rules[0].connection, "x#0");
  EXPECT_EQ(s.link.rules[0].segment, SegmentKind::final_ack);
  EXPECT_EQ(s.link.rules[0].action, LinkRule::Action::delay);
  EXPECT_EQ(s.link.rules[0].delay, ms(100));
  EXPECT_EQ(s.link.rules[0].nth, 0u);

  ASSERT_EQ(s.expect.counters.size(), 2u);
  EXPECT_EQ(s.expect.counters[0].counter, "TcpExtListenOverflows");
  EXPECT_EQ(s.expect.counters[0].bound.kind, Bound::Kind::at_least);
  EXPECT_EQ(s.expect.counters[0].bound.value, 3);
  EXPECT_EQ(s.expect.counters[0].where.line, 52);
  ASSERT_EQ(s.expect.connections.size(), 1u);
  const ConnectionExpectation& c = s.expect.connections[0];
  EXPECT_EQ(c.connection, "x#3");
  ASSERT_TRUE(c.data_delivered_at.has_value());
  EXPECT_EQ(c.data_delivered_at->value, ms(5100));
  EXPECT_EQ(c.data_delivered_at->tolerance, ms(300));
  EXPECT_FALSE(c.accepted_at.has_value());
  EXPECT_EQ(c.outcome, "completed");
  ASSERT_TRUE(s.expect.stalls.has_value());
  EXPECT_EQ(s.expect.stalls->longer_than, sec(1));
  EXPECT_EQ(s.expect.stalls->count.kind, Bound::Kind::at_most);
  EXPECT_EQ(s.expect.stalls->count.value, 4);

  EXPECT_EQ(s.source_file, "test.yaml");
  EXPECT_EQ(s.source_text, kFullScenario);
}

TEST(ScenarioLoad, OmittedKeysTakeTheirDefaults) {
  const Scenario s = load_ok(kMinimal);
  EXPECT_EQ(s.kernel, "linux-6.18");
  EXPECT_FALSE(s.hz.has_value());
  EXPECT_EQ(s.seed, 1u);
  EXPECT_TRUE(s.sysctls.empty());
  EXPECT_EQ(s.server.address, "127.0.0.1");
  EXPECT_EQ(s.server.port, 9100);
  EXPECT_EQ(s.server.backlog, 128);
  EXPECT_FALSE(s.server.accept.start.has_value());
  EXPECT_FALSE(s.server.accept.never);
  EXPECT_EQ(s.server.on_data.close, ServerClose::never);
  ASSERT_EQ(s.clients.size(), 1u);
  EXPECT_EQ(s.clients[0].count, 1u);
  EXPECT_EQ(s.clients[0].close.kind, CloseSpec::Kind::never);
  EXPECT_EQ(s.clients[0].close_style, CloseStyle::fin);
  EXPECT_TRUE(s.link.rules.empty());
  EXPECT_TRUE(s.expect.counters.empty());
  EXPECT_FALSE(s.expect.stalls.has_value());
}

TEST(ScenarioLoad, OldKernelProfileAndEveryOptionalServerKey) {
  const Scenario s = load_ok(R"(name: old
description: d
kernel: linux-2.5.66
hz: 1000
seed: 18446744073709551615
duration: 1.5s
server:
  listen: 127.0.0.2:80
  backlog: 2147483647
  defer_accept: 3s
  syncnt: 127
  accept:
    mode: {per_accept_cost: 200us}
    pauses: [{at: 1s, for: 1.5s}, {at: 2.5s, for: 1ms}]
  on_data: {respond_bytes: 1048576, close: never}
clients:
  - name: x
)");
  EXPECT_EQ(s.kernel, "linux-2.5.66");
  EXPECT_EQ(s.hz, 1000);
  EXPECT_EQ(s.seed, UINT64_MAX);
  EXPECT_EQ(s.duration, ms(1500));
  EXPECT_EQ(s.server.address, "127.0.0.2");
  EXPECT_EQ(s.server.port, 80);
  EXPECT_EQ(s.server.backlog, 2147483647);
  EXPECT_EQ(s.server.defer_accept, sec(3));
  EXPECT_EQ(s.server.syncnt, 127);
  EXPECT_EQ(s.server.accept.per_accept_cost, us(200));
  ASSERT_EQ(s.server.accept.pauses.size(), 2u);
  EXPECT_EQ(s.server.accept.pauses[0].at, sec(1));
  EXPECT_EQ(s.server.accept.pauses[0].length, ms(1500));
  EXPECT_EQ(s.server.accept.pauses[1].at, ms(2500));
  EXPECT_EQ(s.server.on_data.respond_bytes, 1048576u);
  EXPECT_EQ(s.server.on_data.close, ServerClose::never);
}

TEST(ScenarioLoad, AcceptNeverWorksAsAWordAndAsAFlag) {
  std::string text(kMinimal);
  EXPECT_TRUE(load_ok(text + "server: {accept: never}\n").server.accept.never);
  EXPECT_TRUE(load_ok(text + "server: {accept: {never: true}}\n").server.accept.never);
  EXPECT_FALSE(load_ok(text + "server: {accept: {never: false}}\n").server.accept.never);
}

TEST(ScenarioLoad, ArrivalFormsCloseFormsAndRules) {
  const Scenario s = load_ok(R"(name: forms
description: d
duration: 10s
clients:
  - {name: a, count: 100, arrival: {rate: 30000/s}, close: {at: 10s}, close_style: rst}
  - {name: b, count: 10, arrival: {burst: 5, at: 2s}}
  - {name: c, count: 2, spacing: 1ms}
link:
  latency: 15us
  rules:
    - {match: {connection: c#1, segment: syn}, action: {drop: true}, nth: 2}
    - {action: {delay: 1ms}}
)");
  ASSERT_EQ(s.clients.size(), 3u);
  EXPECT_EQ(s.clients[0].arrival.kind, ArrivalSpec::Kind::rate);
  EXPECT_EQ(s.clients[0].arrival.rate_per_s, 30000u);
  EXPECT_EQ(s.clients[0].close.kind, CloseSpec::Kind::at);
  EXPECT_EQ(s.clients[0].close.at, sec(10));
  EXPECT_EQ(s.clients[0].close_style, CloseStyle::rst);
  EXPECT_EQ(s.clients[1].arrival.kind, ArrivalSpec::Kind::burst);
  EXPECT_EQ(s.clients[1].arrival.burst, 5u);
  EXPECT_EQ(s.clients[1].arrival.burst_at, sec(2));
  EXPECT_EQ(s.clients[2].arrival.kind, ArrivalSpec::Kind::spaced);
  EXPECT_EQ(s.clients[2].spacing, ms(1));
  EXPECT_EQ(s.link.latency, us(15));
  ASSERT_EQ(s.link.rules.size(), 2u);
  EXPECT_EQ(s.link.rules[0].connection, "c#1");
  EXPECT_EQ(s.link.rules[0].segment, SegmentKind::syn);
  EXPECT_EQ(s.link.rules[0].action, LinkRule::Action::drop);
  EXPECT_EQ(s.link.rules[0].nth, 2u);
  EXPECT_EQ(s.link.rules[1].connection, "");
  EXPECT_EQ(s.link.rules[1].segment, SegmentKind::any);
}

TEST(ScenarioLoad, ExpectationsAcceptExactBoundsAndAsciiTolerance) {
  std::string text(kMinimal);
  const Scenario s = load_ok(text + R"(expect:
  counters: {TcpExtListenDrops: 0, TcpExtSyncookiesSent: {at_most: 2}}
  connections:
    x#0: {accepted_at: 2s +-1ms, data_delivered_at: 3s, outcome: open_at_end}
)");
  ASSERT_EQ(s.expect.counters.size(), 2u);
  EXPECT_EQ(s.expect.counters[0].bound.kind, Bound::Kind::exact);
  EXPECT_EQ(s.expect.counters[0].bound.value, 0);
  EXPECT_EQ(s.expect.counters[1].bound.kind, Bound::Kind::at_most);
  ASSERT_EQ(s.expect.connections.size(), 1u);
  EXPECT_EQ(s.expect.connections[0].accepted_at->value, sec(2));
  EXPECT_EQ(s.expect.connections[0].accepted_at->tolerance, ms(1));
  EXPECT_EQ(s.expect.connections[0].data_delivered_at->tolerance, Duration{0});
  EXPECT_EQ(s.expect.connections[0].outcome, "open_at_end");
}

TEST(ScenarioLoad, EmptySectionsReadAsEmpty) {
  std::string text(kMinimal);
  const Scenario s = load_ok(text + "server:\nlink:\nexpect:\nsysctl:\n");
  EXPECT_EQ(s.server.backlog, 128);
  EXPECT_TRUE(s.link.rules.empty());
}

TEST(ScenarioLoad, UnknownKeyIsReportedAtItsLineAndColumn) {
  std::string text(kMinimal);
  const Diagnostic d = load_one_error(text + "server:\n  listen: 127.0.0.1:9100\n  backlogg: 2\n");
  EXPECT_EQ(d.where.file, "test.yaml");
  EXPECT_EQ(d.where.line, 8);
  EXPECT_EQ(d.where.column, 3);
  EXPECT_EQ(d.message,
            "unknown key 'backlogg' in server (expected one of: listen, backlog, defer_accept, syncnt, accept, on_data, "
            "threads)");
  EXPECT_EQ(d.str(), "test.yaml:8:3: " + d.message);
}

TEST(ScenarioLoad, MachineAndServerApplicationKeys) {
  std::string text(kMinimal);
  const LoadResult r = load_string("name: keys\ndescription: d\nduration: 1s\n"
                                       "machine: {cpus: 4}\n"
                                       "server:\n"
                                       "  threads: 3\n"
                                       "  accept: {per_wakeup: 1, mode: {per_accept_cost: 200us}}\n"
                                       "  on_data: {respond_bytes: 100, cost: 20us}\n"
                                       "clients:\n"
                                       "  - name: load\n"
                                       "    count: 10\n"
                                       "    arrival: {rate: 30000/s, process: poisson}\n",
                                   "test.yaml");
  ASSERT_TRUE(r.ok()) << r.errors.front().str();
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.machine.cpus, 4u);
  EXPECT_EQ(s.server.threads, 3u);
  EXPECT_EQ(s.server.accept.per_wakeup, 1u);
  EXPECT_EQ(s.server.accept.per_accept_cost, us(200));
  EXPECT_EQ(s.server.on_data.cost, us(20));
  EXPECT_TRUE(s.clients[0].arrival.poisson);
  EXPECT_EQ(s.clients[0].arrival.rate_per_s, 30000u);
  const Diagnostic d = load_one_error(text + "machine: {cpus: 0}\n");
  EXPECT_EQ(d.where.line, 6);
  EXPECT_NE(d.message.find("cpus"), std::string::npos) << d.message;
}

TEST(ScenarioLoad, AllErrorsAreReportedInFileOrder) {
  const LoadResult r = load_string(R"(name: Bad Name
description: d
duration: 10
server: {backlog: -1, listen: 127.0.0.1:0}
clients:
  - {name: x, count: 0, start: 1h}
)", "f.yaml");
  ASSERT_EQ(r.errors.size(), 6u) << all_errors(r);
  EXPECT_EQ(r.errors[0].str(), "f.yaml:1:7: name must match [a-z0-9-]+, got 'Bad Name'");
  EXPECT_EQ(r.errors[1].str(), "f.yaml:3:11: duration: duration needs a unit (ns, us, ms, s): '10'");
  EXPECT_EQ(r.errors[2].str(), "f.yaml:4:19: server.backlog must be >= 0, got -1");
  EXPECT_EQ(r.errors[3].str(), "f.yaml:4:31: server.listen: port must be in [1, 65535], got '0'");
  EXPECT_EQ(r.errors[4].str(), "f.yaml:6:22: clients.x.count must be >= 1, got 0");
  EXPECT_NE(r.errors[5].str().find("f.yaml:6:32: clients.x.start: unknown duration unit 'h'"), std::string::npos);
}

TEST(ScenarioLoad, DuplicateKeyInANestedMappingPointsAtTheSecond) {
  std::string text(kMinimal);
  const Diagnostic d = load_one_error(text + "server:\n  backlog: 1\n  backlog: 2\n");
  EXPECT_EQ(d.str(), "test.yaml:8:3: duplicate key 'backlog' in server (first at 7:3)");
}

TEST(ScenarioLoad, SysctlOutOfRangeIsReportedAtTheValue) {
  std::string text(kMinimal);
  const Diagnostic d = load_one_error(text + "sysctl:\n  net.ipv4.tcp_syn_retries: 0\n");
  EXPECT_EQ(d.str(), "test.yaml:7:29: net.ipv4.tcp_syn_retries must be in [1, 127], got 0");
}

TEST(ScenarioLoad, MisspeltSysctlGetsASuggestion) {
  std::string text(kMinimal);
  const Diagnostic d = load_one_error(text + "sysctl:\n  net.ipv4.tcp_synack_retrys: 2\n");
  EXPECT_EQ(d.message, "unknown sysctl 'net.ipv4.tcp_synack_retrys' (did you mean 'net.ipv4.tcp_synack_retries'?)");
}

TEST(ScenarioLoad, EmptyClientListIsAnError) {
  const Diagnostic d = load_one_error("name: a\ndescription: d\nduration: 1s\nclients: []\n");
  EXPECT_EQ(d.str(), "test.yaml:4:10: clients must list at least one group");
}

TEST(ScenarioLoad, EmptyFileAndCommentOnlyFileAreEmptyScenarios) {
  for (std::string_view text : {"", "# nothing\n", "---\n", "~\n"}) {
    const Diagnostic d = load_one_error(text);
    EXPECT_EQ(d.str(), "test.yaml:1:1: empty scenario") << text;
  }
}

TEST(ScenarioLoad, TopLevelSequenceIsNotAScenario) {
  const Diagnostic d = load_one_error("- a\n- b\n");
  EXPECT_EQ(d.str(), "test.yaml:1:1: expected a mapping, got a sequence");
}

TEST(ScenarioLoad, UnreadableFileReportsStrerrorAtZeroZero) {
  const LoadResult r = load_file("/nonexistent/synsim/scenario.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].str(), "/nonexistent/synsim/scenario.yaml: cannot read: No such file or directory");
  const LoadResult dir = load_file(SYNSIM_SOURCE_DIR);
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_NE(dir.errors[0].message.find("cannot read: Is a directory"), std::string::npos);
}

TEST(ScenarioLoad, BinaryOrNonUtf8TextIsNotAYamlTextFile) {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("\x7f" "ELF\x02\x01\x01\0", 8), "not a YAML text file (an ELF executable or object file)"},
      {std::string("\x1f\x8b\x08\0", 4), "not a YAML text file (gzip-compressed data)"},
      {"name: a\nb: \x01\n", "not a YAML text file (control byte 0x01 at line 2, column 4)"},
      {"name: caf\xe9\n", "not a YAML text file (non-UTF-8 byte 0xe9 at line 1, column 10)"},
      {"name: \xc2\x9b\n", "not a YAML text file (control character U+009B at line 1, column 7)"},
  };
  for (const auto& [text, message] : cases) {
    const LoadResult r = load_string(text, "x.yaml");
    ASSERT_EQ(r.errors.size(), 1u) << message;
    EXPECT_EQ(r.errors[0].str(), "x.yaml: " + message);
  }
  // Tabs, CR LF, NEL, a BOM and UTF-8 text are YAML text: the schema reader sees them.
  const LoadResult text = load_string("\xef\xbb\xbfname: caf\xc3\xa9\r\n\tdescription: x\xc2\x85\n", "x.yaml");
  ASSERT_FALSE(text.errors.empty());
  EXPECT_EQ(text.errors[0].message.find("not a YAML text file"), std::string::npos) << text.errors[0].str();
}

TEST(ScenarioLoad, LoadFileKeepsThePathAndText) {
  const std::string path = std::string(SYNSIM_SOURCE_DIR) + "/tests/malformed/negative-backlog.yaml";
  const LoadResult r = load_file(path, {"server.backlog=3"});
  ASSERT_TRUE(r.ok()) << all_errors(r);
  EXPECT_EQ(r.scenario->source_file, path);
  EXPECT_NE(r.scenario->source_text.find("backlog: -1"), std::string::npos);  // the file, not the override
  EXPECT_EQ(r.scenario->server.backlog, 3);
}

TEST(ScenarioLoad, HugeScenarioIsRejectedWithoutExhaustingMemory) {
  std::string text = "name: big\ndescription: d\nduration: 1s\nclients:\n";
  for (int i = 0; i < 30000; ++i) text += "  - {name: g" + std::to_string(i) + ", count: 1}\n";
  const LoadResult r = load_string(text, "big.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("scenario too large"), std::string::npos);
  EXPECT_FALSE(r.scenario.has_value());
}

TEST(ScenarioLoad, AliasesShareAValue) {
  const Scenario s = load_ok(R"(name: aliases
description: d
duration: 1s
clients:
  - {name: a, count: 3, send: &s {bytes: 7, after: 0s}}
  - {name: b, send: *s}
)");
  ASSERT_EQ(s.clients.size(), 2u);
  ASSERT_TRUE(s.clients[1].send.has_value());
  EXPECT_EQ(s.clients[1].send->bytes, 7u);
}

TEST(ScenarioLoad, UndefinedAliasIsAYamlError) {
  const Diagnostic d = load_one_error("name: a\ndescription: d\nduration: 1s\nclients: [*g]\n");
  EXPECT_EQ(d.where.line, 4);
  EXPECT_NE(d.message.find("not valid YAML"), std::string::npos);
}

TEST(ScenarioLoad, DeeplyNestedInputIsAnErrorNotACrash) {
  std::string text = "name: deep\ndescription: d\nduration: 1s\nlink: ";
  text += std::string(5000, '[');
  text += std::string(5000, ']');
  const LoadResult r = load_string(text, "deep.yaml");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.errors.empty());
}

}  // namespace
}  // namespace synsim::scenario
