// A file descriptor closed on every path out of the scope that holds it.
#pragma once

#include <unistd.h>

namespace synsim::kernel {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  // Hands the descriptor over: the caller closes it now.
  int release() {
    const int f = fd;
    fd = -1;
    return f;
  }
};

}  // namespace synsim::kernel
