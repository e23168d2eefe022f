// `synsim explain CAPTURE`: a real capture (pcap, pcapng or tcpdump's text)
// read back as an outcome (sim/capture/explain.h) and rendered as a run's.
#pragma once

#include <optional>
#include <string>

namespace synsim::cli {

struct ExplainArgs {
  std::string file;
  std::optional<std::string> server;  // --server ADDR:PORT
  std::string format = "summary";
  std::optional<std::string> scenario;  // --scenario OUT.yaml: the scenario the capture implies
  bool remedies = false;                 // --remedies: that scenario under each remedy, ranked
  std::optional<std::string> out_dir;    // --out DIR: every rendering, as run --out writes them
};

const char* explain_command_description();
int explain_command(const ExplainArgs& args);

}  // namespace synsim::cli
