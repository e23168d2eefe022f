#include "sim/cli/packetdrill_command.h"

#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/kernel/pkt_player.h"
#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"

namespace synsim::cli {

bool is_packetdrill_script(const std::string& file) { return file.ends_with(".pkt"); }

int run_packetdrill(const RunArgs& args) {
  if (args.format != "text" || !args.sets.empty() || args.out_dir || args.at || args.seeds > 0 || args.connection) {
    std::cerr << args.file
              << ": a packetdrill script takes --kernel and --seed only (its sysctls are in the script; "
                 "its report is text)\n";
    return kExitBadInput;
  }
  auto parsed = packetdrill::parse_file(args.file);
  if (const auto* e = std::get_if<packetdrill::ParseError>(&parsed)) {
    std::cerr << e->message() << '\n';
    return kExitBadInput;
  }
  packetdrill::PlayOptions options;
  if (args.kernel) options.profile = *args.kernel;
  if (args.seed) options.seed = *args.seed;
  auto played = packetdrill::play_on_model(std::get<packetdrill::Script>(parsed), options);
  if (const auto* e = std::get_if<packetdrill::ParseError>(&played)) {
    std::cerr << e->message() << '\n';
    return kExitBadInput;
  }
  const packetdrill::PlayResult& r = std::get<packetdrill::PlayResult>(played);
  std::cout << packetdrill::render(r);
  return r.held ? kExitOk : kExitExpectationFailed;
}

int kernel_packetdrill(const KernelArgs& args) {
  if (args.format != "text" || !args.sets.empty() || args.out_dir || args.host_loopback || args.no_capture ||
      !args.port_range.empty() || args.loader != "auto") {
    std::cerr << args.file
              << ": a packetdrill script takes no options on the kernel (its sysctls are in the script; its report "
                 "is text)\n";
    return kExitBadInput;
  }
  auto parsed = packetdrill::parse_file(args.file);
  if (const auto* e = std::get_if<packetdrill::ParseError>(&parsed)) {
    std::cerr << e->message() << '\n';
    return kExitBadInput;
  }
  auto played = kernel::play_on_kernel(std::get<packetdrill::Script>(parsed), packetdrill::PlayOptions{});
  if (const auto* e = std::get_if<packetdrill::ParseError>(&played)) {
    std::cerr << e->message() << '\n';
    return kExitBadInput;
  }
  // packetdrill's exit codes: a script that cannot run is 2, whatever the reason.
  if (const auto* c = std::get_if<kernel::PktCannotRun>(&played)) {
    std::cerr << args.file << ": this machine cannot play it: " << c->why << '\n';
    return kExitBadInput;
  }
  const packetdrill::PlayResult& r = std::get<packetdrill::PlayResult>(played);
  std::cout << packetdrill::render(r);
  return r.held ? kExitOk : kExitExpectationFailed;
}

int check_packetdrill(const std::string& file) {
  auto parsed = packetdrill::parse_file(file);
  if (const auto* e = std::get_if<packetdrill::ParseError>(&parsed)) {
    std::cerr << e->message() << '\n';
    return kExitBadInput;
  }
  std::cout << file << ": ok\n";
  return kExitOk;
}

}  // namespace synsim::cli
