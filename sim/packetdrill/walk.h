// The walk through a script's lines on a local side (local.h): the model or
// the kernel, the same walk (play.cc). Internal.
#pragma once

#include <optional>
#include <string>

#include "sim/packetdrill/local.h"
#include "sim/packetdrill/play.h"

namespace synsim::packetdrill::detail {

class Walk {
 public:
  Walk(const Script& s, const PlayOptions& o, Local& l, PlayResult& r) : script(s), options(o), peer(l), result(r) {}
  // Plays line i; false when the run ends there (a failure, or it cannot run).
  bool line(std::size_t i);
  // After the last line.
  bool finish();

  std::optional<ParseError> cannot_run;
  std::optional<std::size_t> failed_line;

 private:
  void due(std::size_t i, const Event& e, LineResult& line);
  Time when(const LineResult& line) const;
  bool on_time(const Event& e, const LineResult& line, Duration actual) const;
  bool advance(Time t);
  bool fail_now(std::string problem);
  bool settle();
  bool no_strays();
  bool inbound(const Event& e, const PacketEvent& p, LineResult& line);
  bool outbound(const Event& e, const PacketEvent& p, LineResult& line);
  bool syscall(const Event& e, const SyscallEvent& s, LineResult& line);
  bool judge_call(LineResult& line, const SyscallEvent& s, const CallOutcome& out);
  bool finish_pending();

  const Script& script;
  const PlayOptions& options;
  Local& peer;
  PlayResult& result;
  std::optional<PendingCall> pending;
  std::size_t current = 0;
  Duration last_script_time{};
  Tuple tuple = kDefaultTuple;  // the 4-tuple of lines without ports (local.h)
};

}  // namespace synsim::packetdrill::detail
