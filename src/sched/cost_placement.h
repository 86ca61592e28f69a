// `cost` placement (the default): the first pool in cost order (cost_order()) where the job
// fits now: committed contract capacity first, then the cheapest on-demand, then spot.
#pragma once

#include "sched/placement_policy.h"

namespace gpufleet::sched {

class CostPlacement final : public PlacementPolicy {
 public:
  void prepare(const fleet::FleetState& fleet) override { order_ = cost_order(fleet); }
  uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const override;
  const std::vector<uint32_t>& preference() const override { return order_; }

 private:
  std::vector<uint32_t> order_;
};

}  // namespace gpufleet::sched
