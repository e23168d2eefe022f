// `synsim run SCENARIO --format pkt --connection NAME`: one connection of a
// model run as a packetdrill script of its server, which `synsim run
// FILE.pkt` (the model) and `synsim kernel FILE.pkt` (this machine's
// kernel) then play. A stall found in a simulation becomes a reproducer a
// kernel engineer can read and run.
//
// The other connections of the scenario matter to this one only through
// the listener's queues: a child that fills the accept queue, a request
// that holds a place in the SYN queue. The writer starts from every
// connection that met the listener while the subject did, and folds out
// each one the subject's lines do not need, latest first: one whose
// removal leaves the script holding on the model goes. What stays is a
// further remote peer (server_view.h). The script is played on the model
// before it is given out; one that does not hold is never written.
#pragma once

#include <string>
#include <variant>

#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::pktout {

// Why no script can be written (exit 2), naming what cannot be written.
struct CannotWrite {
  std::string why;
};

// Connections a script may show as remote peers besides its subject: more
// would be a load test, not a reproducer a reader can follow.
inline constexpr std::size_t kMaxFurtherPeers = 16;
// Connections the writer tries to fold out (each try plays the script on
// the model once, a few milliseconds at this size).
inline constexpr std::size_t kMaxCandidates = 64;

// `out` is a full-detail model run of `sc` with packets recorded;
// `scenario_file` is named in the header as given.
std::variant<std::string, CannotWrite> write_script(const scenario::Scenario& sc, const outcome::Outcome& out,
                                                    const std::string& scenario_file, const std::string& connection);

}  // namespace synsim::pktout
