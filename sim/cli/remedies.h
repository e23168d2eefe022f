// `synsim explain --remedies`: the scenario a capture implies, played on
// the model under each remedy people reach for, ranked by what users see
// (sim/report/remedies.h holds the rows, the ranking and their renderings).
#pragma once

#include <string>
#include <vector>

#include "sim/report/remedies.h"

namespace synsim::cli {

// The delay the connect()-to-send() remedy adds (the 2003 report's "micro
// delay" was a usleep; 2 ms is connect-send-delay-under-load.yaml's).
inline constexpr Duration kRemedySendDelay = ms(2);
// connect() giving up after its 2nd SYN retransmission (about 3 s on
// linux-6.18, whose first 4 SYN timeouts are linear, 1 s each) instead of
// its 6th (about 67 s): the kernel's own connect timeout.
inline constexpr int kRemedySynRetries = 2;

// `yaml`: a scenario (file name `name` for messages). Plays it once per
// remedy, on its own seed, and returns the rows ranked. Throws
// std::logic_error if the scenario or a remedy of it does not load (the
// scenario is synsim's own: derived and checked).
std::vector<report::RemedyRow> play_remedies(const std::string& yaml, const std::string& name);

}  // namespace synsim::cli
