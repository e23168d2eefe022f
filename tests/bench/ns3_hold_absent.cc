// Without libns3-dev: the ns-3 benchmark says why it did not run.
#include "tests/bench/ns3_hold.h"

namespace synsim {

double ns3_hold(benchmark::State& state, Ns3Scheduler, std::size_t) {
  state.SkipWithError("ns-3 is not installed: apt-get install libns3-dev (Debian 12: ns-3 3.37), then rebuild");
  return 0;
}

}  // namespace synsim
