// What `netstat -tan` would print at a moment of a run: every TCP socket
// alive then (the listener, and both ends of each connection), from the
// outcome's socket series (outcome/sockets.h).
#pragma once

#include <string>

#include "sim/outcome/outcome.h"

namespace synsim::report {

// A header naming the run, the seed and the moment, then netstat's own
// lines (net-tools netstat.c: the "Active Internet connections (servers and
// established)" title, its column header, and one
// "%-4s  %6ld %6ld %-23s %-23s %-11s" line per socket), with one column
// added where `netstat -p` puts the process: the connection the socket
// belongs to ("x#1 client", "x#1 server", "listener"). Sockets in
// outcome::listed_sockets() order (the listener, then by client port).
std::string render_netstat(const outcome::Outcome& outcome, Time at);

}  // namespace synsim::report
