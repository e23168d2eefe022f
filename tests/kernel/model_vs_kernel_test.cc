// Model vs kernel on the canonical scenarios: `synsim compare`'s verdict
// must be AGREE (packets aligned within the timer wheel's granule plus
// noise, modelled counters equal, outcomes and times equal). A failure
// prints the full comparison, disagreements first.
#include <gtest/gtest.h>
#include <sched.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "sim/compare/compare.h"
#include "sim/kernel/runner.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"
#include "sim/tcp/counters.h"
#include "tests/kernel/namespaces.h"

namespace synsim {
namespace {


void expect_agreement(const std::string& rel, const std::vector<std::string>& sets = {}) {
  SKIP_WITHOUT_NAMESPACES();
  scenario::LoadResult r = scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/" + rel, sets);
  ASSERT_TRUE(r.ok());
  const outcome::Outcome model_out = model::run(*r.scenario);
  const outcome::Outcome kernel_out = kernel::run_kernel(*r.scenario);
  compare::Options options;
  options.hz = kernel_out.info.hz > 0 ? kernel_out.info.hz : 250;
  for (std::size_t m = 0; m < static_cast<std::size_t>(tcp::Mib::kCount); ++m) {
    options.modelled_counters.emplace_back(tcp::mib_name(static_cast<tcp::Mib>(m)));
  }
  const compare::Comparison c = compare::compare(model_out, kernel_out, options);
  EXPECT_TRUE(c.agree()) << compare::render_text(c);
}

TEST(ModelVsKernel, E1AcceptAt500msAgrees) { expect_agreement("scenarios/measured/e1-accept-at-500ms.yaml"); }

TEST(ModelVsKernel, E4AbortOnOverflowAgrees) { expect_agreement("scenarios/measured/e4-abort-on-overflow.yaml"); }

TEST(ModelVsKernel, TheLoopbackStall2003Agrees) {
  expect_agreement("scenarios/stall/loopback-stall-2003.yaml", {"duration=8s"});
}

TEST(ModelVsKernel, WireModeFinalAckHeldAgrees) { expect_agreement("scenarios/wire/final-ack-held.yaml"); }

TEST(HostLoopback, RefusesAScenarioWhoseSysctlsDifferFromTheHosts) {
  // --host-loopback changes nothing on the host, so it must refuse a sysctl
  // the host does not already have (before any socket is opened).
  scenario::LoadResult r = scenario::load_file(std::string(SYNSIM_SOURCE_DIR) +
                                               "/scenarios/measured/e4-abort-on-overflow.yaml");
  ASSERT_TRUE(r.ok());
  std::ifstream host("/proc/sys/net/ipv4/tcp_abort_on_overflow");
  int value = -1;
  host >> value;
  if (value == 1) GTEST_SKIP() << "this host has tcp_abort_on_overflow=1 already";
  kernel::KernelOptions options;
  options.host_loopback = true;
  EXPECT_THROW(kernel::run_kernel(*r.scenario, options), kernel::Unsupported);
}

}  // namespace
}  // namespace synsim
