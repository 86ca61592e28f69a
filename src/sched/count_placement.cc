#include "sched/count_placement.h"

#include <cassert>

namespace gpufleet::sched {

uint32_t CountPlacement::choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const {
  // fits() under the any_free layout: the pool's free GPUs on active nodes suffice.
  assert(fleet.layout() == fleet::GpuLayout::any_free);
  return first_fit(order_, job, fleet, exclude);
}

}  // namespace gpufleet::sched
