// The kernel runner plays this machine's kernel: it names the profile whose
// rules that kernel follows and says when the scenario names another.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <string>

#include "sim/profile/profile.h"
#include "tests/kernel/namespaces.h"
#include "tests/run_synsim.h"

namespace {

using synsim::testing::Result;
using synsim::testing::synsim;

TEST(HostProfile, AScenarioNamingAnotherKernelIsNotedAsNotLikeForLike) {
  SKIP_WITHOUT_NAMESPACES();
  utsname u{};
  ASSERT_EQ(::uname(&u), 0);
  const synsim::profile::Profile* host = synsim::profile::profile_for_release(u.release);
  if (host == nullptr) GTEST_SKIP() << "no profile for this kernel's release " << u.release;
  // Another upstream profile than the host's.
  const std::string other = std::string(host->name) == "linux-3.10" ? "linux-4.18" : "linux-3.10";
  const std::string scenario = std::string(SYNSIM_SOURCE_DIR) + "/scenarios/load/c16-b128.yaml";
  const std::string small = " --set clients.load.count=20 --set duration=1s --no-capture --format summary";
  const Result noted = synsim("kernel " + scenario + " --set kernel=" + other + small);
  EXPECT_EQ(noted.exit_code, 0) << noted.output;
  EXPECT_NE(noted.output.find("this machine's kernel follows " + std::string(host->name) + "'s rules; the scenario "
                              "names " + other),
            std::string::npos)
      << noted.output;
  const Result same = synsim("kernel " + scenario + " --set kernel=" + std::string(host->name) + small);
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(same.output.find("not like for like"), std::string::npos) << same.output;
}

}  // namespace
