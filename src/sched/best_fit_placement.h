// `best-fit` placement: the allowed pool where the job fits now and leaves the fewest free
// GPUs behind; ties in cost order.
#pragma once

#include "sched/placement_policy.h"

namespace gpufleet::sched {

class BestFitPlacement final : public PlacementPolicy {
 public:
  void prepare(const fleet::FleetState& fleet) override { order_ = cost_order(fleet); }
  uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const override;
  const std::vector<uint32_t>& preference() const override { return order_; }

 private:
  std::vector<uint32_t> order_;
};

}  // namespace gpufleet::sched
