// The local side a packetdrill script plays against: the model's
// tcp::Stack (play.h play_on_model) or this machine's kernel behind a TUN
// device (sim/kernel/pkt_player.h). The walk through the script's lines
// (times, tolerances, matching `>` lines, judging calls: walk.h) is one
// piece of code over this interface, so a script means the same on both
// and both report it the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "sim/packetdrill/script.h"
#include "sim/tcp/segment.h"

namespace synsim::packetdrill {

// The remote peer's ISN (its relative 0), on the model and on the wire alike.
inline constexpr std::uint32_t kPeerIsn = 1000000000u;

// A script's 4-tuple, named by the remote peer's port its lines give
// ("< 40001>8080 S ..."); 0 is the tuple of lines that name no ports. A
// line without ports belongs to the tuple the last line with ports named
// (the default tuple before any did): our rule where packetdrill keeps one
// "live" socket.
using Tuple = std::uint16_t;
inline constexpr Tuple kDefaultTuple = 0;
// The ports the local side's listener binds and a connect() reaches.
inline constexpr std::uint16_t kLocalPort = 8080;

// A segment the local side sent, in the script's terms (relative numbers).
struct Sent {
  Time at;
  tcp::Segment seg;    // as sent (absolute numbers; the peer's ISN is kPeerIsn)
  std::uint32_t seq;   // relative to the local side's ISN on its tuple
  std::uint32_t ack;   // relative to the peer's ISN
  Tuple tuple = kDefaultTuple;
};

// What a socket call returned, or that it blocks.
struct CallOutcome {
  bool blocks = false;
  std::int64_t value = 0;
  std::string errno_name;
  std::optional<std::string> cannot_run;  // this side cannot play the call
  // "= 4", "= -1 EAGAIN"
  std::string text() const { return errno_name.empty() ? "= " + std::to_string(value) : "= -1 " + errno_name; }
};

// A blocking call in progress.
struct PendingCall {
  std::size_t line = 0;
  const SyscallEvent* call = nullptr;
  Time due{};
};

class Local {
 public:
  virtual ~Local() = default;

  // "the model (linux-6.18)", "this machine's kernel (6.18.44)": for the report.
  virtual std::string side() const = 0;
  // Time since the script's start (kTimeZero).
  virtual Time now() const = 0;
  // Lets the local side run up to `until`, stopping as soon as `stop()`
  // holds after something happened. False when it cannot go on; stuck() says why.
  virtual bool run_until(Time until, const std::function<bool()>& stop) = 0;
  virtual std::string stuck() const = 0;
  // How long past a `>` line's due time (or from now, for `*`) the player
  // looks for the segment, to say when it came (a late SYN-ACK
  // retransmission, say). Virtual time costs nothing; real time does.
  virtual Duration late_look() const { return sec(130); }
  // The script's `<` segment, now, on `tuple`; false when it could not be
  // sent (stuck() says why).
  virtual bool inject(const PacketEvent& p, Tuple tuple) = 0;
  // Why an inbound segment on `tuple` cannot be played now, if it cannot.
  virtual std::optional<std::string> refuse_inbound(Tuple) const { return std::nullopt; }

  // The script's socket calls.
  virtual CallOutcome start_call(const SyscallEvent& s) = 0;
  virtual bool call_ready(const PendingCall& p) = 0;
  virtual CallOutcome complete_call(const SyscallEvent& s) = 0;

  // Segments sent and not yet taken by a `>` line.
  bool has_unexpected() const { return taken_ < sent_.size(); }
  const Sent& next_sent() const { return sent_[taken_]; }
  void take_sent() { ++taken_; }
  std::vector<Sent> untaken() const { return {sent_.begin() + static_cast<std::ptrdiff_t>(taken_), sent_.end()}; }

  // A `>` line that states a TS val matched a segment the local side sent
  // with `actual`: an injected ecr of that script value echoes `actual`, as
  // packetdrill maps the script's TS clock onto the kernel's. A peer that
  // echoes an older TSval than the last is then played as written (a client
  // whose ts_recent a retransmitted SYN-ACK did not move: the echo tells
  // the listener the SYN-ACK's retransmission was spurious,
  // tcp_try_undo_spurious_syn(), net/ipv4/tcp_input.c).
  void map_script_ts(Tuple tuple, std::uint32_t script_val, std::uint32_t actual);

 protected:
  // A segment the local side sent at `t` on `tuple`; the tuple's first SYN
  // (or SYN-ACK) fixes its ISN.
  void record(Time t, const tcp::Segment& seg, Tuple tuple);
  std::optional<std::uint32_t> local_isn(Tuple tuple) const;
  // What an injected TS ecr of `script_ecr` echoes on the tuple: the TSval
  // of the `>` line that stated that value (map_script_ts), else the last
  // TSval the local side sent there, as packetdrill maps the script's ecr
  // onto the kernel's clock.
  std::uint32_t local_ts(Tuple tuple, std::uint32_t script_ecr) const;

 private:
  struct TupleSeen {
    std::optional<std::uint32_t> isn;
    std::uint32_t ts = 0;
    std::map<std::uint32_t, std::uint32_t> ts_of_script;  // a `>` line's TS val -> the TSval sent
  };
  std::vector<Sent> sent_;
  std::size_t taken_ = 0;
  std::map<Tuple, TupleSeen> tuples_;
};

// The tuples a script's lines name, in the order first named (the
// default tuple not among them).
std::vector<Tuple> script_tuples(const Script& script);

// Plays the script's lines on `local` into `result` (whose file, side and
// notes the caller may have begun); the error when the script cannot run.
std::optional<ParseError> play_script(const Script& script, const PlayOptions& options, Local& local,
                                      PlayResult& result);

}  // namespace synsim::packetdrill
