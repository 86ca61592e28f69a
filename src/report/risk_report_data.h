// Reads what `risk --out DIR` wrote (risk.json, futures.csv, and sweep.json when `--sweep`
// ran) into a report section: fan charts (P5-P50-P95 per period) of demand against the
// capacity delivered, of spend per provider and of shortfall; the cost distribution
// (histogram and CDF of the futures' costs) with P95 and CVaR95 marked; the sweep's tornado.
#pragma once

#include <string>

#include "gpufleet/error.h"
#include "report/report_section.h"

namespace gpufleet::report {

// REQUIRES: dir/risk.json exists (the caller decided this is a risk folder).
Result<ReportSection> read_risk_section(const std::string& dir);

}  // namespace gpufleet::report
