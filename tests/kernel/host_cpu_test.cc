// The busy-machine measure of kernel runs (sim/kernel/host_cpu.h) on text,
// and its verdict warning: a kernel run taken while a compiler ran beside it
// is named as such, a quiet one is not.
#include "sim/kernel/host_cpu.h"

#include <gtest/gtest.h>

#include "sim/compare/statistics.h"
#include "sim/compare/statistics_render.h"
#include "sim/report/tables.h"

namespace synsim::kernel {
namespace {

TEST(HostCpu, ProcStatsCpuLineGivesUserNiceAndSystem) {
  const auto m = parse_proc_stat("cpu  6211208 678276 959769 2308207 17591 0 6283 6430 0 0\ncpu0 1 2 3 4 5 6 7 8\n");
  EXPECT_EQ(m, 6211208 + 678276 + 959769);
  EXPECT_FALSE(parse_proc_stat("cpu0 1 2 3 4 5 6 7 8\n"));
  EXPECT_FALSE(parse_proc_stat("cpu  1 2 3\n"));
  EXPECT_FALSE(parse_proc_stat(""));
}

TEST(HostCpu, TaskTicksAreUtimePlusStimeCountedAfterTheCommandName) {
  // A command name with spaces and a parenthesis of its own.
  const std::string line =
      "4242 (a b) c) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 3 0 100 1000 10 18446744073709551615";
  EXPECT_EQ(parse_task_ticks(line), 1234 + 567);
  EXPECT_FALSE(parse_task_ticks("4242 (x) S 1 2"));
  EXPECT_FALSE(parse_task_ticks("no parenthesis"));
}

TEST(HostCpu, OthersAreTheMachinesBusyTimeLessOursAndKernelThreads) {
  HostCpuSnapshot before{.machine_busy_ticks = 1000, .self_ticks = 10, .kernel_thread_ticks = 5, .taken_ns = 0};
  HostCpuSnapshot after{.machine_busy_ticks = 1300, .self_ticks = 160, .kernel_thread_ticks = 25, .taken_ns = 2'000'000'000};
  // 300 ticks busy, 150 ours, 20 the kernel threads': 130 ticks of 10 ms.
  EXPECT_EQ(other_cpu(before, after, 100), ms(1300));
  after.self_ticks = 400;  // more than the machine's (tick rounding): never negative
  EXPECT_EQ(other_cpu(before, after, 100), Duration{0});
  before.machine_busy_ticks = -1;  // /proc/stat unreadable: unknown
  EXPECT_FALSE(other_cpu(before, after, 100));
}

// Kernel threads (kworkers tearing down the runner's earlier namespaces,
// ksoftirqd, kdamond) are told from processes by PF_KTHREAD in field 9.
TEST(HostCpu, KernelThreadsAreToldByTheirFlags) {
  EXPECT_TRUE(is_kernel_thread("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 18 0"));
  EXPECT_TRUE(is_kernel_thread("2187 (kworker/u8:3-kvfree_rcu_reclaim) I 2 0 0 0 -1 69238880 0 0 0 0 0 41"));
  EXPECT_FALSE(is_kernel_thread("27212 (cat) R 27207 27207 1242 0 -1 4194304 125 0 0 0 0 0 0 0 20 0 1 0"));
  EXPECT_FALSE(is_kernel_thread("4242 (x) S 1 2"));
  EXPECT_FALSE(is_kernel_thread("no parenthesis"));
}

TEST(HostCpu, ReadingThisMachineGivesItsOwnTicks) {
  const HostCpuSnapshot s = read_host_cpu();
  EXPECT_GT(s.machine_busy_ticks, 0);
  EXPECT_GT(s.taken_ns, 0);
}

outcome::Outcome kernel_run(std::optional<outcome::HostLoad> host) {
  outcome::Outcome o;
  o.info.scenario = "hand-made";
  o.info.source = "kernel";
  o.info.host = host;
  return o;
}

TEST(HostLoad, BusyAboveATenthOfACpu) {
  outcome::HostLoad h{.cpus = 2, .interval = sec(10), .other_cpu = sec(1)};
  EXPECT_EQ(h.other_per_mille(), 100);
  EXPECT_FALSE(h.busy());
  h.other_cpu = ms(1010);
  EXPECT_TRUE(h.busy());
  EXPECT_EQ(report::host_load_text(outcome::HostLoad{.cpus = 2, .interval = sec(6), .other_cpu = ms(5580)}),
            "2 CPUs; other processes took 0.93 CPU on average during the run: BUSY, the figures are the machine's "
            "as much as the workload's; re-run on a quiet machine");
  EXPECT_EQ(report::host_load_text(outcome::HostLoad{.cpus = 2, .interval = sec(6), .other_cpu = ms(60)}),
            "2 CPUs; other processes took 0.01 CPU on average during the run (quiet)");
  EXPECT_EQ(report::host_load_text(
                outcome::HostLoad{.cpus = 2, .interval = sec(6), .other_cpu = ms(60), .loopback_cycle = Duration{8789}}),
            "2 CPUs; other processes took 0.01 CPU on average during the run (quiet); a loopback "
            "connect/accept/close cycle took 8789ns before the run");
  EXPECT_EQ(report::host_load_text(outcome::HostLoad{.cpus = 2,
                                                     .interval = sec(6),
                                                     .other_cpu = ms(60),
                                                     .loopback_cycle = Duration{8789},
                                                     .cross_cpu_cycle = us(31)}),
            "2 CPUs; other processes took 0.01 CPU on average during the run (quiet); a loopback "
            "connect/accept/close cycle took 8789ns before the run (31us with a 1-byte request and reply across two "
            "CPUs)");
  outcome::RunInfo info;
  EXPECT_EQ(report::threads_text(info), "") << "not measured";
  info.loader_threads = {.threads = 2, .cpu = ms(278), .waited = ms(144), .slices = 109};
  info.server_threads = {.threads = 1, .cpu = ms(341), .waited = ms(107), .slices = 111};
  EXPECT_EQ(report::threads_text(info),
            "the loader's 2 threads ran 278ms on a CPU and waited 144ms for one (109 timeslices); the server's 1 "
            "thread ran 341ms on a CPU and waited 107ms for one (111 timeslices)");
  info.server_threads.slices = 0;  // the model counts none
  const std::string model_like = report::threads_text(info);
  EXPECT_TRUE(model_like.ends_with("the server's 1 thread ran 341ms on a CPU and waited 107ms for one")) << model_like;
}

TEST(HostLoad, AVerdictNamesTheKernelRunsMeasuredOnABusyMachine) {
  const outcome::Outcome model = kernel_run(std::nullopt);
  const std::vector<outcome::Outcome> kernels = {
      kernel_run(outcome::HostLoad{.cpus = 2, .interval = sec(6), .other_cpu = ms(60)}),
      kernel_run(outcome::HostLoad{.cpus = 2, .interval = sec(6), .other_cpu = ms(5580)}),
      kernel_run(std::nullopt),  // saved before the measure existed: not called busy
  };
  const compare::StatisticalComparison c = compare::compare_statistics({model}, kernels);
  ASSERT_EQ(c.busy_kernel_runs.size(), 1u);
  EXPECT_EQ(c.busy_kernel_runs[0], "run 2: other processes took 0.93 CPU on average (of 2)");
  const std::string text = compare::render_statistics_text(c);
  EXPECT_NE(text.find("warning: 1 of 3 kernel runs measured on a busy machine"), std::string::npos) << text;
  EXPECT_NE(compare::render_statistics_markdown(c).find("**Warning**"), std::string::npos);
  EXPECT_NE(compare::render_statistics_json(c).find("run 2: other processes took 0.93 CPU"), std::string::npos);

  const compare::StatisticalComparison quiet = compare::compare_statistics({model}, {kernels[0], kernels[2]});
  EXPECT_TRUE(quiet.busy_kernel_runs.empty());
  EXPECT_EQ(compare::render_statistics_text(quiet).find("warning"), std::string::npos);
}

}  // namespace
}  // namespace synsim::kernel
