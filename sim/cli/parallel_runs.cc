#include "sim/cli/parallel_runs.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace synsim::cli {

unsigned jobs_or_cores(unsigned jobs) { return jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs; }

void run_indices(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& run,
                 const std::function<void(std::size_t)>& done) {
  const std::size_t threads = std::min<std::size_t>(jobs_or_cores(jobs), n);
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      run(i);
      done(i + 1);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::exception_ptr> errors(n);
  std::mutex mu;  // done() is called from one thread at a time
  std::size_t finished = 0;
  auto worker = [&] {
    for (std::size_t i = next++; i < n && !failed; i = next++) {
      try {
        run(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
        return;
      }
      const std::lock_guard<std::mutex> lock(mu);
      done(++finished);
    }
  };
  {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  }
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace synsim::cli
