#include "sim/kernel/queues.h"

#include <gtest/gtest.h>

namespace synsim::kernel {
namespace {

// A listener on 9100 (0x238C) with 3 children waiting for accept() and two
// request socks in SYN_RECV, plus an unrelated established socket.
constexpr const char* kProcNetTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:238C 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n"
    "   1: 0100007F:238C 0100007F:C1A2 03 00000000:00000000 02:000003F2 00000000     0        0 0 1 0\n"
    "   2: 0100007F:238C 0100007F:C1A4 03 00000000:00000000 02:000003F2 00000000     0        0 0 1 0\n"
    "   3: 0100007F:C1A6 0100007F:238C 01 00000005:00000000 01:00000033 00000000     0        0 2 1 0\n";

TEST(QueueSampler, ReadsTheAcceptQueueFromTheListenersRxQueueAndCountsSynRecvRows) {
  RawQueueSample s;
  ASSERT_TRUE(parse_proc_net_tcp(kProcNetTcp, 9100, &s));
  EXPECT_EQ(s.accept_queue, 3);
  EXPECT_EQ(s.syn_queue, 2);
}

TEST(QueueSampler, NoListenerOnThePortIsReported) {
  RawQueueSample s;
  EXPECT_FALSE(parse_proc_net_tcp(kProcNetTcp, 8080, &s));
  EXPECT_FALSE(parse_proc_net_tcp("garbage\n\n  1: x", 9100, &s));
}

}  // namespace
}  // namespace synsim::kernel
