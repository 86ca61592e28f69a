// Reads what `simulate --out DIR` wrote (summary.json, timeseries.csv, jobs.csv) into a
// report section: hourly series downsampled to days (weeks past ~3 years), spend per month
// split by source, JCT and queue-time distributions, energy and carbon by site, and the
// failure and outage figures when summary.json has them.
#pragma once

#include <string>

#include "gpufleet/error.h"
#include "report/report_section.h"

namespace gpufleet::report {

// REQUIRES: dir/summary.json exists (the caller decided this is a simulation folder).
Result<ReportSection> read_sim_section(const std::string& dir);

}  // namespace gpufleet::report
