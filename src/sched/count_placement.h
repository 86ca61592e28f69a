// `count` placement, as the Tiresias simulator's `count` scheme: a job takes any free GPUs of
// one pool, regardless of node boundaries (fleet::GpuLayout::any_free: a 16-GPU job starts
// while 23 GPUs are free on nodes of 8 even when no two nodes are wholly free). Pools are
// tried in cost order (contracts, then on-demand and spot by price); the first allowed one
// with enough free GPUs is chosen. A job never spans pools: a pool is the unit of price,
// speed and accounting (Tiresias models one cluster, one pool in these terms).
#pragma once

#include "sched/placement_policy.h"

namespace gpufleet::sched {

class CountPlacement final : public PlacementPolicy {
 public:
  void prepare(const fleet::FleetState& fleet) override { order_ = cost_order(fleet); }
  fleet::GpuLayout layout() const override { return fleet::GpuLayout::any_free; }
  uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const override;
  const std::vector<uint32_t>& preference() const override { return order_; }

 private:
  std::vector<uint32_t> order_;
};

}  // namespace gpufleet::sched
