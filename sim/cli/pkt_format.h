// `synsim run SCENARIO --format pkt --connection NAME`: one connection of
// the model's run as a packetdrill script of its server (sim/pktout/write.h),
// on stdout, or nothing and exit 2 when it cannot be written.
#pragma once

#include "sim/cli/commands.h"
#include "sim/scenario/scenario.h"

namespace synsim::cli {

// Exit 0 with the script on stdout; kExitBadInput with the reason on stderr.
int run_pkt_format(const RunArgs& args, const scenario::Scenario& sc);

}  // namespace synsim::cli
