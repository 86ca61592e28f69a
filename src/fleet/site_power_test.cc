#include "fleet/site_power.h"

#include <gtest/gtest.h>

#include "fleet/pool_builder.h"
#include "sim/sim_test_fixtures.h"

namespace gpufleet::fleet {
namespace {

// The one-site scenario (PUE 1, an accelerator of 1,000 W: 1 kW a GPU) capped at 1 MW: a contract of 600 GPUs that
// grows to 900 at t = 1,000 s, and a market offering 500 on-demand and 500 spot GPUs.
Scenario capped_site() {
  Scenario s = testing::one_site_scenario(600, 10000);
  s.sites[0].power_cap_mw = 1.0;
  s.contracts[0].ramp = {{0, 600}, {1000, 900}};
  s.contracts[0].end_s = 5000;
  Market m;
  m.site = 0;
  m.accelerator = 0;
  m.on_demand_usd_per_gpu_hour = 3;
  m.on_demand_gpus = 500;
  m.spot_usd_per_gpu_hour = 1.5;
  m.spot_gpus = 500;
  s.markets.push_back(m);
  return s;
}

std::vector<CapacityPoint> points(std::initializer_list<std::pair<double, int64_t>> l) {
  std::vector<CapacityPoint> out;
  for (auto [t, g] : l) out.push_back({t, g});
  return out;
}

void expect_schedule(const PoolSpec& pool, const std::vector<CapacityPoint>& want) {
  ASSERT_EQ(pool.schedule.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(pool.schedule[i].time_s, want[i].time_s) << i;
    EXPECT_EQ(pool.schedule[i].gpus, want[i].gpus) << i;
  }
}

// The markets get the power the contract leaves, shared alike: 400 kW then 100 kW, then the
// whole site once the contract ends.
TEST(SitePower, MarketsGetThePowerTheContractsLeave) {
  const Scenario s = capped_site();
  Workload w;
  w.jurisdictions = {"", "US"};
  std::vector<MarketPowerLimit> limits;
  const auto pools = build_pools(s, w, &limits);
  ASSERT_EQ(pools.size(), 3u);
  expect_schedule(pools[1], points({{0, 200}, {1000, 50}, {5000, 500}}));  // on-demand
  expect_schedule(pools[2], points({{0, 200}, {1000, 50}, {5000, 500}}));  // spot
  ASSERT_EQ(limits.size(), 2u);
  EXPECT_EQ(limits[0].from_s, 0);
  EXPECT_EQ(limits[0].offered_gpus, 1000);
  EXPECT_EQ(limits[0].usable_gpus, 400);
  EXPECT_NEAR(limits[0].contracts_mw, 0.6, 1e-12);
  EXPECT_EQ(limits[1].from_s, 1000);
  EXPECT_EQ(limits[1].usable_gpus, 100);
}

// Whole GPUs, rounded down: the draw never passes the cap. Uncapped sites are untouched.
TEST(SitePower, SharesRoundDownAndUncappedSitesKeepTheirMarkets) {
  Scenario s = capped_site();
  s.contracts[0].ramp = {{0, 601}};  // 399 kW left for 1,000 GPUs offered: 199 + 199
  Workload w;
  w.jurisdictions = {"", "US"};
  auto pools = build_pools(s, w);
  EXPECT_EQ(pools[1].schedule.front().gpus + pools[2].schedule.front().gpus, 398);
  s.sites[0].power_cap_mw = 0;  // no cap
  pools = build_pools(s, w);
  expect_schedule(pools[1], points({{0, 500}}));
  expect_schedule(pools[2], points({{0, 500}}));
}

}  // namespace
}  // namespace gpufleet::fleet
