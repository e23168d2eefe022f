// The remedies people reach for, played on a scenario and ranked by what
// users see (`synsim explain CAPTURE --remedies`): the data of one row per
// remedy, the one ranking, and its renderings (a text table; a section of
// the HTML report). Playing them is the CLI's (sim/cli/remedies.h): this
// layer knows no model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/latency.h"

namespace synsim::report {

enum class Remedy : std::uint8_t {
  none,                  // the scenario as derived: what the capture showed
  larger_backlog,        // listen(fd, N) and net.core.somaxconn both raised
  accept_until_eagain,   // server.accept.per_wakeup 0: accept() until EAGAIN on every wakeup
  more_threads,          // server.threads: more event loops sharing the listener
  abort_on_overflow,     // net.ipv4.tcp_abort_on_overflow = 1
  syncookies_0,          // net.ipv4.tcp_syncookies = 0 / 1 / 2
  syncookies_1,
  syncookies_2,
  connect_send_delay,    // a pause between connect() returning and send()
  connect_timeout,       // connect() gives up sooner: net.ipv4.tcp_syn_retries
};

// One remedy played: what was changed, and what users saw.
struct RemedyRow {
  Remedy remedy = Remedy::none;
  std::vector<std::string> sets;  // the change, as `--set KEY=VALUE` overrides of the scenario
  bool same_as_derived = false;   // the scenario already does this (the sets change nothing)
  // What it changes in resources, for the cost column.
  std::int64_t queue_slots_added = 0;  // accept-queue slots (backlog + 1) over the derived scenario's
  std::uint32_t threads_added = 0;
  std::uint32_t cpus_added = 0;
  Duration delay_added{};
  // What users saw (sim/outcome/latency.h, judge.h).
  std::uint64_t connections = 0;
  std::uint64_t over_1s = 0;  // total latency above 1 s, unfinished ones included
  std::uint64_t errors = 0;   // reset, refused or timed out
  std::uint64_t resets = 0;   // of those, reset
  outcome::LatencyQuantile p99_total;
  outcome::LatencyQuantile max_total;
};

// Best first: fewest users hurt (over 1 s or failed), then the lowest p99
// total latency (unfinished last), then fewest errors; ties keep the order
// given (the cheaper remedies are listed first). The derived scenario's own
// row ranks like any other.
void rank_remedies(std::vector<RemedyRow>& rows);

const char* remedy_name(Remedy r);  // "larger backlog + somaxconn"
std::string remedy_cost(const RemedyRow& row);  // "resets instead of waits: 12 connections see ECONNRESET"

// The table, best first as given, with a line saying how it is ranked.
std::string render_remedies_text(const std::vector<RemedyRow>& rows, const std::string& scenario_name);
// The same as an HTML <section id="remedies">.
std::string render_remedies_html(const std::vector<RemedyRow>& rows);

}  // namespace synsim::report
