// compare --calibrate's model side: the scenario's machine costs times the
// fitted factor, the scenario's own where it sets them.
#include <gtest/gtest.h>

#include "sim/cli/calibrate_command.h"
#include "sim/model/machine.h"

namespace {

using namespace synsim;

TEST(Calibration, ScalesTheScenariosOwnCostsAndTheMeasuredOthers) {
  scenario::Scenario sc;
  sc.machine.costs.accept = us(40);  // a server whose accept() is slow on the reference machine
  model::CostFit fit;
  fit.scale_per_mille = 2500;
  cli::apply_calibration(sc, fit);
  const model::Costs measured = model::measured_costs();
  EXPECT_EQ(sc.machine.costs.accept, us(100));
  EXPECT_EQ(sc.machine.costs.connect, measured.connect * 5 / 2);
  EXPECT_EQ(sc.machine.costs.softirq_packet, measured.softirq_packet * 5 / 2);
  EXPECT_EQ(sc.machine.costs.serve, measured.serve * 5 / 2);
}

}  // namespace
