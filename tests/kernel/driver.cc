// A stand-in for `synsim kernel` until the subcommand is wired into
// sim/cli/main.cc: synsim_kernel_driver FILE [--format F] [--out DIR] [--set K=V]...
#include <cstring>
#include <iostream>

#include "sim/cli/kernel_command.h"

int main(int argc, char** argv) {
  synsim::cli::KernelArgs args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--format" || a == "--out" || a == "--set") && i + 1 < argc) {
      const std::string v = argv[++i];
      if (a == "--format") args.format = v;
      if (a == "--out") args.out_dir = v;
      if (a == "--set") args.sets.push_back(v);
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: synsim_kernel_driver FILE [--format text|tcpdump|summary|json] [--out DIR] "
                   "[--set KEY=VALUE]...\n\n"
                << synsim::cli::kernel_command_description() << '\n';
      return 0;
    } else if (args.file.empty()) {
      args.file = a;
    } else {
      std::cerr << "unexpected argument: " << a << '\n';
      return 2;
    }
  }
  if (args.file.empty()) {
    std::cerr << "usage: synsim_kernel_driver FILE [--format ...] [--out DIR] [--set K=V]...\n";
    return 2;
  }
  return synsim::cli::kernel_command(args);
}
