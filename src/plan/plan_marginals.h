// Marginal values from LP duals: what one more MW at a site, one more GPU of supply, one more
// point of the concentration cap or one more dollar of budget would save, and what one more
// reference GPU of demand would cost. Demand and market supply are valued on the LP with the
// block counts fixed at their MILP values (solved again for its duals); the limits on what may
// be committed (power, ramp, share cap, budget) on the LP relaxation, where blocks may still
// move (with blocks fixed, one more MW could not be used). With --relax both are the same LP.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// REQUIRES: solved has a solution of model.lp. With request.relax the duals of `solved` are used.
Result<std::vector<MarginalValue>> compute_marginals(const PlanInputs& inputs, const PlanModel& model,
                                                     const SolveOutcome& solved, const SolveRequest& request);

}  // namespace gpufleet::plan
