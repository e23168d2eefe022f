// Whether this machine can run the kernel tests: they need a private
// network namespace (root, or unprivileged user namespaces).
#pragma once

#include <gtest/gtest.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

namespace synsim::testing {

// Why kernel tests cannot run here, or "" when they can. The probe unshares
// on a thread of its own, which then exits: the caller's namespace is untouched.
inline std::string cannot_run_kernel_tests() {
  std::string why;
  std::thread probe([&why] {
    if (::unshare(CLONE_NEWNET) != 0) {
      why = std::string("cannot create a network namespace (unshare(CLONE_NEWNET): ") + std::strerror(errno) +
            "); kernel tests need root or user namespaces";
    }
  });
  probe.join();
  return why;
}

}  // namespace synsim::testing

#define SKIP_WITHOUT_NAMESPACES()                                              \
  do {                                                                         \
    const std::string why_ = ::synsim::testing::cannot_run_kernel_tests();     \
    if (!why_.empty()) GTEST_SKIP() << why_;                                   \
  } while (0)
