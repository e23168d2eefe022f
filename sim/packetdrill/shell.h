// Shell commands in backquotes: never executed. `sysctl -q NAME=VALUE`
// (and -w) become the script's sysctls; `./defaults.sh` (the kernel
// selftests' file of sysctls beside the script) is read as such lines;
// every other command is kept as skipped, to be reported.
#pragma once

#include <string>
#include <string_view>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/script.h"

namespace synsim::packetdrill::detail {

// The commands of one backquoted body (or of a defaults.sh) starting at
// `at` in `file`. `after_first_event`: sysctls set there are refused (the
// model's sysctls hold for the whole run).
void shell_lines(std::string_view body, const std::string& file, Where at, const ReadFile& read,
                 bool after_first_event, Script& script, int depth = 0);

}  // namespace synsim::packetdrill::detail
