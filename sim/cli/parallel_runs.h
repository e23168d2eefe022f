// Independent model runs (the seeds of `run --seeds`, compare's model side)
// on several threads. Each run is a pure function of its scenario and seed,
// so the threads change only when a run finishes, never what it gives: the
// results are kept by index and printed in index order, byte-identical
// whatever the number of jobs.
#pragma once

#include <cstddef>
#include <functional>

namespace synsim::cli {

// Calls run(i) once for every i in [0, n), on `jobs` threads (0: one per
// hardware thread; 1: in the calling thread, in order), and done(k) with
// the number finished so far, from one thread at a time. When a run throws,
// no new run starts, and the exception of the lowest index that threw is
// rethrown once every thread has stopped.
void run_indices(std::size_t n, unsigned jobs, const std::function<void(std::size_t)>& run,
                 const std::function<void(std::size_t)>& done);

// The number of threads `jobs` means (0: one per hardware thread).
unsigned jobs_or_cores(unsigned jobs);

}  // namespace synsim::cli
