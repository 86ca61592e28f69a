// First plans in milliseconds: the LP relaxation's block counts rounded to whole blocks, for
// the solver to complete with on-demand and spot (an LP) and to improve on.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// Integer values for every integer column of model.lp (other entries are copied from lp_x):
// each block count rounded up, then lowered where a ramp row or a site's power cap (with the
// existing contracts and the other rounded blocks) would be exceeded, latest-starting and
// shortest contracts first; a contract below its offer's minimum is lifted to it when that
// fits, else dropped. REQUIRES: lp_x has one value per column of model.lp.
std::vector<double> round_up_within_limits(const PlanInputs& inputs, const PlanModel& model,
                                           const std::vector<double>& lp_x);

// The same rounded down (never over a limit the LP kept; on-demand and spot make up the
// rest); a contract below its offer's minimum is dropped.
std::vector<double> round_down(const PlanInputs& inputs, const PlanModel& model, const std::vector<double>& lp_x);

// Both roundings above, as the MILP search's passes ("round-up-within-limits", "round-down").
// `inputs` and `model` must outlive the returned roundings.
std::vector<SolveRequest::Rounding> model_roundings(const PlanInputs& inputs, const PlanModel& model);

}  // namespace gpufleet::plan
