// An outcome as JSON, for notebooks, other tools and `synsim compare`, and
// back again.
//
// Layout (keys in this order, 2-space indent, so the text is deterministic):
//   {"format": "synsim-outcome", "version": 2,
//    "info": {scenario, source, kernel, hz, seed, duration_ns, server_port, server_address, events,
//             trace_hash ("%016x"), partial, stopped_at_ns, captured, settings [strings]},
//    "packets": [{time_ns, src_addr, src_port, dst_addr, dst_port, flags ("S."), flag_bits (18),
//                 seq, ack, window, length, options {mss|null, sack_permitted, ts_val|null,
//                 ts_ecr|null, wscale|null, sack [{left, right}]}, connection, from_client}],
//    "annotations": [{packet_index, connection, at_ns|null, reason, text}],
//    "connections": [{name, group, index, client_port, connect_start_ns, connect_done_ns,
//                     first_data_sent_ns, accepted_ns, data_delivered_ns, response_received_ns,
//                     closed_ns, outcome, error, syn_retransmits, synack_retransmits,
//                     data_retransmits, syncookie, stall_ns, explanation [{at_ns|null, reason, text}],
//                     sockets {client [{time_ns, state, recv_q, send_q}],
//                              server [{time_ns, state, accepted, recv_q, send_q}]}}],
//    "counters": {name: value},
//    "queues": [{time_ns, syn_queue, accept_queue}],
//    "accept_queue_limit": N,
//    "expect": [{kind, subject, bound, <stated>, <actual>, missing?, passed, file, line, column,
//                text, actual_text}],
//    "latency": {connect|first_byte|total: {started, finished, unfinished, over_1s, ..., p50_ns, ...}}}
// Times are integer nanoseconds since the run's start; null when absent.
// "queues" and "accept_queue_limit" are optional on input (files written
// before they existed read as no samples and limit 0).
//
// "sockets" is the connection's two sockets as `netstat -tan` lists them
// (outcome::ConnectionSockets, sim/outcome/sockets.h), one sample per
// change, in time order: from time_ns on, the socket is in `state` (the
// netstat name: SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2,
// TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING; CLOSE: gone, no longer listed)
// with Recv-Q recv_q (bytes received, not yet read by the application) and
// Send-Q send_q (bytes written, SYN and FIN included, not yet acked), as
// tcp_diag_get_info() and /proc/net/tcp give them. The server side is the
// request sock (SYN_RECV, 0 and 0), then the child; "accepted" says
// whether accept() has returned it (false: still in the accept queue). A
// TIME_WAIT socket ends TCP_TIMEWAIT_LEN (60 s) later or when a new
// connection takes its port, whichever comes first; a series that ends in
// TIME_WAIT was still there at the run's end. The listener's Recv-Q is
// "queues"' accept_queue. A kernel run holds one sample per socket: what
// sock_diag listed when the run ended (sim/kernel/sock_diag.h; its last
// "queues" sample is the listener's then). Empty when the run did not
// record them (a summary-detail model run, sweeps, a kernel run in wire
// mode); optional on input (files written before it existed read as empty
// series). Like "expect", adding
// it needed no new version: older readers ignore keys they do not know,
// and every key they know is unchanged ("server_address" in "info" too,
// optional on input, 127.0.0.1 when absent).
//
// "expect" holds the scenario's `expect:` judged against this run
// (outcome::Expectation, sim/outcome/expectation.h), one entry per stated
// expectation in the scenario's order; present only when the run was judged
// (`synsim run`, each side of `synsim compare`; not `synsim kernel`), and
// [] when the scenario states none. Each entry is what the scenario states,
// in its own terms, and what the run gave, in the same unit:
//   kind               subject          stated                        actual
//   counter            nstat name       expected (count)              actual (count)
//   stalls             ""               longer_than_ns, expected      actual (count)
//   data_delivered_at  connection       expected_ns, tolerance_ns     actual_ns (time)
//   accepted_at        connection       expected_ns, tolerance_ns     actual_ns (time)
//   stall_quantile     "p99" as written expected_ns (duration)        actual_ns (duration)
//   connection_outcome connection       expected ("completed")        actual ("reset")
// bound: exact, at_least, at_most, or within (times: |actual - expected| <=
// tolerance). The actual value is null when there is none, and "missing"
// says why: never (the connection's event never happened),
// no_such_connection, no_delivered_requests (otherwise absent). passed:
// whether it held. file, line, column: where the scenario states it (the
// file as given to synsim; line 0: built in code). "text" and
// "actual_text" are the words the reports print (report/expect_text.h),
// not read back. Optional on input: a file without "expect" (written before
// the results were saved, or never judged) reads as not judged
// (Outcome::expect empty). Adding it needed no new version: older readers
// ignore keys they do not know, and every key they know is unchanged.
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

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/compare/compare.h"
#include "sim/compare/statistics.h"
#include "sim/outcome/outcome.h"

namespace synsim::report {

std::string render_json(const outcome::Outcome& outcome);

// comparison.json (`synsim compare --out`, `compare --format json`):
// compare's document (compare::render_statistics_json) with each side's
// expect: results added, in the form above: its first run's as
//   "expect": {"model": [...], "kernel": [...]}
// and every run's (compare --runs N), in run order, as
//   "expect_runs": {"model": [{"seed": 42, "results": [...]}, ...],
//                   "kernel": [{"run": 1, "results": [...]}, ...]}
// (a run nobody judged: null).
std::string render_comparison_json(const compare::StatisticalComparison& statistics,
                                   const compare::Comparison* per_connection,
                                   const std::vector<outcome::Outcome>& models,
                                   const std::vector<outcome::Outcome>& kernels);

// `synsim run --seeds N --format json`: the spread of the figures
// (compare::render_spread_json) with each seed's expect: results added, in
// the form above, in the order of "seeds":
//   "expect": [{"seed": 1, "results": [...]}, ...]
// (a run nobody judged: "results": null).
std::string render_spread_json(const std::vector<compare::Spread>& spread, const std::vector<std::uint64_t>& seeds,
                               const std::vector<outcome::Outcome>& runs);

// Reads what render_json() wrote. Throws std::runtime_error naming the field
// ("outcome JSON: packets[3].seq: ..."; an unknown reason kind:
// "annotations[3].reason.kind: unknown reason kind 'x'") on malformed input.
// Derived fields (flags text, stall_ns, latency, a reason's function and
// text) are ignored on input.
outcome::Outcome outcome_from_json(std::string_view text);

}  // namespace synsim::report
