// Reading a packetdrill script: text in, a Script or an error with its
// FILE:LINE:COL out (style.md 8: bad input is exit 2, never half-run).
//
// The covered language is what passive and active open need (README
// "packetdrill scripts"). Everything else is refused here, before anything
// runs, with the feature and the line named: TCP Fast Open, ECN and AccECN,
// MPTCP, congestion-control and tcpi_* assertions, Python blocks, UDP and
// ICMP packets, unknown system calls and socket options.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sim/packetdrill/script.h"

namespace synsim::packetdrill {

struct ParseError {
  std::string file;
  Where where;
  std::string what;
  // "FILE:LINE:COL: what"
  std::string message() const;
};

// Reads a file a shell line names (defaults.sh), by its path as the script
// gives it, resolved against the script's directory; nullopt when it cannot.
using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

// `file` names the script in errors; `read` serves the defaults.sh a
// backquoted line runs.
std::variant<Script, ParseError> parse_script(std::string_view text, const std::string& file, const ReadFile& read);

// The script at `path`, and any defaults.sh beside it that it runs.
std::variant<Script, ParseError> parse_file(const std::string& path);

}  // namespace synsim::packetdrill
