// Site power: a site's power cap (Site::power_cap_mw) bounds everything that can run there at
// one instant. The loader checks the contracts (check_site_power); the markets at the site get
// what power the contracts leave. This is what the planner's power rows say (contracts held
// plus market GPUs used <= cap), so a plan replayed in the simulator draws no more than the
// plan did.
#pragma once

#include <cstdint>
#include <vector>

#include "gpufleet/scenario.h"
#include "fleet/fleet_state.h"

namespace gpufleet::fleet {

// A time from which a site's markets offer fewer GPUs than the scenario says, for power.
struct MarketPowerLimit {
  int site = -1;
  double from_s = 0;             // simulated seconds
  int64_t offered_gpus = 0;      // the markets' GPUs at the site, as written
  int64_t usable_gpus = 0;       // what the power left by the contracts lets run
  double contracts_mw = 0;       // drawn by the contracts in force then (IT x PUE)
};

// Lowers the schedules of the market pools (on-demand and spot) at each capped site so that at
// every instant contracts x board power x PUE plus markets x board power x PUE stay within the
// cap: when the markets do not all fit, each gets the same share of what is left, rounded down
// to whole GPUs. Returns where that changed anything (the first instant of each change),
// in time order per site.
std::vector<MarketPowerLimit> cap_markets_by_site_power(const Scenario& scenario, std::vector<PoolSpec>& pools);

}  // namespace gpufleet::fleet
