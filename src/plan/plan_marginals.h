// Marginal values: what one more (and one less) MW at a site, GPU of market supply, GPU of an
// offer's ramp, point of the provider share cap or dollar of budget would save (cost), and
// what one more (one less) reference GPU of demand would cost (save), in present value.
//
// A unit of demand moves every row it drives: its demand row, the N-1 rows (n1_share x its
// critical share) and the spot-share row. Demand and market supply are valued on the LP with
// the block counts fixed at the plan; the limits on what may be committed (power, ramp, share
// cap, budget) on the LP relaxation, where blocks may still move. Every value is first
// estimated from the duals (which, at a degenerate vertex, price one side only); the largest of
// each kind are then measured exactly, by re-solving the LP with the unit added and removed
// (warm-started), as far as the time allows.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// How many values of each kind are measured by re-solving, the unit in every period (the rest,
// and the values of single periods, keep their dual estimate): the terminal report's four and
// two more.
inline constexpr int kExactMarginalsPerKind = 6;

// REQUIRES: solved has a solution of model.lp (its relaxation session is used when it has
// one). Stops measuring when request.time_limit_s is spent.
Result<std::vector<MarginalValue>> compute_marginals(const PlanInputs& inputs, const PlanModel& model,
                                                     const SolveOutcome& solved, const SolveRequest& request);

}  // namespace gpufleet::plan
