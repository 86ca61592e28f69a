// `carbon` placement: among the allowed pools where the job fits now, the one whose work emits
// the least CO2 this hour: grid intensity of its site at the current hour (hourly series or
// constant) x PUE x board power / speed factor (grams per unit of reference work); ties in cost
// order. A job marked flexible (flexible_slack) may be held back up to its slack, to the
// hour within it when the cleanest pool it may use is cleanest (whole hours from now).
#pragma once

#include <cstdint>
#include <vector>

#include "gpufleet/scenario.h"
#include "sched/placement_policy.h"

namespace gpufleet::sched {

class CarbonPlacement final : public PlacementPolicy {
 public:
  explicit CarbonPlacement(const Scenario& scenario) : scenario_(scenario) {}
  void prepare(const fleet::FleetState& fleet) override;
  void advance_to(double now_s) override;
  bool follows_clock() const override { return true; }
  uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const override;
  const std::vector<uint32_t>& preference() const override { return order_; }
  double flexible_delay(const Job& job, const fleet::FleetState& fleet, double now_s, double slack_s) const override;

 private:
  // Grams of CO2 per GPU-hour of reference work in pool p during hour h.
  double grams(uint32_t p, int64_t hour) const;

  const Scenario& scenario_;
  std::vector<uint32_t> cost_order_;
  std::vector<uint32_t> rank_in_cost_order_;
  std::vector<uint32_t> order_;  // by grams this hour, then cost order
  std::vector<double> watts_per_work_;  // per pool: board W x PUE / speed
  std::vector<int> site_;
  int64_t hour_ = -1;
};

}  // namespace gpufleet::sched
