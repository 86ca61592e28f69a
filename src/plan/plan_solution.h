// Reads a solution vector back in the inputs' terms: commitments, per-period capacity,
// costs by year and provider, shares and the resilience table.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// Firm capacity (existing + new contracts + on-demand) of each pool in each horizon period,
// in physical GPUs, and the committed part alone.
struct HeldCapacity {
  std::vector<std::vector<double>> committed;  // [pool][period]
  std::vector<std::vector<double>> firm;       // committed + on-demand
  std::vector<std::vector<double>> spot;
};
HeldCapacity held_capacity(const PlanInputs& inputs, const PlanModel& model, const std::vector<double>& x);

// Fills commitments, periods, cost_by_year, cost_by_provider, shares and resilience.
// REQUIRES: x has one value per column of model.lp.
void fill_plan_result(const PlanInputs& inputs, const PlanModel& model, const std::vector<double>& x,
                      PlanResult& result);

}  // namespace gpufleet::plan
