// `synsim kernel FILE.pkt`: a packetdrill script played on this machine's
// kernel, as packetdrill plays it. In a private network namespace of its
// own, a TUN device (tun(4)) is the link: the script's socket calls are real
// calls on real sockets (the local side is the real kernel), its `<`
// segments are built and written into the device (the remote peer is the
// script), and what the kernel sends is read from the device and held
// against its `>` lines. The walk through the lines, the matching and the
// report are the model's (sim/packetdrill/local.h): a script means the same
// on both sides.
//
// The namespace: `lo` stays down; the device holds 127.0.0.1 (the local
// side, port 8080 for bind()) with the remote peers at 127.0.0.2,
// point-to-point, MTU 65535 (MSS 65495, loopback's), route_localnet=1
// (wire.h's helpers). A remote peer is the port its lines name
// ("< 40002>8080 S ..."); lines that name none are port 40000's (8080's,
// the port connect() reaches, once the script connects). The script's
// sysctls (and its defaults.sh's) are written in that namespace only; one
// global to the machine is refused unless the host already has its value.
// Nothing else is touched and the namespace vanishes with the run.
//
// Deviations from packetdrill, besides the model player's (play.h): the
// kernel's sockets are non-blocking underneath, and a blocking call is
// played as one that waits for poll() to say it can return (packetdrill
// runs it on a thread); a `>` line the kernel misses is looked for 3 s past
// its time, not 130 s (time is real here).
#pragma once

#include <string>
#include <variant>

#include "sim/packetdrill/parse.h"
#include "sim/packetdrill/play.h"
#include "sim/packetdrill/script.h"

namespace synsim::kernel {

// Why this machine cannot play a script (no namespaces, no TUN, a
// host-global sysctl the host does not have).
struct PktCannotRun {
  std::string why;
};

// Must be called before the process starts other threads when not root
// (it may enter a user namespace first, as the scenario runner does).
std::variant<packetdrill::PlayResult, packetdrill::ParseError, PktCannotRun> play_on_kernel(
    const packetdrill::Script& script, const packetdrill::PlayOptions& options);

}  // namespace synsim::kernel
