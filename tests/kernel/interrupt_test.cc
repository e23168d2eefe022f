// Ctrl-C during a real-time kernel run: the run stops promptly, what was
// measured so far is written (never half-written) and marked partial, and
// the command exits 130.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/kernel/namespaces.h"

extern char** environ;

namespace {


// Starts synsim with `args`, sends `sig` after `after`, and returns the exit
// code (-1 if it did not exit within `limit`).
int run_and_signal(const std::vector<std::string>& args, int sig, std::chrono::milliseconds after,
                   std::chrono::milliseconds limit, std::chrono::milliseconds* took) {
  std::vector<char*> argv;
  std::string bin = SYNSIM_BINARY;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ) != 0) return -2;
  posix_spawn_file_actions_destroy(&actions);
  std::this_thread::sleep_for(after);
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, sig);
  int status = 0;
  while (std::chrono::steady_clock::now() - sent < limit) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class Interrupt : public ::testing::TestWithParam<int> {};

TEST_P(Interrupt, StopsPromptlyAndWritesPartialResults) {
  SKIP_WITHOUT_NAMESPACES();
  const auto dir = std::filesystem::temp_directory_path() /
                   ("synsim-interrupt-" + std::to_string(::getpid()) + "-" + std::to_string(GetParam()));
  std::filesystem::remove_all(dir);
  std::chrono::milliseconds took{};
  // E2 lasts 20 s; the signal comes after 1.5 s.
  const int rc = run_and_signal({"kernel", std::string(SYNSIM_SOURCE_DIR) + "/scenarios/measured/e2-accept-at-13s.yaml",
                                 "--format", "summary", "--out", dir.string()},
                                GetParam(), std::chrono::milliseconds(1500), std::chrono::seconds(8), &took);
  EXPECT_EQ(rc, 130);
  EXPECT_LT(took.count(), 3000) << "took " << took.count() << " ms to stop";
  const std::string json = read(dir / "outcome.json");
  EXPECT_NE(json.find("\"partial\": true"), std::string::npos);
  EXPECT_NE(read(dir / "timeline.txt").find("Flags [S]"), std::string::npos);  // what was measured is there
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Signals, Interrupt, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) { return info.param == SIGINT ? "SIGINT" : "SIGTERM"; });

}  // namespace
