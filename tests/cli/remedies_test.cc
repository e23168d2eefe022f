// `synsim explain --remedies`: the scenario a capture implies, played under
// each remedy and ranked by what users see (sim/cli/remedies.h,
// sim/report/remedies.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sim/capture/derive.h"
#include "sim/capture/explain.h"
#include "sim/capture/pcap_file.h"
#include "sim/cli/remedies.h"
#include "sim/model/run.h"
#include "sim/report/pcap.h"
#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::cli {
namespace {

using report::Remedy;
using report::RemedyRow;

// The YAML `explain --scenario` writes for a model run of a shipped scenario.
std::string derived_yaml(const std::string& file) {
  scenario::LoadResult r = scenario::load_file(SYNSIM_SOURCE_DIR "/scenarios/" + file);
  EXPECT_TRUE(r.ok());
  const outcome::Outcome run = model::run(*r.scenario);
  capture::Input in = capture::read_pcap_bytes(report::render_pcap(run), "run.pcap");
  const capture::DerivedScenario d = capture::derive_scenario(capture::explain(in), "derived");
  return scenario::write_yaml(d.scenario, d.comments);
}

const RemedyRow& row(const std::vector<RemedyRow>& rows, Remedy r) {
  return *std::find_if(rows.begin(), rows.end(), [&](const RemedyRow& x) { return x.remedy == r; });
}

RemedyRow made(Remedy r, std::uint64_t over, std::uint64_t errors, std::optional<Duration> p99) {
  RemedyRow x;
  x.remedy = r;
  x.connections = 10;
  x.over_1s = over;
  x.errors = errors;
  x.p99_total.value = p99;
  return x;
}

TEST(RemedyRanking, FewestHurtFirstThenP99UnfinishedLastThenErrors) {
  std::vector<RemedyRow> rows = {made(Remedy::none, 5, 0, sec(3)), made(Remedy::abort_on_overflow, 0, 5, ms(1)),
                                 made(Remedy::larger_backlog, 0, 0, ms(2)), made(Remedy::more_threads, 0, 0, ms(1)),
                                 made(Remedy::syncookies_2, 0, 0, std::nullopt)};
  report::rank_remedies(rows);
  std::vector<Remedy> order;
  for (const RemedyRow& r : rows) order.push_back(r.remedy);
  // abort_on_overflow hurts as many as none (5 reset, 5 over 1 s) with a lower p99.
  EXPECT_EQ(order, (std::vector<Remedy>{Remedy::more_threads, Remedy::larger_backlog, Remedy::syncookies_2,
                                        Remedy::abort_on_overflow, Remedy::none}));
}

// connect-send-delay-under-load's capture: SYNs dropped on a full accept
// queue of 9 under 64 in flight. Room for all of them removes every wait
// over 1 s, and ranks first; resets are errors, not a cure.
TEST(Remedies, ALargerBacklogRemovesTheLoadsStallsAndRanksFirst) {
  const std::vector<RemedyRow> rows = play_remedies(derived_yaml("hypotheses/connect-send-delay-under-load.yaml"),
                                                    "derived.yaml");
  ASSERT_EQ(rows.size(), 10u);
  const RemedyRow& none = row(rows, Remedy::none);
  EXPECT_GT(none.over_1s, 0u);
  EXPECT_EQ(rows.front().remedy, Remedy::larger_backlog) << report::render_remedies_text(rows, "t");
  EXPECT_EQ(rows.front().over_1s + rows.front().errors, 0u);
  EXPECT_GT(rows.front().queue_slots_added, 0);
  EXPECT_TRUE(row(rows, Remedy::accept_until_eagain).same_as_derived);
  EXPECT_TRUE(row(rows, Remedy::syncookies_1).same_as_derived);
  // Its overflows met SYNs and cookies' ACKs: nothing for tcp_abort_on_overflow to reset.
  EXPECT_EQ(row(rows, Remedy::abort_on_overflow).resets, 0u);
}

// The 2003 stall's capture: the application does not accept for 4 s, so
// room in the queue only moves the wait there; the larger backlog leaves
// the connections over 1 s where they were, and ranks as none does.
TEST(Remedies, ALargerBacklogDoesNotHelpAnApplicationThatIsNotAccepting) {
  const std::vector<RemedyRow> rows = play_remedies(derived_yaml("stall/loopback-stall-2003.yaml"), "derived.yaml");
  const RemedyRow& none = row(rows, Remedy::none);
  const RemedyRow& bigger = row(rows, Remedy::larger_backlog);
  EXPECT_GT(none.over_1s, 0u);
  EXPECT_GT(bigger.over_1s, 0u) << report::render_remedies_text(rows, "t");
  // Its final ACKs overflowed: tcp_abort_on_overflow resets them instead.
  EXPECT_GT(row(rows, Remedy::abort_on_overflow).resets, 0u);
}

}  // namespace
}  // namespace synsim::cli
