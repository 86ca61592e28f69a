// Turns a scenario's contracts and markets into the pools the simulator allocates from.
#pragma once

#include <vector>

#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"
#include "fleet/fleet_state.h"
#include "fleet/site_power.h"

namespace gpufleet::fleet {

// One pool per contract (its ramp, zero outside [start, end)), one on-demand pool per market
// with on_demand_gpus > 0 and one spot pool per market with spot_gpus > 0 (constant from 0).
// Order: contracts in scenario order, then each market's on-demand, then spot pools.
// Schedules hold only times >= 0; capacity at time 0 is the first point's. The markets at a
// site with a power cap offer only what the contracts' draw leaves (cap_markets_by_site_power);
// where that limits them, *limits (if given) says so.
std::vector<PoolSpec> build_pools(const Scenario& scenario, const Workload& workload,
                                  std::vector<MarketPowerLimit>* limits = nullptr);

}  // namespace gpufleet::fleet
