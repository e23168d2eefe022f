// A server view (server_view.h) as packetdrill text: the header comments a
// reader needs (where it came from, who the peers are, what was left out
// and why times are ranges), the sysctls, the listener's set-up calls and
// one line per segment or call, each with the model's reasons under it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/pktout/server_view.h"
#include "sim/scenario/scenario.h"

namespace synsim::pktout {

// What the header says besides the lines.
struct ScriptOrigin {
  std::string scenario_file;   // as given on the command line
  std::string subject;         // "x#1"
  std::uint16_t subject_port = 0;
  std::string profile;         // "linux-6.18"
  std::int64_t hz = 0;
  std::uint64_t seed = 0;
  // "49436 pre#0" for each further peer, and the connections left out.
  std::vector<std::string> further;
  std::vector<std::string> left_out;
  // The other connections, which met the listener only before or after it.
  std::size_t apart = 0;
};

std::string script_text(const scenario::Scenario& sc, const ScriptOrigin& origin, const std::vector<ScriptLine>& lines);

}  // namespace synsim::pktout
