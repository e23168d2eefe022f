// Plain-text tables for a terminal or a summary.txt: per-connection records,
// counters under their nstat names, and a run summary combining both.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "sim/outcome/latency.h"
#include "sim/outcome/outcome.h"

namespace synsim::report {

// One row per connection (times in seconds since the run's start, `-` when
// the event never happened), then, for each connection with an explanation,
// a block headed `x#1: stalled 6.658s` (or `x#1: reset (ECONNRESET)`) with
// the explanation's lines indented beneath it.
std::string render_connections(const outcome::Outcome& outcome);

// `NAME  VALUE` per counter, names left-aligned, values right-aligned, as
// nstat lists them; empty when there are no counters.
// Latency as users see it: for connect, first_byte and total, how many waits
// began, finished and did not, how many exceeded 1 s and 3 s, and the
// quantiles (sim/outcome/latency.h).
std::string render_latencies(const outcome::Outcome& outcome);

std::string render_counters(const outcome::Outcome& outcome);

// Run header (scenario, source, kernel, HZ, seed, duration, events, trace
// hash), then the connections table, then the counters, then the
// expectations judged (Outcome::expect, every result, failures first). When
// any failed, a banner naming the failures comes before the header
// ("FAILED: 1 of 2 expectations", expect_text.h).
std::string render_summary(const outcome::Outcome& outcome);
// The same without the banner, for a report that already opens with it
// (`--format text`: the banner, the timeline, then this).
std::string render_summary_without_banner(const outcome::Outcome& outcome);
// The same of a capture explained as a stream (sim/capture/stream.h), which
// keeps only the records the summary shows of its `total` connections, and
// every connection's latencies: the text render_summary() gives of them all.
std::string render_summary(const outcome::Outcome& kept, std::size_t total,
                           const std::array<outcome::LatencyFigures, 3>& latencies);

// A kernel run's machine load, one line: "2 CPUs; other processes took 0.93
// CPU on average during the run: BUSY, ...".
std::string host_load_text(const outcome::HostLoad& host);
// What the applications' threads took (RunInfo::loader_threads,
// server_threads): "the loader's 2 threads ran 262ms on a CPU and waited
// 164ms for one (867 timeslices); the server's ..."; empty where not measured.
std::string threads_text(const outcome::RunInfo& info);

}  // namespace synsim::report
