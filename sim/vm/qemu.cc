#include "sim/vm/qemu.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace synsim::vm {

namespace {

bool is_executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::vector<std::string> qemu_words(const BootSpec& s) {
  return {s.qemu,
          "-nodefaults", "-no-user-config",  // no default devices: no NIC, no disk, no VGA
          "-accel", "tcg",                   // software emulation (no KVM here)
          "-machine", "pc",
          "-m", std::to_string(s.memory_mib),
          "-smp", std::to_string(s.cpus),
          "-display", "none",
          "-monitor", "none",
          "-no-reboot",  // a guest panic (panic=-1 reboots) ends qemu
          "-kernel", s.kernel,
          "-initrd", s.initramfs,
          // quiet: the console stays readable; mitigations=off: the speculation
          // mitigations (page-table isolation on every system call) cost a
          // lot under TCG and change nothing in TCP.
          "-append", "console=ttyS0 panic=-1 quiet mitigations=off",
          "-serial", "file:" + s.console_path,
          "-serial", "file:" + s.results_path};
}

std::string read_small(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  return t.size() > 2000 ? t.substr(t.size() - 2000) : t;
}

}  // namespace

std::optional<std::string> find_qemu() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/qemu-system-x86_64";
    if (is_executable(candidate)) return candidate;
  }
  return std::nullopt;
}

Boot boot(const BootSpec& spec) {
  Boot b;
  const std::vector<std::string> words = qemu_words(spec);
  std::vector<char*> argv;
  for (const std::string& w : words) argv.push_back(const_cast<char*>(w.c_str()));
  argv.push_back(nullptr);
  // qemu's own complaints (a missing BIOS, a bad option) go to a file read on failure.
  const std::string errors = spec.results_path + ".qemu-stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, spec.qemu.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    b.error = spec.qemu + ": " + std::strerror(rc);
    return b;
  }
  int status = 0;
  // Polled: the limit is minutes, a 50 ms step costs nothing.
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    b.stopped = spec.should_stop && spec.should_stop();
    b.timed_out = std::chrono::steady_clock::now() - start > std::chrono::nanoseconds(to_ns(spec.limit));
    if (b.stopped || b.timed_out) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  b.wall = Duration{std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
                        .count()};
  if (b.stopped) {
    b.error = "stopped (SIGINT/SIGTERM): qemu killed";
  } else if (b.timed_out) {
    b.error = "qemu did not finish within " + format_duration(spec.limit) + " (killed)";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    b.error = "qemu exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ": " +
              read_small(errors);
  }
  return b;
}

}  // namespace synsim::vm
