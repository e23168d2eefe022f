#include "sim/sweep/execute.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "sim/core/invariant.h"
#include "sim/expect/evaluate.h"
#include "sim/model/run.h"
#include "sim/scenario/load.h"

namespace synsim::sweep {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A problem found while preparing: grid ones are listed by option and
// column, after the others (file, --set), which keep the loader's order.
struct Problem {
  std::size_t option = 0;  // 0: not at a --grid option
  std::size_t column = 0;
  std::string text;
};

// The loader reports a problem in override number L (1-based) at column C of
// its KEY=VALUE text. Overrides after the user's --set ones are the grid's,
// one per axis: report those at the same character of the --grid text.
Problem located(const scenario::Diagnostic& d, const std::vector<std::string>& sets, const SweepPlan& plan,
                const RunPoint& point) {
  if (d.where.file != "--set" || d.where.line <= static_cast<int>(sets.size())) return Problem{0, 0, d.str()};
  const std::size_t axis_no = static_cast<std::size_t>(d.where.line) - sets.size() - 1;
  if (axis_no >= plan.axes().size()) return Problem{0, 0, d.str()};
  const GridAxis& axis = plan.axes()[axis_no];
  const GridValue& value = axis.values[point.value_index[axis_no]];
  const std::size_t column = static_cast<std::size_t>(std::max(d.where.column, 1));
  const std::size_t key_len = axis.key.size();
  std::size_t grid_column = 0;
  if (column <= key_len + 1) {
    grid_column = axis.text.find(axis.key) + column;  // in KEY or at '='
  } else {
    grid_column = value.column + (column - key_len - 2);
  }
  return Problem{axis.option, grid_column, fmt::format("--grid:{}:{}: {}", axis.option, grid_column, d.message)};
}

SweepRecord run_point(const PreparedSweep& sweep, const RunPoint& point) {
  scenario::LoadResult loaded;
  if (sweep.points.empty()) {
    std::vector<std::string> overrides = sweep.sets;
    for (std::string& o : sweep.plan.overrides(point)) overrides.push_back(std::move(o));
    loaded = scenario::load_string(sweep.text, sweep.file, overrides);
    if (!loaded.ok()) {
      throw std::runtime_error(loaded.errors.empty() ? std::string("scenario no longer loads")
                                                     : loaded.errors.front().str());
    }
  }
  // Shared between threads read-only: model::run() takes it by const reference.
  const scenario::Scenario& sc = sweep.points.empty() ? *loaded.scenario : sweep.points.at(point.point);
  model::RunOptions options;
  // Wraps around at 2^64 like any seed arithmetic: still one seed per run.
  options.seed = sc.seed + (point.seed_number - 1);
  options.record_packets = false;
  options.record_sockets = false;
  // A sweep remembers counts and quantiles, which the summary has exactly:
  // records only where an expectation needs them.
  if (!expect::needs_connection_records(sc.expect)) options.detail = model::RunOptions::Detail::summary;
  const outcome::Outcome out = model::run(sc, options);

  SweepRecord r;
  r.sweep = sc.name;
  r.index = point.index;
  r.params = sweep.plan.params(point);
  r.seed = *options.seed;
  r.summary = summarize(out, expect::evaluate(sc.expect, out), options.stall_threshold);
  r.events = out.info.events;
  return r;
}

std::string describe_run(const PreparedSweep& sweep, const RunPoint& point, const scenario::Scenario* sc) {
  std::string params;
  for (const auto& [k, v] : sweep.plan.params(point)) params += fmt::format(" --set {}={}", k, v);
  const std::string seed = sc != nullptr ? std::to_string(sc->seed + point.seed_number - 1)
                                         : fmt::format("seed number {}", point.seed_number);
  return fmt::format("run {} ({}{} --seed {})", point.index, sweep.file, params, seed);
}

// One run, its failure captured as data for the writer to report in order.
struct Slot {
  std::optional<SweepRecord> record;
  std::optional<RunFailure> failure;
};

Slot run_slot(const PreparedSweep& sweep, std::uint64_t index, const ExecuteOptions& options) {
  const RunPoint point = sweep.plan.run_at(index);
  Slot slot;
  auto fail = [&](RunFailure::Kind kind, const std::string& what) {
    std::vector<std::string> overrides = sweep.sets;
    for (std::string& o : sweep.plan.overrides(point)) overrides.push_back(std::move(o));
    const scenario::LoadResult loaded = scenario::load_string(sweep.text, sweep.file, overrides);
    const scenario::Scenario* sc = loaded.ok() ? &*loaded.scenario : nullptr;
    slot.failure = RunFailure{kind, index, describe_run(sweep, point, sc) + ": " + what};
  };
  try {
    slot.record = options.run ? options.run(sweep, point) : run_point(sweep, point);
  } catch (const model::Unsupported& e) {
    fail(RunFailure::Kind::bad_input, e.what());
  } catch (const InvariantViolation& e) {
    fail(RunFailure::Kind::invariant, e.report());
  } catch (const std::runtime_error& e) {
    fail(RunFailure::Kind::bad_input, e.what());
  } catch (const std::exception& e) {
    fail(RunFailure::Kind::internal, e.what());
  } catch (...) {
    fail(RunFailure::Kind::internal, "unknown exception");
  }
  return slot;
}

}  // namespace

