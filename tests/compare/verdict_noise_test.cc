// The statistical rule held to what it says of the kernel against itself
// (statistics.h, reports/verdict/README.md): on every saved load kernel run's
// judged figures (reports/verdict/runs.tsv, written by
// `scripts/verdict-noise --write` from reports/load), a run judged as the
// model side against its own experiment's other runs must mostly agree (a
// DISAGREE there is a false alarm), and against another experiment's runs
// mostly not (a catch). The bounds sit a few points outside what the shipped
// rule measured (25%, 12% and 8% false alarms at 1, 2 and 3 kernel runs, 95%
// catches), and fail for a rule either side of it (checked by building with
// kFactor changed): x2 raises 34% / 17% false alarms, x10 catches 84%.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/compare/statistics.h"

namespace synsim::compare {
namespace {

struct SavedRun {
  std::string experiment;
  bool busy = false;
  std::vector<std::int64_t> figures;  // kJudgedFigures values, in Figure order
};

std::vector<SavedRun> saved_runs() {
  std::ifstream in(std::string(SYNSIM_SOURCE_DIR) + "/reports/verdict/runs.tsv");
  EXPECT_TRUE(in) << "reports/verdict/runs.tsv: scripts/verdict-noise --write writes it";
  std::vector<SavedRun> runs;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cells(line);
    std::string cell;
    std::vector<std::string> row;
    while (std::getline(cells, cell, '\t')) row.push_back(cell);
    EXPECT_EQ(row.size(), 3 + kJudgedFigures) << line;
    if (header) {  // the columns are the judged figures, in the verdict's order
      EXPECT_EQ(row[3], "total_>_1s");
      EXPECT_EQ(row.back(), "data_retransmits");
      header = false;
      continue;
    }
    SavedRun r;
    r.experiment = row[0];
    r.busy = row[2] == "1";
    for (std::size_t i = 3; i < row.size(); ++i) {
      const std::int64_t v = std::stoll(row[i]);
      r.figures.push_back(v < 0 ? kUnfinished : v);
    }
    if (!r.busy) runs.push_back(std::move(r));
  }
  return runs;
}

// Whether the rule agrees on every judged figure: `model` as the model's
// one run, `kernel` as the kernel's runs.
bool verdict_agrees(const SavedRun& model, const std::vector<const SavedRun*>& kernel) {
  for (std::size_t f = 0; f < kJudgedFigures; ++f) {
    std::vector<std::int64_t> k;
    for (const SavedRun* r : kernel) k.push_back(r->figures[f]);
    if (!judge_figure(static_cast<Figure>(f), {model.figures[f]}, k).agree) return false;
  }
  return true;
}

using Experiments = std::map<std::string, std::vector<const SavedRun*>>;

Experiments by_experiment(const std::vector<SavedRun>& runs) {
  Experiments e;
  for (const SavedRun& r : runs) e[r.experiment].push_back(&r);
  return e;
}

struct Rate {
  int hits = 0;
  int of = 0;
  int percent() const { return of == 0 ? 0 : 100 * hits / of; }
};

// Calls `each` with every `k`-subset of `runs` (in order), as
// scripts/verdict-noise takes them.
template <typename Each>
void subsets(const std::vector<const SavedRun*>& runs, std::size_t k, std::size_t from,
             std::vector<const SavedRun*>& chosen, Each&& each) {
  if (chosen.size() == k) {
    each(chosen);
    return;
  }
  for (std::size_t i = from; i < runs.size(); ++i) {
    chosen.push_back(runs[i]);
    subsets(runs, k, i + 1, chosen, each);
    chosen.pop_back();
  }
}

// Each run against every `kernel_runs` of its experiment's other runs.
Rate false_alarms(const Experiments& experiments, std::size_t kernel_runs) {
  Rate r;
  for (const auto& [name, runs] : experiments) {
    for (std::size_t m = 0; m < runs.size(); ++m) {
      std::vector<const SavedRun*> others;
      for (std::size_t k = 0; k < runs.size(); ++k) {
        if (k != m) others.push_back(runs[k]);
      }
      std::vector<const SavedRun*> chosen;
      subsets(others, kernel_runs, 0, chosen, [&](const std::vector<const SavedRun*>& kernel) {
        ++r.of;
        r.hits += !verdict_agrees(*runs[m], kernel);
      });
    }
  }
  return r;
}

// The first run of each experiment against the first run of every other.
Rate catches(const Experiments& experiments) {
  Rate r;
  for (const auto& [a, runs_a] : experiments) {
    for (const auto& [b, runs_b] : experiments) {
      if (a == b) continue;
      ++r.of;
      r.hits += !verdict_agrees(*runs_a.front(), {runs_b.front()});
    }
  }
  return r;
}

TEST(VerdictNoise, TheKernelJudgedAgainstItselfMostlyAgreesAndAgainstOtherWorkloadsMostlyNot) {
  const std::vector<SavedRun> runs = saved_runs();
  const Experiments experiments = by_experiment(runs);
  ASSERT_GE(experiments.size(), 60u) << "reports/load's saved experiments";
  const Rate one = false_alarms(experiments, 1);
  const Rate two = false_alarms(experiments, 2);
  const Rate three = false_alarms(experiments, 3);
  const Rate caught = catches(experiments);
  ASSERT_GE(one.of, 300);
  ASSERT_GE(two.of, 150);
  ASSERT_GE(three.of, 40);
  EXPECT_LE(one.percent(), 30) << one.hits << " false alarms of " << one.of << " at 1 kernel run";
  EXPECT_LE(two.percent(), 15) << two.hits << " false alarms of " << two.of << " at 2 kernel runs";
  EXPECT_LE(three.percent(), 10) << three.hits << " false alarms of " << three.of << " at 3 kernel runs";
  EXPECT_GE(caught.percent(), 90) << caught.hits << " catches of " << caught.of;
  // More kernel runs, fewer false alarms: the range of more runs spans more of the kernel's spread.
  EXPECT_LT(two.percent(), one.percent());
  EXPECT_LT(three.percent(), two.percent());
}

}  // namespace
}  // namespace synsim::compare
