// Reads what `plan --out DIR` wrote (plan.json) into a report section: committed capacity by
// provider and by site against demand, cost by year and by provider, provider shares against
// the cap, power against each site's cap, the resilience check and the marginal values.
#pragma once

#include <string>

#include "gpufleet/error.h"
#include "report/report_section.h"

namespace gpufleet::report {

// REQUIRES: dir/plan.json exists (the caller decided this is a plan folder).
Result<ReportSection> read_plan_section(const std::string& dir);

}  // namespace gpufleet::report
