// Sysctl names to /proc/sys paths, and what run_kernel refuses before it
// touches anything.
#include <gtest/gtest.h>

#include "sim/kernel/netns.h"
#include "sim/kernel/runner.h"
#include "sim/kernel/wire.h"

namespace synsim::kernel {
namespace {

TEST(SysctlPath, DotsBecomeSlashesUnderProcSys) {
  EXPECT_EQ(sysctl_path("net.ipv4.tcp_synack_retries"), "/proc/sys/net/ipv4/tcp_synack_retries");
  EXPECT_EQ(sysctl_path("net.core.somaxconn"), "/proc/sys/net/core/somaxconn");
}

TEST(SysctlPath, NamesThatCouldLeaveProcSysAreRefused) {
  EXPECT_FALSE(sysctl_path(""));
  EXPECT_FALSE(sysctl_path("net/ipv4/x"));
  EXPECT_FALSE(sysctl_path("..net"));
  EXPECT_FALSE(sysctl_path("net..ipv4"));
  EXPECT_FALSE(sysctl_path("net.ipv4."));
  EXPECT_FALSE(sysctl_path("net.ipv4.x y"));
}

TEST(SysctlPlan, LaterEntriesWin) {
  std::vector<scenario::SysctlSetting> s(3);
  s[0].name = "net.ipv4.tcp_synack_retries";
  s[0].value = 5;
  s[1].name = "net.ipv4.tcp_syncookies";
  s[1].value = 0;
  s[2].name = "net.ipv4.tcp_synack_retries";
  s[2].value = 2;
  const SysctlPlan plan = plan_sysctls(s);
  ASSERT_EQ(plan.wanted.size(), 2u);
  EXPECT_EQ(plan.wanted[0].first, "net.ipv4.tcp_synack_retries");
  EXPECT_EQ(plan.wanted[0].second, 2);
  EXPECT_EQ(plan.wanted[1].second, 0);
}

TEST(WireAddresses, ClientsGetTheNextLoopbackAddress) {
  EXPECT_EQ(wire_client_address("127.0.0.1"), "127.0.0.2");
  EXPECT_EQ(wire_client_address("127.1.2.254"), "127.1.2.1");
}

TEST(RunKernel, TooManyConnectionsForRealTimeAreUnsupported) {
  scenario::Scenario sc;
  sc.name = "big";
  sc.duration = ms(100);
  sc.clients.push_back(scenario::ClientGroup{});
  sc.clients[0].name = "c";
  sc.clients[0].count = 10'000'000;
  EXPECT_THROW(run_kernel(sc), Unsupported);
}

}  // namespace
}  // namespace synsim::kernel
