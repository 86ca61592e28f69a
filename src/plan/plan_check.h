// The plan-check pass: verifies a solution against the planning rules recomputed from the
// inputs, independently of the rows the model builder wrote (power per site and period,
// demand met, capacity, spot use, ramp, minimum commitment, share cap, N-1, budget, bounds and
// integrality). Expensive (pools x contracts x periods); run it once per plan.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// Returns one line per violation beyond a relative tolerance of 1e-6; empty = the plan holds.
// `relaxed`: block counts may be fractional (LP relaxation).
std::vector<std::string> check_plan(const PlanInputs& inputs, const PlanModel& model, const std::vector<double>& x,
                                    bool relaxed);

}  // namespace gpufleet::plan
