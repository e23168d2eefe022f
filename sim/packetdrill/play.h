// Playing a packetdrill script on the model: the scripted remote peer.
//
// The local side is one tcp::Stack (the model's kernel, its rules
// unchanged); the script's socket calls are made on it, its `<` segments
// are injected into it exactly as written (Stack::receive, as tcp_v4_rcv
// would take them off a TUN device), and what it sends is recorded where
// tcpdump would see it and held against the script's `>` lines. Time is
// virtual: a 63 s SYN-ACK expiry plays in microseconds.
//
// packetdrill's rules (run.c, run_packet.c, run_system_call.c):
//   - A relative time (+) counts from the previous event's actual time, or
//     from the previous event's script time when both are inbound segments.
//   - An event is on time within its tolerance of its script time (or its
//     range widened by it): max(4 ms, 12.5% of the time since the previous
//     event), as verify_time() computes it; `*` is any time.
//   - Sequence numbers are relative: the peer's from its own ISN, the
//     kernel's from its SYN or SYN-ACK.
//   - The first failing line ends the run; the lines after it are not run.
// Deviations (each printed as a note when a script meets it):
//   - A `>` line without an option list does not check options (packetdrill
//     expects none); TS val and ecr are not compared, only TS's presence.
//   - Several remote peers (4-tuples) are named by their ports
//     ("< 40001>8080 S ..."); a line without ports belongs to the tuple the
//     last line with ports named (local.h Tuple). One listener, or one
//     connecting socket, per script.
// The walk through the lines is shared with the kernel's player
// (local.h, sim/kernel/pkt_player.h).
//   - Stray segments the stack sends before the script's next inbound
//     segment or call fail the line (packetdrill notices them only at the
//     next `>`); those after the last line are listed, not judged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/time.h"
#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/script.h"

namespace synsim::packetdrill {

struct PlayOptions {
  std::string profile = "linux-6.18";   // the kernel profile the model follows
  std::uint64_t seed = 1;
  Duration tolerance = us(4000);        // packetdrill's --tolerance_usecs default
  // packetdrill's --tolerance_percent (default 12.5: the timer wheel's worst
  // case since v4.8), in tenths of a percent: an event `delta` after the
  // previous one is on time within max(tolerance, delta * this / 1000).
  std::int64_t tolerance_permille = 125;
};

enum class LineStatus : std::uint8_t { ok, failed, not_run };

struct LineResult {
  Where where;
  std::string text;          // the script's line
  LineStatus status = LineStatus::not_run;
  std::optional<Duration> expected_from;  // when the line was due (from the run's start)
  std::optional<Duration> expected_to;    // == expected_from unless a range
  Duration tolerance{};
  std::optional<Duration> actual;         // when it happened
  std::string actual_text;                // what happened (a segment, a result), when it differs or matters
  std::string problem;                    // why it failed
};

struct PlayResult {
  std::string file;
  std::string profile;   // the model's profile ("" on the kernel)
  std::string side;      // where it ran: "the model (linux-6.18)", "this machine's kernel (6.18.44)"
  bool held = false;
  std::vector<LineResult> lines;
  std::vector<std::string> notes;   // skipped shell commands, ignored sysctls, deviations met
  std::vector<std::string> after;   // segments the stack sent after the last line
};

// nullopt-free: either the run's result, or why it cannot run (exit 2).
std::variant<PlayResult, ParseError> play_on_model(const Script& script, const PlayOptions& options);

// packetdrill-style report: one line per script line (its result, expected
// and actual time, tolerance, the line), the failure's detail, the notes.
std::string render(const PlayResult& r);

}  // namespace synsim::packetdrill
