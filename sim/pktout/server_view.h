// What the listener saw of a model run, as a packetdrill script's lines: the
// segments its clients sent it (`<`, the scripted remote peers), the segments
// it sent them (`>`, what the kernel must send) and its application's socket
// calls, each at the model's time.
//
// Read first: packetdrill's README ("Script syntax") and
// scenarios/packetdrill/final-ack-dropped-on-full-accept-queue.pkt, the
// 2003 stall's rule in a script written by hand.
//
// One connection is the script's subject: every segment of it, and its
// server application's calls (accept, read, write, close) as the scenario's
// server made them. Each other connection shown (write.h decides which) is
// a further remote peer until accept() takes its child: from then on it is
// the application's, not the listener's, and this script's application
// leaves it alone, so the kernel sends it nothing more and its lines stop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"
#include "sim/scenario/scenario.h"

namespace synsim::pktout {

enum class LineKind : std::uint8_t {
  inbound,   // `<`: a client's segment, injected
  outbound,  // `>`: the server's segment, which the kernel must send
  call,      // the server application's socket call
};

// A segment in the script's numbers: sequence numbers relative to the
// sender's ISN, ack to the receiver's, TS val and ecr counted from 100 on
// each side (the players map ecr onto the local side's clock).
struct ScriptSegment {
  std::uint8_t flags = 0;  // outcome::TcpFlag bits
  std::uint32_t seq = 0;
  std::uint32_t len = 0;
  std::uint32_t ack = 0;
  std::uint16_t win = 0;
  outcome::TcpOptions options;
};

struct ScriptLine {
  Time at{};
  // An outbound line the kernel's timer wheel may move: due anywhere in
  // [at - slack, at + slack] (timer_slack.h). Zero: due at `at`.
  Duration slack{};
  // Written relative to the line before (`+0.000001`): it follows that line
  // within a millisecond, as its consequence (the kernel's answer to a
  // segment or a call, the client's to the kernel's segment, the
  // application woken by a segment), so it is due when that line actually
  // happened, not when the model had it: a player woken late, or a timer
  // the kernel's wheel fired elsewhere in its slack, moves both together.
  bool follows = false;
  LineKind kind = LineKind::call;
  std::uint16_t port = 0;  // the client's port: the remote peer (segments)
  ScriptSegment segment;   // segments
  std::string call;        // calls: "accept(3, ..., ...) = 4"
  std::optional<std::size_t> packet;  // segments: its index in Outcome::packets
  // The model's reasons under this line, in words ("x#1: accept queue full
  // (3/3): ..."), each naming its kernel function.
  std::vector<std::string> notes;
};

// Which connections a script shows.
struct ViewRequest {
  std::size_t subject = 0;           // index into Outcome::connections
  std::vector<std::size_t> further;  // the other connections shown as remote peers
};

struct ServerView {
  std::vector<ScriptLine> lines;
  // What cannot be written (a client port two shown connections share, a
  // connection with no packets): empty when the view is whole.
  std::string cannot;
};

// The lines, in the order the listener met them; they end with the
// subject's last segment or call.
ServerView server_view(const scenario::Scenario& sc, const outcome::Outcome& out, const ViewRequest& req);

// The file descriptor the listener's socket() returns in the script.
inline constexpr int kListenerFd = 3;

}  // namespace synsim::pktout
