#include "sim/cli/pkt_format.h"

#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/cli/session.h"
#include "sim/pktout/write.h"

namespace synsim::cli {

int run_pkt_format(const RunArgs& args, const scenario::Scenario& sc) {
  if (!args.connection) {
    std::cerr << "--format pkt: name the connection to write with --connection NAME (x#1)\n";
    return kExitBadInput;
  }
  if (args.out_dir || args.seeds > 0 || args.at) {
    std::cerr << "--format pkt: one connection of one run, on stdout (no --out, --seeds or --at)\n";
    return kExitBadInput;
  }
  // Every packet and every connection's record: the script is written
  // from them (full detail, as the timeline is).
  model::RunOptions options;
  options.seed = args.seed;
  const std::optional<outcome::Outcome> out = run_on_model(sc, options, args.file);
  if (!out) return kExitBadInput;
  auto written = pktout::write_script(sc, *out, args.file, *args.connection);
  if (const auto* no = std::get_if<pktout::CannotWrite>(&written)) {
    std::cerr << no->why << '\n';
    return kExitBadInput;
  }
  std::cout << std::get<std::string>(written);
  std::cout.flush();
  return kExitOk;
}

}  // namespace synsim::cli
