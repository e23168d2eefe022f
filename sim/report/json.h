// An outcome as JSON, for notebooks, other tools and `synsim compare`, and
// back again.
//
// Layout (keys in this order, 2-space indent, so the text is deterministic):
//   {"format": "synsim-outcome", "version": 2,
//    "info": {scenario, source, kernel, hz, seed, duration_ns, server_port, events, trace_hash ("%016x"),
//             partial, stopped_at_ns, captured, settings [strings]},
//    "packets": [{time_ns, src_addr, src_port, dst_addr, dst_port, flags ("S."), flag_bits (18),
//                 seq, ack, window, length, options {mss|null, sack_permitted, ts_val|null,
//                 ts_ecr|null, wscale|null, sack [{left, right}]}, connection, from_client}],
//    "annotations": [{packet_index, connection, at_ns|null, reason, text}],
//    "connections": [{name, group, index, client_port, connect_start_ns, connect_done_ns,
//                     first_data_sent_ns, accepted_ns, data_delivered_ns, response_received_ns,
//                     closed_ns, outcome, error, syn_retransmits, synack_retransmits,
//                     data_retransmits, syncookie, stall_ns, explanation [{at_ns|null, reason, text}]}],
//    "counters": {name: value},
//    "queues": [{time_ns, syn_queue, accept_queue}],
//    "accept_queue_limit": N,
//    "latency": {connect|first_byte|total: {started, finished, unfinished, over_1s, ..., p50_ns, ...}}}
// Times are integer nanoseconds since the run's start; null when absent.
// "queues" and "accept_queue_limit" are optional on input (files written
// before they existed read as no samples and limit 0).
//
// A reason (outcome::Reason, sim/outcome/reason.h) is data:
//   {"kind": "synack_retransmit", "function": "reqsk_timer_handler", "a": 1, "flag": true}
// kind, segment ("final_ack"), call ("connect") and outcome ("timed_out") by
// name (outcome::to_string / from_string), never by number; then only the
// fields that differ from a default Reason (segment ack, call socket,
// outcome completed, flag false, a b c d n m 0, text ""): absent means that
// default. "function" (outcome::kernel_function) and "text" (the rendered
// words, reason_text.h) are for human readers and are not read back: an
// outcome written and read again is equal to the original.
//
// Version 1 (written by synsim until 2026-12-05) held the words only: annotations
// {packet_index, connection, text} and explanation [lines]. They still read,
// as saved reasons (report::saved_reason, the legacy fallback): the words as
// they were, not the reason's kind and figures.
#pragma once

#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::report {

std::string render_json(const outcome::Outcome& outcome);

// Reads what render_json() wrote. Throws std::runtime_error naming the field
// ("outcome JSON: packets[3].seq: ..."; an unknown reason kind:
// "annotations[3].reason.kind: unknown reason kind 'x'") on malformed input.
// Derived fields (flags text, stall_ns, latency, a reason's function and
// text) are ignored on input.
outcome::Outcome outcome_from_json(std::string_view text);

}  // namespace synsim::report
