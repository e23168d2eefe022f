// Model and kernel compared as populations, for load scenarios.
//
// With hundreds of connections, packet-by-packet alignment says nothing
// useful: which connection overflows the accept queue depends on softirq and
// scheduler order that neither side controls, and the machine adds ~100 ms
// of scheduling noise to any time. What a person asks of a load run is
// statistical: how many requests stalled longer than a second, how long the
// tail is, whether the stragglers come through in the kernel's shape (groups
// of backlog+1, one group per lockstep retransmission burst). Those are
// computed here for each side; two counts are judged, the rest is shown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/judge.h"
#include "sim/outcome/outcome.h"

namespace synsim::compare {

// `synsim compare --mode`: auto picks statistical above this many
// connections (per-connection alignment is readable up to about a hundred).
inline constexpr std::uint64_t kStatisticalAboveConnections = 100;
enum class Mode { connections, statistical };
Mode mode_for(std::uint64_t total_connections);

// The judging rule for a count: agree when the larger is within a factor of
// 1.5 of the smaller, or, when both are at most 20, within 10 of each other
// (small counts are dominated by which few connections happen to overflow).
inline constexpr std::int64_t kCountFactorNumerator = 3;    // factor 1.5 = 3/2
inline constexpr std::int64_t kCountFactorDenominator = 2;
inline constexpr std::int64_t kSmallCount = 20;
inline constexpr std::int64_t kSmallCountSlack = 10;
bool counts_agree(std::int64_t model, std::int64_t kernel);
// The rule in words, for every rendering.
std::string count_rule();

struct StatOptions {
  Duration stall_threshold = sec(1);  // the judged stall count: stall > this
  // Above the machine's ~100 ms scheduling noise and the 200 ms minimum RTO
  // less a jiffy: a stall this long waited for a retransmission.
  Duration noise_floor = outcome::kStallThreshold;
  // Stalled deliveries closer than this belong to one straggler group (one
  // retransmission burst admits its group within a few milliseconds).
  Duration group_gap = ms(20);
};

// The counters shown side by side (nstat names); absent means 0.
const std::vector<std::string>& statistical_counters();

struct Quantile {
  std::string name;       // "p50", "p90", "p99", "p99.9", "max"
  int per_mille = 0;      // 500, 900, 990, 999, 1000
  std::optional<Duration> value;  // nullopt: no delivered request
};

// Stalled requests delivered together: one lockstep burst's admissions.
struct StragglerGroup {
  Time delivered{};       // the group's first delivery
  std::int64_t size = 0;
};

struct SideStatistics {
  std::int64_t connections = 0;
  std::int64_t completed = 0;
  std::int64_t reset = 0;
  std::int64_t timed_out = 0;
  std::int64_t refused = 0;
  std::int64_t open_at_end = 0;
  std::int64_t delivered = 0;                 // requests read by the server application
  std::int64_t stalled_over_threshold = 0;    // stall > StatOptions::stall_threshold
  std::int64_t stalled_over_noise_floor = 0;  // stall > StatOptions::noise_floor
  std::vector<Quantile> quantiles;            // nearest rank over delivered requests
  std::int64_t syn_retransmits = 0;
  std::int64_t synack_retransmits = 0;
  std::int64_t data_retransmits = 0;
  // No socket API reveals a cookie, so the kernel runner never knows.
  std::optional<std::int64_t> syncookies;
  std::vector<std::pair<std::string, std::int64_t>> counters;  // statistical_counters(), in that order
  std::vector<StragglerGroup> groups;         // by delivery time
  std::int64_t common_group_size = 0;         // most frequent size (ties: the larger); 0 when no group
  std::int64_t common_group_count = 0;        // how many groups have that size
  std::int64_t accept_queue_limit = 0;        // backlog + 1 (0: unknown)
  std::optional<Duration> longest_tail;       // the largest stall
};

SideStatistics side_statistics(const outcome::Outcome& o, const StatOptions& options);

// Stalled deliveries (stall > noise floor) grouped by delivery time.
std::vector<StragglerGroup> straggler_groups(const outcome::Outcome& o, const StatOptions& options);

struct JudgedCount {
  std::string what;   // "stalled > 1s", "completed"
  std::int64_t model = 0;
  std::int64_t kernel = 0;
  bool agree = false;
};

struct StatisticalComparison {
  outcome::RunInfo model_info;
  outcome::RunInfo kernel_info;
  StatOptions options;
  SideStatistics model;
  SideStatistics kernel;
  std::vector<JudgedCount> judged;
  std::vector<std::string> misses;  // one line per judged count outside the rule
  // Wall-clock time of each run, measured by the command that ran them (not
  // compared; `scripts/load-agreement` reports the speed ratio).
  std::optional<Duration> model_wall;
  std::optional<Duration> kernel_wall;
  bool agree() const { return misses.empty(); }
};

StatisticalComparison compare_statistics(const outcome::Outcome& model, const outcome::Outcome& kernel,
                                         const StatOptions& options = {});

// "model 12 vs kernel 40 stalled > 1s: x3.3, outside x1.5"
std::string miss_line(const JudgedCount& j);

}  // namespace synsim::compare
