// The profile table (sim/profile/profile.cc): every profile names, for every
// rule switch and every default, what was read to know it; every alias
// resolves to an upstream profile; no two profiles share a name; the
// switches a profile sets make sense together.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/profile/profile.h"

namespace synsim::profile {
namespace {

TEST(Profiles, EveryRuleValueOfEveryProfileIsCited) {
  for (const Profile& p : profiles()) {
    SCOPED_TRACE(std::string(p.name));
    for (const RuleInfo& r : rule_table()) {
      SCOPED_TRACE(std::string(r.name));
      EXPECT_FALSE(r.read_of(p.rules).empty());
      ASSERT_LT(r.value_of(p.rules), r.values.size());
      EXPECT_FALSE(r.values[r.value_of(p.rules)].origin.empty());
    }
    for (const DefaultInfo& d : default_table()) {
      SCOPED_TRACE(std::string(d.sysctl));
      EXPECT_FALSE((p.defaults.*(d.field)).read.empty());
    }
    EXPECT_FALSE(p.models.empty());
    EXPECT_FALSE(p.hz_read.empty());
  }
}

TEST(Profiles, EveryRuleAlternativeHasAnOriginAndAName) {
  for (const RuleInfo& r : rule_table()) {
    EXPECT_FALSE(r.mirrors.empty()) << r.name;
    for (const RuleValue& v : r.values) {
      EXPECT_FALSE(v.name.empty()) << r.name;
      EXPECT_FALSE(v.origin.empty()) << r.name << " " << v.name;
    }
  }
}

TEST(Profiles, AliasesResolveToTheirUpstreamProfile) {
  std::set<std::string_view> names;
  for (const Profile& p : profiles()) {
    EXPECT_TRUE(names.insert(p.name).second) << "twice: " << p.name;
    EXPECT_EQ(find_profile(p.name), &p);
    if (p.upstream.empty()) continue;
    const Profile* up = find_profile(p.upstream);
    ASSERT_NE(up, nullptr) << p.name << " -> " << p.upstream;
    EXPECT_TRUE(up->upstream.empty()) << p.name << ": an alias of an alias";
  }
  for (const char* alias : {"rhel-7", "rhel-8", "ubuntu-20.04", "ubuntu-22.04", "debian-12", "ubuntu-24.04", "debian-13"}) {
    ASSERT_NE(find_profile(alias), nullptr) << alias;
  }
  EXPECT_EQ(find_profile("rhel-7")->upstream, "linux-3.10");
  EXPECT_EQ(find_profile("rhel-8")->upstream, "linux-4.18");
  EXPECT_EQ(find_profile("linux-6.99"), nullptr);
}

TEST(Profiles, TheSweepRunsWithASynTableAndPerRequestTimersWithoutOne) {
  // listener_2_5.cc needs max_qlen_log's table; listener.cc tests qlen
  // against the backlog.
  for (const Profile& p : profiles()) {
    const bool sweep = p.rules.synack_timer == SynackTimer::listener_sweep;
    const bool table = p.rules.syn_queue_full_test == SynQueueFullTest::table_from_max_syn_backlog ||
                       p.rules.syn_queue_full_test == SynQueueFullTest::table_from_backlog;
    EXPECT_EQ(sweep, table) << p.name;
  }
}

TEST(Profiles, DefaultsAreTheSysctlsOfAFreshNamespace) {
  const Sysctls s = default_sysctls(*find_profile("linux-4.18"));
  EXPECT_EQ(s.somaxconn, 128);
  EXPECT_EQ(s.tcp_max_syn_backlog, 1024);
  EXPECT_EQ(s.tcp_challenge_ack_limit, 1000);
  EXPECT_EQ(default_sysctls(*find_profile("linux-5.4")).somaxconn, 4096);
  // linux-6.18's are Sysctls' own member initialisers.
  const Sysctls modern = default_sysctls(*find_profile("linux-6.18"));
  const Sysctls plain;
  for (const SysctlInfo& i : sysctl_table()) EXPECT_EQ(modern.*(i.field), plain.*(i.field)) << i.name;
}

}  // namespace
}  // namespace synsim::profile

namespace synsim::profile {
namespace {

// The kernel runner's host: the newest upstream profile not newer than the
// running release, never a distribution alias.
TEST(Profiles, ARunningKernelsReleaseFindsItsProfile) {
  bool exact = false;
  ASSERT_NE(profile_for_release("6.18.44-fc-v1272", &exact), nullptr);
  EXPECT_EQ(profile_for_release("6.18.44-fc-v1272")->name, "linux-6.18");
  EXPECT_TRUE(exact);
  EXPECT_EQ(profile_for_release("6.14.2-arch1-1", &exact)->name, "linux-6.12");
  EXPECT_FALSE(exact);
  EXPECT_EQ(profile_for_release("6.1.0-28-amd64")->name, "linux-6.1");
  EXPECT_EQ(profile_for_release("4.18.0-553.el8_10.x86_64")->name, "linux-4.18");
  EXPECT_EQ(profile_for_release("3.10.0-1160.el7.x86_64")->name, "linux-3.10");
  EXPECT_EQ(profile_for_release("5.10.0-32-amd64")->name, "linux-5.4");
  EXPECT_EQ(profile_for_release("7.0.1")->name, "linux-6.18");
  EXPECT_EQ(profile_for_release("2.4.20"), nullptr);  // older than every profile
  EXPECT_EQ(profile_for_release("garbage"), nullptr);
  EXPECT_EQ(profile_for_release(""), nullptr);
}

}  // namespace
}  // namespace synsim::profile
