// `synsim run FILE.pkt`: a packetdrill script played on the model
// (sim/packetdrill/play.h), reported line by line as packetdrill reports;
// `synsim kernel FILE.pkt`: the same on this machine's kernel
// (sim/kernel/pkt_player.h), reported the same way.
#pragma once

#include <string>

#include "sim/cli/commands.h"
#include "sim/cli/kernel_command.h"

namespace synsim::cli {

// Whether `file` is a packetdrill script (by its .pkt name).
bool is_packetdrill_script(const std::string& file);

// Exit 0: the script holds; 1: it does not; 2: it cannot be run (a syntax
// error, a feature outside the covered language, an option run cannot
// give a script).
int run_packetdrill(const RunArgs& args);

// The same exit codes; a machine without namespaces or TUN is 2 too (the
// script cannot be run), with the reason printed.
int kernel_packetdrill(const KernelArgs& args);

// `synsim check FILE.pkt`: read only.
int check_packetdrill(const std::string& file);

}  // namespace synsim::cli
