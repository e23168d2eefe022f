// /proc/net/netstat and /proc/net/snmp parsing into nstat names.
#include <gtest/gtest.h>

#include "sim/kernel/counters.h"

namespace synsim::kernel {
namespace {

constexpr const char* kNetstat =
    "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPLossProbes\n"
    "TcpExt: 1 1 3 3 1\n"
    "IpExt: InNoRoutes InOctets\n"
    "IpExt: 0 1234\n";

constexpr const char* kSnmp =
    "Ip: Forwarding DefaultTTL InReceives\n"
    "Ip: 2 64 12\n"
    "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens CurrEstab RetransSegs\n"
    "Tcp: 1 200 120000 -1 2 2 3 3\n";

TEST(ProcCounters, SectionAndFieldMakeTheNstatName) {
  const CounterSnapshot s = parse_proc_counters(kNetstat);
  EXPECT_EQ(s.at("TcpExtListenOverflows"), 3);
  EXPECT_EQ(s.at("TcpExtSyncookiesSent"), 1);
  EXPECT_EQ(s.at("IpExtInOctets"), 1234);
  EXPECT_EQ(s.size(), 7u);
}

TEST(ProcCounters, NegativeValuesParse) {
  const CounterSnapshot s = parse_proc_counters(kSnmp);
  EXPECT_EQ(s.at("TcpMaxConn"), -1);
  EXPECT_EQ(s.at("TcpRetransSegs"), 3);
  EXPECT_EQ(s.at("IpInReceives"), 12);
}

TEST(ProcCounters, LinesThatDoNotPairUpAreSkipped) {
  const CounterSnapshot s = parse_proc_counters(
      "TcpExt: A B C\n"
      "TcpExt: 1 2\n"  // count differs
      "Tcp: X Y\n"
      "Udp: 1 2\n"  // section differs
      "Tcp: Z\n"
      "Tcp: 7\n"
      "Trailing: header only");
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.at("TcpZ"), 7);
}

TEST(CounterDeltas, OnlyNonZeroTcpCountersAndNoGauges) {
  CounterSnapshot before = parse_proc_counters(kSnmp);
  for (auto& [k, v] : parse_proc_counters(kNetstat)) before[k] = v;
  CounterSnapshot after = before;
  after["TcpExtListenOverflows"] += 4;
  after["TcpRetransSegs"] += 2;
  after["TcpCurrEstab"] += 5;   // a gauge
  after["IpInReceives"] += 10;  // not a TCP counter
  after["TcpExtTCPTimeouts"] = 2;  // absent before: counts from 0
  const outcome::Counters d = counter_deltas(before, after);
  const outcome::Counters want{{"TcpExtListenOverflows", 4}, {"TcpExtTCPTimeouts", 2}, {"TcpRetransSegs", 2}};
  EXPECT_EQ(d, want);
}

}  // namespace
}  // namespace synsim::kernel
