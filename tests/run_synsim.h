// The synsim program run as a user runs it, for tests of the command line:
// a command in a shell, its exit code and its stdout and stderr together.
// Needs SYNSIM_BINARY defined to the program's path.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace synsim::testing {

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// `cmd` in a shell, stdout and stderr together.
inline Result shell(const std::string& cmd) {
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) r.output += buf.data();
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `synsim ARGS`, stderr folded into the output.
inline Result synsim(const std::string& args) { return shell(std::string(SYNSIM_BINARY) + " " + args + " 2>&1"); }

}  // namespace synsim::testing
