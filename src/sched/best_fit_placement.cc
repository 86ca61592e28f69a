#include "sched/best_fit_placement.h"

namespace gpufleet::sched {

uint32_t BestFitPlacement::choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const {
  uint32_t best = fleet::kNone;
  int64_t best_left = 0;
  for (uint32_t p : order_) {
    if (p == exclude) continue;
    const fleet::Pool& pool = fleet.pool(p);
    if (!pool_allows(pool.spec, job) || !fleet.fits(p, job.gpus)) continue;
    const int64_t left = pool.free_gpus - fleet.gpus_taken(p, job.gpus);
    if (best == fleet::kNone || left < best_left) {
      best = p;
      best_left = left;
    }
  }
  return best;
}

}  // namespace gpufleet::sched
