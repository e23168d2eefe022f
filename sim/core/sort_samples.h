// Sorting a run's samples (nanosecond waits, counts): an LSD radix sort.
//
// Why not std::sort: a summary sorts every connection's latencies once at
// the end, 1.8 M values a vector for the report's load, and the comparison
// sort of those vectors was 5% of that run's time. Waits are non-negative
// and short next to 2^63 ns, so a radix sort over only the digits their
// maximum uses (11-bit digits: 3 passes for waits under ~8.6 s, 4 under
// ~5 h) does it in a few linear passes. Integers have no identity beyond
// their value, so the result is exactly std::sort's.
#pragma once

#include <cstdint>
#include <vector>

namespace synsim {

// Sorts `v` ascending. Any values are accepted: short vectors and vectors
// holding a negative value go to std::sort.
void sort_samples(std::vector<std::int64_t>& v);

}  // namespace synsim
