// --set KEY=VALUE: applied to the YAML tree before validation, so an
// overridden value is checked like the file and errors point at the override.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/load.h"

namespace synsim::scenario {
namespace {

constexpr std::string_view kBase = R"(name: base
description: d
duration: 10s
sysctl:
  net.core.somaxconn: 4096
server:
  backlog: 2
clients:
  - name: pre
    count: 2
  - name: x
    count: 4
)";

std::string all_errors(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += d.str() + "\n";
  return out;
}

Scenario load_with(std::vector<std::string> overrides, std::string_view text = kBase) {
  const LoadResult r = load_string(text, "base.yaml", overrides);
  EXPECT_TRUE(r.ok()) << all_errors(r);
  return r.scenario.value_or(Scenario{});
}

std::vector<Diagnostic> errors_with(std::vector<std::string> overrides, std::string_view text = kBase) {
  const LoadResult r = load_string(text, "base.yaml", overrides);
  EXPECT_FALSE(r.ok());
  return r.errors;
}

TEST(Overrides, SetReplacesAValue) {
  EXPECT_EQ(load_with({"server.backlog=8"}).server.backlog, 8);
  EXPECT_EQ(load_with({"seed=3"}).seed, 3u);
  EXPECT_EQ(load_with({"duration=5s"}).duration, sec(5));
}

TEST(Overrides, LaterOverrideOfTheSameKeyWins) {
  EXPECT_EQ(load_with({"server.backlog=8", "server.backlog=9"}).server.backlog, 9);
}

TEST(Overrides, MissingSectionsAreCreated) {
  const Scenario s = load_with({"server.accept.start=2s", "link.latency=1ms"});
  EXPECT_EQ(s.server.accept.start, sec(2));
  EXPECT_EQ(s.server.backlog, 2);  // the rest of server stays
  EXPECT_EQ(s.link.latency, ms(1));
  const Scenario t = load_with({"server.accept.start=2s"}, "name: a\ndescription: d\nduration: 1s\n");
  EXPECT_EQ(t.server.accept.start, sec(2));
}

TEST(Overrides, NetKeyAddsASysctl) {
  const Scenario s = load_with({"net.ipv4.tcp_synack_retries=2"});
  ASSERT_EQ(s.sysctls.size(), 2u);
  EXPECT_EQ(s.sysctls[1].name, "net.ipv4.tcp_synack_retries");
  EXPECT_EQ(s.sysctls[1].value, 2);
  EXPECT_EQ(s.sysctls[1].where.file, "--set");
}

TEST(Overrides, NetKeyReplacesAnExistingSysctl) {
  const Scenario s = load_with({"net.core.somaxconn=16"});
  ASSERT_EQ(s.sysctls.size(), 1u);
  EXPECT_EQ(s.sysctls[0].value, 16);
  EXPECT_EQ(load_with({"sysctl.net.core.somaxconn=17"}).sysctls[0].value, 17);
}

TEST(Overrides, NetKeyCreatesTheSysctlSection) {
  const Scenario s = load_with({"net.ipv4.tcp_syncookies=0"}, "name: a\ndescription: d\nduration: 1s\n");
  ASSERT_EQ(s.sysctls.size(), 1u);
  EXPECT_EQ(s.sysctls[0].name, "net.ipv4.tcp_syncookies");
  EXPECT_EQ(s.sysctls[0].value, 0);
}

TEST(Overrides, ClientsNameAddressesTheGroupByName) {
  const Scenario s = load_with({"clients.x.count=3", "clients.pre.start=1s"});
  ASSERT_EQ(s.clients.size(), 2u);
  EXPECT_EQ(s.clients[0].count, 2u);
  EXPECT_EQ(s.clients[0].start, sec(1));
  EXPECT_EQ(s.clients[1].count, 3u);
}

TEST(Overrides, ValueIsReadAsYaml) {
  const Scenario s = load_with({"clients.x.send={bytes: 5, at: 1s}", "server.accept=never"});
  ASSERT_TRUE(s.clients[1].send.has_value());
  EXPECT_EQ(s.clients[1].send->bytes, 5u);
  EXPECT_EQ(s.clients[1].send->time, sec(1));
  EXPECT_TRUE(s.server.accept.never);
}

TEST(Overrides, MissingEqualsIsADiagnosticAtSetOneOne) {
  const std::vector<Diagnostic> e = errors_with({"server.backlog"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:1:1: override 'server.backlog' needs KEY=VALUE (e.g. server.backlog=8)");
}

TEST(Overrides, UnknownGroupIsReportedAtItsColumn) {
  const std::vector<Diagnostic> e = errors_with({"clients.y.count=3"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:1:9: no client group named 'y' (groups: pre, x)");
}

TEST(Overrides, BadValueIsReportedAtTheOverrideNotTheFile) {
  const std::vector<Diagnostic> e = errors_with({"seed=1", "server.backlog=-1"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:2:16: server.backlog must be >= 0, got -1");
}

TEST(Overrides, UnknownKeyIsReportedAtTheOverride) {
  const std::vector<Diagnostic> e = errors_with({"server.backlogg=3"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].where.file, "--set");
  EXPECT_EQ(e[0].where.line, 1);
  EXPECT_EQ(e[0].where.column, 8);
  EXPECT_NE(e[0].message.find("unknown key 'backlogg' in server"), std::string::npos);
}

TEST(Overrides, UnknownSysctlIsReportedAtTheOverride) {
  const std::vector<Diagnostic> e = errors_with({"net.ipv4.tcp_foo=1"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:1:1: unknown sysctl 'net.ipv4.tcp_foo'");
}

TEST(Overrides, ValueThatIsNotYamlIsADiagnostic) {
  const std::vector<Diagnostic> e = errors_with({"server.backlog=[1"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].where.file, "--set");
  EXPECT_NE(e[0].message.find("VALUE is not valid YAML"), std::string::npos);
}

TEST(Overrides, PathThroughAScalarIsADiagnostic) {
  const std::vector<Diagnostic> e = errors_with({"server.backlog.x=1"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:1:16: cannot set 'server.backlog.x': server.backlog is '2', not a mapping");
}

TEST(Overrides, EmptyKeyAndEmptyComponentAreDiagnostics) {
  EXPECT_EQ(errors_with({"=3"}).at(0).str(), "--set:1:1: override '=3' has an empty KEY (expected e.g. server.backlog=8)");
  EXPECT_EQ(errors_with({"server..backlog=3"}).at(0).where.column, 8);
}

TEST(Overrides, EmptyValueIsReportedAsMissing) {
  const std::vector<Diagnostic> e = errors_with({"seed="});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].str(), "--set:1:6: seed: expected a non-negative integer, got nothing");
}

TEST(Overrides, FileErrorsComeBeforeOverrideErrors) {
  const std::vector<Diagnostic> e =
      errors_with({"seed=x"}, "name: a\ndescription: d\nduration: 1\n");
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].where.file, "base.yaml");
  EXPECT_EQ(e[1].where.file, "--set");
}

}  // namespace
}  // namespace synsim::scenario
