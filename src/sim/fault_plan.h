// What can interrupt jobs in one run, resolved against the fleet's pools: the node failure
// and spot models, outage windows (scheduled ones as given, random ones drawn once up front
// from one stream per outage entry) and the replayed fault trace.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/faults.h"
#include "gpufleet/scenario.h"
#include "sim/fleet_types.h"

namespace gpufleet::sim {

struct OutageWindow {
  std::string name;
  double start_s = 0;
  double end_s = 0;
  std::vector<uint32_t> pools;  // every pool of the site, or of the provider's sites
};

struct FaultPlan {
  double failures_per_gpu_hour = 0;   // 0: no node failures from the rate model
  double repair_median_s = 0;
  double repair_sigma = 0;
  bool spot = false;                  // spot pools are reclaimed at their market's rate
  std::vector<double> spot_per_node_hour;  // per pool (0 for non-spot pools)
  double spot_return_s = 3600;
  std::vector<OutageWindow> outages;  // sorted by start
  const FaultTrace* trace = nullptr;  // not owned; may be null
  double restart_overhead_s = 0;
};

// REQUIRES: pools are those the simulator will build (build_pools order); horizon_s > 0.
// Random outages start before horizon_s (finite; callers pass a bound for open horizons).
FaultPlan make_fault_plan(const Scenario& scenario, const std::vector<PoolSpec>& pools, double horizon_s,
                          const FaultTrace* trace);

// Stream labels of the random sources (Rng::derived(seed, label)): one per source and pool or
// outage entry, so that switching one source off leaves every other source's draws unchanged.
inline constexpr uint64_t kStreamNodeFailure = 0x6661696c00000000ULL;  // + pool
inline constexpr uint64_t kStreamSpot = 0x73706f7400000000ULL;         // + pool
inline constexpr uint64_t kStreamOutage = 0x6f75746100000000ULL;       // + outage entry

}  // namespace gpufleet::sim
