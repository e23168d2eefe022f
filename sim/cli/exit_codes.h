// synsim's exit codes (design.md "CLI").
#pragma once

namespace synsim::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitExpectationFailed = 1,  // an expect: hypothesis or a comparison failed
  kExitBadInput = 2,           // bad scenario, bad option, unsupported feature
  kExitInvariant = 3,          // internal error: a broken model invariant or internal check (internal_error.h)
  kExitEnvironment = 4,        // the machine cannot run it (no namespaces, ...)
};

}  // namespace synsim::cli
