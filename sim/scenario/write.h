// A Scenario as YAML text: the inverse of load.h, for scenarios built in
// code (`synsim explain --scenario` writes the one a capture implies).
//
// Only what a scenario states differently from the format's defaults is
// written, in the order scenarios/README.md documents the keys, so that the
// text reads like a hand-written scenario. Each key may carry comment lines,
// written above it (`# ...`): where its value came from. Loading the text
// back (load_string) gives the same scenario; the writer's test holds it to
// that. Not written: `link`, `expect`, `machine.costs` and `loader`, which
// nothing builds in code yet (a scenario using them is refused, not
// silently shortened).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace synsim::scenario {

// Comment lines by key path: "server.backlog", "clients.load.arrival",
// "sysctl.net.ipv4.tcp_abort_on_overflow", "duration"; "" is the file's
// header (above `name:`).
using KeyComments = std::map<std::string, std::vector<std::string>>;

class NotWritable : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// Throws NotWritable for a part of the scenario the writer does not write.
std::string write_yaml(const Scenario& sc, const KeyComments& comments = {});

// "1500ms", "20500us", "7ns", "0": the largest unit that is exact.
std::string exact_duration(Duration d);

}  // namespace synsim::scenario
