// How far the kernel may fire a listener's timer from where the model fired
// it: the slack a written script gives a retransmitted SYN-ACK.
//
// The model rounds each timer up on its timer wheel from jiffies 0 at the
// run's start (sim/tcp/jiffies.h); the kernel rounds it up from whatever
// its jiffies were when the script started, so the same timer fires up to
// one granule of its wheel level apart on the two (kernel/time/timer.c
// calc_wheel_index(): a 1 s timer at HZ 250 by up to 32 ms, a 4 s one by up
// to 256 ms). The k-th retransmission is armed when the one before fired
// (reqsk_timer_handler(), net/ipv4/inet_connection_sock.c), so the
// differences add up.
#pragma once

#include <cstdint>

#include "sim/core/time.h"
#include "sim/profile/profile.h"

namespace synsim::pktout {

// The most one timer of `timeout` can fire late on the profile's wheel at
// `hz`, plus one jiffy for where in its tick it was armed.
Duration wheel_lateness(const profile::Profile& prof, std::int64_t hz, Duration timeout);

// The slack of the listener's `number`-th SYN-ACK retransmission (1-based):
// the lateness of every timer before it and its own. Each timeout is
// TCP_TIMEOUT_INIT << (k - 1), capped at TCP_RTO_MAX (reqsk_timeout(),
// include/net/inet_connection_sock.h).
Duration synack_retransmit_slack(const profile::Profile& prof, std::int64_t hz, std::uint32_t number);

}  // namespace synsim::pktout
