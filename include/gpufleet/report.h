// The report: one self-contained HTML page (charts, sortable tables) of the results that
// `simulate --out DIR` or `plan --out DIR` wrote. The charting library (Chart.js) is embedded
// in the page at build time; the page loads nothing from the network.
#pragma once

#include <string>

#include "gpufleet/error.h"

namespace gpufleet {

// Renders the results in dir into html_path, written atomically. dir holds a simulation
// (summary.json, timeseries.csv, jobs.csv), a plan (plan.json), or both; run.json, when
// present, gives the command line shown in the header. A missing or malformed input file is
// an Error naming the file, line and field.
Result<void> write_report(const std::string& dir, const std::string& html_path);

// run.json in dir: the command line that produced the results there (for the report header)
// and the digest of every other file in dir, which write_report checks.
Result<void> write_run_record(const std::string& dir, const std::string& command_line);

}  // namespace gpufleet
