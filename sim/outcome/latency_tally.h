// One latency's waits counted by value: (wait, how many), for a stream of
// millions of connections (sim/capture/stream.h) whose waits repeat (a
// capture's times are whole microseconds, a loader's waits cluster), so that
// memory follows the distinct waits, not the connections. The figures are
// those latency_figures() gives of the same waits (latency.h: every wait
// counted, the unfinished ranking last).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/outcome/latency.h"

namespace synsim::outcome {

class LatencyTally {
 public:
  void add_finished(std::int64_t ns) { finished_.add(ns); }
  void add_unfinished(std::int64_t ns) { unfinished_.add(ns); }
  LatencyFigures figures(Latency which);
  // Distinct waits held, and the waits added since the last compaction.
  std::size_t held() const { return finished_.held() + unfinished_.held(); }

 private:
  // Sorted (value, count) runs, and the values added since they were last
  // merged in (merged once they outnumber the runs: amortised n log n).
  class Counted {
   public:
    void add(std::int64_t ns);
    void compact();
    std::uint64_t size() const { return total_; }
    std::uint64_t count_above(std::int64_t bound) const;  // after compact()
    std::int64_t at_rank(std::uint64_t rank) const;        // 1-based, after compact()
    std::size_t held() const { return runs_.size() + pending_.size(); }

   private:
    std::vector<std::pair<std::int64_t, std::uint64_t>> runs_;
    std::vector<std::int64_t> pending_;
    std::uint64_t total_ = 0;
  };
  Counted finished_, unfinished_;
};

}  // namespace synsim::outcome
