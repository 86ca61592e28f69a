// What a pool draws from the grid, the one definition the energy account (MWh, carbon) and the
// bill (electricity) share, and the planner's too (a held GPU at idle_power_share of board
// power, a busy one at board power, both x the site's PUE).
//
// Held GPUs are those paid for and powered: a contract's GPUs in service (whether jobs use them
// or not; failed and outaged nodes draw nothing), a market's GPUs allocated to jobs (rented only
// while allocated). Of those, the GPUs jobs asked for (used_gpus) draw board power; the rest
// (idle contract GPUs, the unasked part of a gang job's last node) the idle share of it.
#pragma once

#include <algorithm>
#include <vector>

#include "sim/observer.h"

namespace gpufleet::sim {

inline constexpr double kJoulesPerMwh = 3.6e9;

class PoolPower {
 public:
  explicit PoolPower(const SimContext& ctx) {
    for (uint32_t p = 0; p < ctx.fleet.pool_count(); ++p) {
      const PoolSpec& s = ctx.fleet.pool(p).spec;
      const Accelerator& a = ctx.scenario.accelerators[static_cast<size_t>(s.accelerator)];
      const double wall = a.board_power_w * ctx.scenario.sites[static_cast<size_t>(s.site)].pue;
      busy_w_.push_back(wall);
      idle_w_.push_back(wall * a.idle_power_share);
    }
  }

  static double held_gpus(const Pool& pool) {
    return static_cast<double>(pool.spec.source == CapacitySource::contract ? pool.in_service_gpus : pool.busy_gpus);
  }

  // Watts at the wall pool p draws at its current levels.
  double watts(uint32_t p, const Pool& pool) const {
    const double used = static_cast<double>(pool.used_gpus);
    const double idle = std::max(0.0, held_gpus(pool) - used);
    return used * busy_w_[p] + idle * idle_w_[p];
  }

 private:
  std::vector<double> busy_w_;  // per pool: board power x PUE, W per GPU in use
  std::vector<double> idle_w_;  // per pool: that x idle_power_share, W per held idle GPU
};

}  // namespace gpufleet::sim