Preparation prepare_sweep(const std::string& file, const std::vector<std::string>& sets, SweepPlan plan) {
  Preparation result;
  std::vector<Problem> problems;
  std::set<std::string, std::less<>> seen;
  auto add = [&](Problem p) {
    if (seen.insert(p.text).second) problems.push_back(std::move(p));
  };
  auto finish = [&]() -> Preparation {
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.option, a.column) < std::pair(b.option, b.column);
    });
    for (Problem& p : problems) result.errors.push_back(std::move(p.text));
    return std::move(result);
  };
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const std::string_view key = trim(std::string_view(sets[i]).substr(0, sets[i].find('=')));
    for (const GridAxis& axis : plan.axes()) {
      if (axis.key == key) {
        const std::size_t column = axis.text.find(axis.key) + 1;
        add(Problem{axis.option, column,
                    fmt::format("--grid:{}:{}: KEY {} is swept here and also set by --set {}", axis.option, column,
                                axis.key, i + 1)});
      }
    }
  }
  if (!problems.empty()) return finish();

  // Every point is loaded, so a value that breaks a limit only together with
  // another axis's value is found too, before anything runs.
  std::optional<std::string> text;
  const bool keep = plan.point_count() <= kKeepLoadedPoints;
  std::vector<scenario::Scenario> points;
  for (std::uint64_t p = 0; p < plan.point_count(); ++p) {
    const RunPoint point = plan.first_run_of_point(p);
    std::vector<std::string> overrides = sets;
    for (std::string& o : plan.overrides(point)) overrides.push_back(std::move(o));
    scenario::LoadResult loaded =
        text ? scenario::load_string(*text, file, overrides) : scenario::load_file(file, overrides);
    for (const scenario::Diagnostic& d : loaded.errors) {
      add(located(d, sets, plan, point));
      if (d.where.line == 0 && d.where.file == file) return finish();  // cannot read the file
    }
    if (loaded.ok() && !text) text = loaded.scenario->source_text;
    if (loaded.ok() && keep && problems.empty()) points.push_back(std::move(*loaded.scenario));
  }
  if (!problems.empty() || !text) return finish();
  result.sweep = PreparedSweep{file, std::move(*text), sets, std::move(plan), std::move(points)};
  return result;
}

SweepRecord run_sweep_point(const PreparedSweep& sweep, const RunPoint& point) { return run_point(sweep, point); }

