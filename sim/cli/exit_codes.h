// synsim's exit codes (design.md "CLI").
#pragma once

#include <initializer_list>
#include <string>

namespace synsim::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitExpectationFailed = 1,  // an expect: hypothesis or a comparison failed
  kExitBadInput = 2,           // bad scenario, bad option, unsupported feature
  kExitInvariant = 3,          // internal error: a broken model invariant or internal check (internal_error.h)
  kExitEnvironment = 4,        // the machine cannot run it (no namespaces, ...)
};

// A command's exit code and what it means for that command, for its --help.
struct ExitCodeMeaning {
  int code;
  const char* meaning;
};

// "Exit codes:\n  0    ...\n  2    ...\n", the footer every command's --help ends with.
inline std::string exit_codes_help(std::initializer_list<ExitCodeMeaning> codes) {
  std::string text = "Exit codes:\n";
  for (const ExitCodeMeaning& c : codes) {
    const std::string code = std::to_string(c.code);
    text += "  " + code + std::string(code.size() < 5 ? 5 - code.size() : 1, ' ') + c.meaning + "\n";
  }
  return text;
}

// The meanings most commands share.
inline constexpr ExitCodeMeaning kHelpBadInput = {kExitBadInput, "bad input or usage (FILE:LINE:COL: message)"};
inline constexpr ExitCodeMeaning kHelpInternal = {
    kExitInvariant, "internal error: a broken model invariant or internal check (prints the scenario and seed "
                    "that reproduce it; no --out file written)"};

}  // namespace synsim::cli
