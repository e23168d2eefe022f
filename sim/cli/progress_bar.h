// `[=====>    ] 12/40 runs, 3.2 s` on stderr, redrawn in place, at most ten
// times a second (`synsim sweep`). Wall-clock time is for the person
// waiting; it never reaches the output.
#pragma once

#include <chrono>
#include <cstdint>

namespace synsim::cli {

class ProgressBar {
 public:
  // clear_before_stdout: stdout is the same terminal, so a line written
  // there first erases the bar.
  ProgressBar(bool enabled, bool clear_before_stdout);

  void before_stdout_line();
  void update(std::uint64_t done, std::uint64_t total);
  void finish(std::uint64_t done, std::uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;

  void draw(std::uint64_t done, std::uint64_t total, Clock::time_point now);

  bool enabled_;
  bool clear_before_stdout_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace synsim::cli
