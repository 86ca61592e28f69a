// The stochastic plan's first whole-block plan: the deterministic plan's commitments.
//
// The stochastic model keeps the forecast's limits (power, ramps, minimums, share cap, N-1,
// budget) and lets the forecast's demand go unmet, so every deterministic plan is one of its
// plans. Its LP relaxation, priced by the futures, sits against the share cap and N-1 at once,
// where the dive and the roundings of plan_rounding.h often find no whole-block plan; this one
// gives the search a plan to improve within seconds.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"
#include "plan/lp_model.h"

namespace gpufleet::plan {

// The deterministic plan of `inputs` (solved with `request`'s limits, its own roundings) as
// values of `target`'s integer columns, matched by column name; NaN for every other column.
// Empty when the deterministic plan found no whole-block plan in time.
std::vector<double> deterministic_start(const PlanInputs& inputs, const LpModel& target, const SolveRequest& request);

// A rounding that ignores the LP and offers `start` (from deterministic_start): the LP's values
// with every integer column `start` names replaced.
SolveRequest::Rounding start_rounding(std::vector<double> start);

}  // namespace gpufleet::plan
