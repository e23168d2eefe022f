// Progress of long work (`synsim sweep`, repeated kernel runs) on stderr.
// On a terminal: `[=====>    ] 12/40 runs, 3.2 s`, redrawn in place at most
// ten times a second. Elsewhere (a pipe, a CI log): a line
// `synsim: 12/40 runs, 3.2 s` every few seconds, so a log shows the work is
// alive without a line per run; work done before the first record prints
// none. Wall-clock time is for the person waiting; it never reaches the
// output.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace synsim::cli {

class ProgressBar {
 public:
  enum class Style {
    off,
    bar,      // stderr is a terminal
    records,  // it is not: a line every `record_every`
  };
  // The style for this process's stderr.
  static Style style_for_stderr();

  // clear_before_stdout: stdout is the same terminal, so a line written
  // there first erases the bar. `out`: where to write (nullptr: stderr,
  // past its escaping, terminal_safe.h). `what`: the unit counted ("runs").
  ProgressBar(Style style, bool clear_before_stdout, std::string what = "runs",
              std::chrono::milliseconds record_every = std::chrono::seconds(5), std::ostream* out = nullptr);

  void before_stdout_line();
  void update(std::uint64_t done, std::uint64_t total);
  void finish(std::uint64_t done, std::uint64_t total);

 private:
  using Clock = std::chrono::steady_clock;

  void draw(std::uint64_t done, std::uint64_t total, Clock::time_point now);
  void record(std::uint64_t done, std::uint64_t total, Clock::time_point now);
  std::ostream& out() const;

  Style style_;
  bool clear_before_stdout_;
  std::string what_;
  std::chrono::milliseconds record_every_;
  std::ostream* out_;
  bool drawn_ = false;
  std::uint64_t recorded_done_ = 0;  // records: `done` of the last one
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace synsim::cli
