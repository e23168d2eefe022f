// The scenario's client groups played by a plain epoll loader: what people
// write (or run: wrk, h2load) to load a server. Per loader thread one
// epoll instance, edge-triggered, non-blocking sockets; connect() returns
// EINPROGRESS and the connection is established when the socket turns
// writable with SO_ERROR 0. No Boost.Asio: no handler queue, no timerfd
// per deadline; the loop sleeps in epoll_pwait2() until its next event.
//
// Same rules as the Asio loader (loader.h's header comment: arrivals, send
// at/after, close after the response or on EOF, respond_bytes 0 through
// SIOCOUTQ, close_style rst with SO_LINGER {1, 0}), the same split between
// threads (loader_shares.h), the same record fields and port uses, so that
// `synsim kernel --loader epoll` measures the kernel, not Asio.
//
// Not played (Unsupported, exit 2, rather than approximated):
//   - defer_final_ack (TCP_DEFER_ACCEPT on a client),
//   - close.at (a per-connection close timer),
//   - wire mode (link rules or latency: each client bound to a fixed port).
//
// Internal to sim/kernel; this header does not include Boost.Asio.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario/scenario.h"

namespace synsim::kernel {

// The first thing of `sc` the plain loader does not play, in words ("wire
// mode (...)"), or nullopt when it plays all of it; `wired`: the scenario
// runs in wire mode.
std::optional<std::string> plain_loader_refusal(const scenario::Scenario& sc, bool wired);
// Throws Unsupported with plain_loader_refusal()'s words.
void require_plain_loader_plays(const scenario::Scenario& sc, bool wired);

}  // namespace synsim::kernel
