// plan_focus.csv: PlanResult::bill in the FinOps FOCUS format (docs/focus-format.md), a
// row per line and calendar month.
#pragma once

#include <string>

#include "gpufleet/error.h"
#include "gpufleet/plan.h"

namespace gpufleet::plan {

// Each line spread over [start, end) is split at UTC month starts in proportion to the time;
// an instant (a fee, a shortfall) is one row for the UTC day it falls in. Undiscounted USD.
Result<void> write_plan_focus(const PlanResult& result, const PlanInputs& inputs, const std::string& path);

}  // namespace gpufleet::plan
