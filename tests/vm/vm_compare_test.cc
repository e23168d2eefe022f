// The linux-6.1 profile against a real 6.1 kernel: one boot of Debian's
// linux-image-6.1 under qemu (TCG) playing E1, compared by `synsim compare
// --vm linux-6.1` with the model's linux-6.1 run. E1 is deterministic and
// 3 s long, its packets a few milliseconds to seconds apart; the whole test
// is one boot (~20 s here) and the run. scripts/vm-compare compares the
// other deterministic scenarios and writes reports/vm-linux-6.1.md.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <variant>

#include "sim/vm/image.h"
#include "sim/vm/qemu.h"
#include "tests/run_synsim.h"

namespace synsim {
namespace {

// Why this machine cannot boot the VM, or "" when it can.
std::string why_no_vm() {
  if (!vm::find_qemu()) return "no qemu-system-x86_64 (scripts/install-deps --vm installs it)";
  const std::variant<vm::VmImage, std::string> image = vm::find_vm_image("linux-6.1");
  if (const std::string* why = std::get_if<std::string>(&image)) return *why;
  return "";
}

TEST(Vm, E1OnDebiansLinux61AgreesWithTheModelsLinux61Profile) {
  if (const std::string why = why_no_vm(); !why.empty()) GTEST_SKIP() << why;
  const std::string compare = "compare --vm linux-6.1 --set kernel=linux-6.1 scenarios/measured/e1-accept-at-500ms.yaml";
  testing::Result r = testing::synsim(compare);
  // Under qemu's TCG the guest now and then stalls early in its run: its
  // first server ACK 85 ms late in 2 of 9 boots on 2026-12-07 (idle host),
  // which moves E1's second connection to the other side of the accept at
  // 500 ms (DISAGREE, 9 disagreements). One boot more before the verdict
  // counts; the model is deterministic, so a profile that disagrees with a
  // 6.1 kernel disagrees on both boots.
  if (r.output.find("verdict: AGREE") == std::string::npos) {
    std::cerr << "first boot did not agree (the guest's timing?); booting once more. It printed:\n" << r.output;
    r = testing::synsim(compare);
  }
  // It ran in the guest, on a 6.1 kernel, not on this machine's.
  EXPECT_NE(r.output.find("synsim: linux-6.1 VM (6.1."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("verdict: AGREE"), std::string::npos) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// What --vm refuses before any boot (no qemu needed).
TEST(Vm, RefusesAProfileWithoutAnImageAndAComparisonThatWouldNotBeLikeForLike) {
  const std::string e1 = "scenarios/measured/e1-accept-at-500ms.yaml";
  const testing::Result other = testing::synsim("kernel --vm linux-6.18 " + e1);
  EXPECT_EQ(other.exit_code, 2) << other.output;
  EXPECT_NE(other.output.find("no VM image for kernel profile 'linux-6.18'"), std::string::npos) << other.output;
  // The scenario names linux-6.18: the model would play other rules than the guest's.
  const testing::Result unlike = testing::synsim("compare --vm linux-6.1 " + e1);
  EXPECT_EQ(unlike.exit_code, 2) << unlike.output;
  EXPECT_NE(unlike.output.find("--set kernel=linux-6.1"), std::string::npos) << unlike.output;
  const testing::Result calibrated = testing::synsim("compare --vm linux-6.1 --set kernel=linux-6.1 --calibrate " + e1);
  EXPECT_EQ(calibrated.exit_code, 2) << calibrated.output;
}

TEST(Vm, WithoutTheImageTheRunSaysWhichCommandPreparesIt) {
  const testing::Result r = testing::shell("SYNSIM_VM_CACHE=/nonexistent " + std::string(SYNSIM_BINARY) +
                                           " kernel --vm linux-6.1 scenarios/measured/e1-accept-at-500ms.yaml 2>&1");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("scripts/vm-image linux-6.1"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace synsim