namespace {

// A finished run handed to the caller's callbacks, in run-index order; its
// failure instead, if it failed.
std::optional<RunFailure> hand_over(Slot& slot, std::size_t done, std::size_t n, const ExecuteOptions& options) {
  if (slot.failure) return std::move(slot.failure);
  if (options.on_record) options.on_record(*slot.record);
  if (options.on_progress) options.on_progress(done, n);
  return std::nullopt;
}

// What the workers and the writer share (execute_in_parallel).
struct Handoff {
  Handoff(std::size_t n, std::size_t ahead) : window(ahead), stop_at(n) {}

  std::mutex mutex;
  std::condition_variable ready_cv;  // a slot finished
  std::condition_variable room_cv;   // the writer moved on, or the sweep stops
  const std::size_t window;
  std::size_t next_take = 0;
  std::size_t next_write = 0;
  std::size_t stop_at;
  std::map<std::size_t, Slot> finished;
};

// A worker: takes the next position while it is within the window, runs
// it, leaves the slot for the writer.
void work(Handoff& h, const PreparedSweep& sweep, const std::vector<std::uint64_t>& runs,
          const ExecuteOptions& options) {
  for (;;) {
    std::size_t pos = 0;
    {
      std::unique_lock lock(h.mutex);
      h.room_cv.wait(lock, [&] { return h.next_take >= h.stop_at || h.next_take < h.next_write + h.window; });
      if (h.next_take >= h.stop_at) return;
      pos = h.next_take++;
    }
    Slot slot = run_slot(sweep, runs[pos], options);
    {
      std::lock_guard lock(h.mutex);
      if (slot.failure) h.stop_at = std::min(h.stop_at, pos + 1);
      h.finished.emplace(pos, std::move(slot));
    }
    h.ready_cv.notify_one();
    h.room_cv.notify_all();
  }
}

// The writer: waits for position `pos` to finish and takes its slot.
Slot take_finished(Handoff& h, std::size_t pos) {
  Slot slot;
  {
    std::unique_lock lock(h.mutex);
    h.ready_cv.wait(lock, [&] { return h.finished.contains(pos); });
    auto it = h.finished.find(pos);
    slot = std::move(it->second);
    h.finished.erase(it);
    h.next_write = pos + 1;
  }
  h.room_cv.notify_all();
  return slot;
}

// Workers take positions in order; the calling thread hands records over
// in order. A worker does not run further ahead than `window` positions of
// the writer, so memory stays bounded behind one slow run. After a failure
// at position f, no position after f is taken.
std::optional<RunFailure> execute_in_parallel(const PreparedSweep& sweep, const std::vector<std::uint64_t>& runs,
                                              std::size_t jobs, const ExecuteOptions& options) {
  const std::size_t n = runs.size();
  Handoff h(n, 4 * jobs);
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (std::size_t j = 0; j < jobs; ++j) threads.emplace_back([&] { work(h, sweep, runs, options); });

  std::optional<RunFailure> failure;
  std::exception_ptr thrown;
  for (std::size_t pos = 0; pos < n && !failure; ++pos) {
    Slot slot = take_finished(h, pos);
    try {
      failure = hand_over(slot, pos + 1, n, options);
    } catch (...) {
      thrown = std::current_exception();  // from a callback: stop, join, then rethrow
      break;
    }
  }
  {
    std::lock_guard lock(h.mutex);
    h.stop_at = 0;  // the writer is done (or failed): take nothing more
  }
  h.room_cv.notify_all();
  for (std::thread& t : threads) t.join();
  if (thrown) std::rethrow_exception(thrown);
  return failure;
}

}  // namespace

std::optional<RunFailure> execute_sweep(const PreparedSweep& sweep, const ExecuteOptions& options) {
  const std::vector<std::uint64_t> runs = sweep.plan.shard_runs();
  const std::size_t n = runs.size();
  const std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, std::max<std::size_t>(n, 1));
  if (jobs > 1) return execute_in_parallel(sweep, runs, jobs, options);
  for (std::size_t pos = 0; pos < n; ++pos) {
    Slot slot = run_slot(sweep, runs[pos], options);
    if (std::optional<RunFailure> f = hand_over(slot, pos + 1, n, options)) return f;
  }
  return std::nullopt;
}

}  // namespace synsim::sweep
