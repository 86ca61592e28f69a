// offered_load: the workload's reference GPU-hours against the fleet's, on hand-computed cases.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet::testing {
namespace {

TEST(OfferedLoad, CountsRampsMarketsAndSpeedFactorsOverTheHorizon) {
  // 10 h: the contract holds 16 GPUs for the first 5 h and 32 after (16*5 + 32*5 = 240 GPU-h);
  // a market of 8 on-demand and 8 spot GPUs of an accelerator twice as fast (16 * 10 * 2 = 320).
  Scenario s = one_site_scenario(16, 10 * 3600.0);
  s.contracts[0].ramp.push_back({5 * 3600.0, 32});
  s.accelerators.push_back({"Y", 2000, 80, 1000, 2.0});
  Market m;
  m.site = 0;
  m.accelerator = 1;
  m.on_demand_gpus = 8;
  m.spot_gpus = 8;
  s.markets.push_back(m);
  // 8 GPUs x 100 h + 4 x 50 h = 1,000 GPU-h submitted inside the horizon; the last job after it.
  const Workload w = make_workload({{0, 8, 100 * 3600.0}, {3600, 4, 50 * 3600.0}, {11 * 3600.0, 64, 3600}});
  const OfferedLoad load = offered_load(s, w);
  EXPECT_DOUBLE_EQ(load.span_s, 10 * 3600.0);
  EXPECT_DOUBLE_EQ(load.demand_ref_gpu_hours, 1000);
  EXPECT_DOUBLE_EQ(load.capacity_ref_gpu_hours, 240 + 320);
  EXPECT_DOUBLE_EQ(load.ratio(), 1000.0 / 560);
}

TEST(OfferedLoad, OpenHorizonSpansToTheLastSubmission) {
  Scenario s = one_site_scenario(8, std::numeric_limits<double>::infinity());
  s.contracts[0].end_s = std::numeric_limits<double>::infinity();
  const Workload w = make_workload({{0, 8, 36000}, {7200, 8, 36000}});
  const OfferedLoad load = offered_load(s, w);
  EXPECT_DOUBLE_EQ(load.span_s, 7200);
  EXPECT_DOUBLE_EQ(load.capacity_ref_gpu_hours, 16);
  EXPECT_DOUBLE_EQ(load.demand_ref_gpu_hours, 160);  // every job, the last submission's too
  EXPECT_DOUBLE_EQ(load.ratio(), 10);
}

TEST(OfferedLoad, NoCapacityIsInfiniteLoadAndNoJobsNone) {
  Scenario s = one_site_scenario(0, 3600);
  EXPECT_TRUE(std::isinf(offered_load(s, make_workload({{0, 1, 60}})).ratio()));
  EXPECT_EQ(offered_load(s, make_workload({})).ratio(), 0);
}

}  // namespace
}  // namespace gpufleet::testing
