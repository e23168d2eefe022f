// An outcome as JSON, for notebooks, other tools and `synsim compare`, and
// back again.
//
// Layout (keys in this order, 2-space indent, so the text is deterministic):
//   {"format": "synsim-outcome", "version": 1,
//    "info": {scenario, source, kernel, hz, seed, duration_ns, server_port, events, trace_hash ("%016x")},
//    "packets": [{time_ns, src_addr, src_port, dst_addr, dst_port, flags ("S."), flag_bits (18),
//                 seq, ack, window, length, options {mss|null, sack_permitted, ts_val|null,
//                 ts_ecr|null, wscale|null, sack [{left, right}]}, connection, from_client}],
//    "annotations": [{packet_index, text}],
//    "connections": [{name, group, index, client_port, connect_start_ns, connect_done_ns,
//                     first_data_sent_ns, accepted_ns, data_delivered_ns, response_received_ns,
//                     closed_ns, outcome, error, syn_retransmits, synack_retransmits,
//                     data_retransmits, syncookie, stall_ns, explanation [lines]}],
//    "counters": {name: value},
//    "queues": [{time_ns, syn_queue, accept_queue}],
//    "accept_queue_limit": N}
// Times are integer nanoseconds since the run's start; null when absent.
// "queues" and "accept_queue_limit" are optional on input (files written
// before they existed read as no samples and limit 0).
// Annotations and explanation lines are reasons in words (reason_text.h);
// read back, they are saved reasons (report::saved_reason): the words as
// they were, not the reason's kind and figures.
#pragma once

#include <string>
#include <string_view>

#include "sim/outcome/outcome.h"

namespace synsim::report {

std::string render_json(const outcome::Outcome& outcome);

// Reads what render_json() wrote. Throws std::runtime_error naming the field
// ("outcome JSON: packets[3].seq: ...") on malformed input. Derived fields
// (flags text, stall_ns) are ignored on input.
outcome::Outcome outcome_from_json(std::string_view text);

}  // namespace synsim::report
