// Marginal values from LP duals: what one more MW at a site, one more GPU of supply, one more
// point of the concentration cap or one more dollar of budget would save, and what one more
// reference GPU of demand would cost. For a MILP plan the block counts are fixed at their
// values and the LP is solved again (the duals of that LP); ramp limits are valued on the LP
// relaxation, where new blocks may still move.
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
