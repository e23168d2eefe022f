// What play.cc checks before a script runs on the model (setup.cc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/script.h"
#include "sim/profile/sysctls.h"

namespace synsim::packetdrill::detail {

// The script's sysctls onto `sysctls` (the profile's defaults); sysctls
// the model does not read are noted and ignored; bad values are errors.
std::optional<ParseError> apply_sysctls(const Script& script, profile::Sysctls& sysctls,
                                        std::vector<std::string>& notes);

// The first call the model cannot play, as an error naming its line.
std::optional<ParseError> refuse_unplayable(const Script& script);

}  // namespace synsim::packetdrill::detail
