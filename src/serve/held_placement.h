// A placement policy that skips held pools: the pools of a site whose backend refuses jobs
// for now (its Slurm controller does not answer, its partition is gone). A job that could
// only go there stays queued (it is not unplaceable: the hold is lifted when the cluster
// takes jobs again); one that may go elsewhere goes elsewhere.
#pragma once

#include <memory>
#include <vector>

#include "sched/placement_policy.h"

namespace gpufleet::serve {

class HeldPlacement final : public sched::PlacementPolicy {
 public:
  // held: by pool, non-zero = held; read under the caller's lock. Must outlive this.
  HeldPlacement(std::unique_ptr<sched::PlacementPolicy> inner, const std::vector<uint8_t>* held)
      : inner_(std::move(inner)), held_(held) {}

  void prepare(const fleet::FleetState& fleet) override { inner_->prepare(fleet); }
  fleet::GpuLayout layout() const override { return inner_->layout(); }
  uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const override {
    const uint32_t p = inner_->choose(job, fleet, exclude);
    if (p == fleet::kNone || !(*held_)[p]) return p;
    // The policy's first choice is held: the next in its order of preference that fits.
    for (uint32_t q : inner_->preference())
      if (q != exclude && !(*held_)[q] && sched::pool_allows(fleet.pool(q).spec, job) && fleet.fits(q, job.gpus)) return q;
    return fleet::kNone;
  }
  const std::vector<uint32_t>& preference() const override { return inner_->preference(); }
  void advance_to(double now_s) override { inner_->advance_to(now_s); }
  bool follows_clock() const override { return inner_->follows_clock(); }
  double flexible_delay(const Job& job, const fleet::FleetState& fleet, double now_s, double slack_s) const override {
    return inner_->flexible_delay(job, fleet, now_s, slack_s);
  }

 private:
  std::unique_ptr<sched::PlacementPolicy> inner_;
  const std::vector<uint8_t>* held_;
};

}  // namespace gpufleet::serve
