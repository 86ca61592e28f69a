#include "sched/cost_placement.h"

#include <algorithm>
#include <tuple>

namespace gpufleet::sched {

std::vector<uint32_t> cost_order(const fleet::FleetState& fleet) {
  std::vector<uint32_t> order(fleet.pool_count());
  for (uint32_t p = 0; p < order.size(); ++p) order[p] = p;
  auto key = [&](uint32_t p) {
    const fleet::PoolSpec& s = fleet.pool(p).spec;
    const double price = s.source == CapacitySource::contract ? 0.0 : s.usd_per_gpu_hour;
    return std::make_tuple(static_cast<int>(s.source), price, s.site, p);
  };
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return key(a) < key(b); });
  return order;
}

uint32_t first_fit(const std::vector<uint32_t>& order, const Job& job, const fleet::FleetState& fleet, uint32_t exclude) {
  for (uint32_t p : order) {
    if (p == exclude) continue;
    const fleet::PoolSpec& spec = fleet.pool(p).spec;
    if (pool_allows(spec, job) && fleet.fits(p, job.gpus)) return p;
  }
  return fleet::kNone;
}

uint32_t CostPlacement::choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const {
  return first_fit(order_, job, fleet, exclude);
}

}  // namespace gpufleet::sched
