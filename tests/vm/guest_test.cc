// The guest's /init and what goes into its initramfs.
#include "sim/vm/guest.h"

#include <gtest/gtest.h>

namespace synsim::vm {
namespace {

TEST(Guest, ShellQuotingKeepsOneWordWhateverItHolds) {
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
}

TEST(Guest, InitLoadsTheModulesInOrderAndRunsTheScenarioEachTime) {
  GuestPlan plan;
  plan.runs = 3;
  plan.kernel_args = {"--set", "duration=8s", "--loader", "auto"};
  plan.modules = {"tun.ko", "inet_diag.ko", "tcp_diag.ko"};
  const std::string init = init_script(plan);
  const std::size_t tun = init.find("insmod /lib/modules/synsim/tun.ko");
  const std::size_t inet = init.find("insmod /lib/modules/synsim/inet_diag.ko");
  const std::size_t tcp = init.find("insmod /lib/modules/synsim/tcp_diag.ko");
  ASSERT_NE(tun, std::string::npos);
  EXPECT_LT(tun, inet);
  EXPECT_LT(inet, tcp);  // tcp_diag needs inet_diag's symbols
  EXPECT_NE(init.find("while [ $i -le 3 ]"), std::string::npos);
  EXPECT_NE(init.find("/bin/synsim kernel --out /out/run-$i '--set' 'duration=8s' '--loader' 'auto' /scenario.yaml"),
            std::string::npos);
  // The results leave only after every run, on the second serial port, raw.
  EXPECT_LT(init.find("done"), init.find("stty -F /dev/ttyS1 raw"));
  EXPECT_NE(init.find("poweroff -f"), std::string::npos);
}

TEST(Guest, LddListsTheDynamicLoaderAndLibc) {
  const std::vector<std::string> libs = shared_libraries("/bin/sh");
  if (libs.empty()) GTEST_SKIP() << "ldd cannot list /bin/sh's libraries here";
  bool libc = false;
  bool loader = false;
  for (const std::string& l : libs) {
    EXPECT_EQ(l.front(), '/') << l;
    libc = libc || l.find("libc.so") != std::string::npos;
    loader = loader || l.find("ld-linux") != std::string::npos;
  }
  EXPECT_TRUE(libc);
  EXPECT_TRUE(loader);
}

}  // namespace
}  // namespace synsim::vm
