// Kernel counters as nstat names them, from /proc/net/netstat and
// /proc/net/snmp of the runner's namespace.
//
// Both files are pairs of lines, a header and its values:
//   TcpExt: SyncookiesSent SyncookiesRecv ...
//   TcpExt: 0 1 ...
// nstat names a counter by its section and field glued together
// ("TcpExtListenOverflows", "TcpRetransSegs"); so do we. Pure functions: the
// parsing is unit-tested on text, without root.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::kernel {

using CounterSnapshot = std::map<std::string, std::int64_t>;

// Every counter of every section in `text` ("Tcp" + "RetransSegs" ->
// "TcpRetransSegs"). Lines that do not pair up (a header without values,
// counts that differ) are skipped rather than guessed at.
CounterSnapshot parse_proc_counters(std::string_view text);

// The runner's report: after - before for the Tcp and TcpExt sections only
// (the ones the model has), non-zero deltas only. Gauges and constants
// (TcpCurrEstab, TcpMaxConn, TcpRto*) are not counters and are left out.
outcome::Counters counter_deltas(const CounterSnapshot& before, const CounterSnapshot& after);

// /proc/thread-self/net/netstat + /proc/thread-self/net/snmp of the calling
// thread's namespace. Throws EnvironmentError when they cannot be read.
CounterSnapshot read_namespace_counters();

}  // namespace synsim::kernel
