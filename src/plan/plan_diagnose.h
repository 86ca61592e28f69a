// Explains an infeasible plan: solves the elastic model (every limit gets a penalised slack,
// the objective is the weighted slack alone), first as an LP; if the LP needs no slack, the
// culprit is integrality (block sizes, minimum commitments) and the elastic MILP is solved.
// Each slack left positive names a constraint family, a period and the numbers.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"

namespace gpufleet::plan {

// REQUIRES: prepare_plan_inputs(inputs) succeeded. Causes are ordered by family then period;
// at most a few per (family, subject) are spelled out, the rest summed up in one line.
Result<std::vector<InfeasibilityCause>> diagnose_infeasibility(const PlanInputs& inputs, const SolveRequest& request);

}  // namespace gpufleet::plan
