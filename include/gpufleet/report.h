// The report: one self-contained HTML page (charts, sortable tables) of the results that
// `simulate --out DIR` or `plan --out DIR` wrote. The charting library (Chart.js) is embedded
// in the page at build time; the page loads nothing from the network.
#pragma once

#include <string>

#include "gpufleet/error.h"

namespace gpufleet {

// Renders the results in dir into html_path, written atomically. dir holds a simulation
// (summary.json, timeseries.csv, jobs.csv), a plan (plan.json), or both; run.json, when
// present, gives the command line shown in each section's header. A missing or malformed input file is
// an Error naming the file, line and field.
Result<void> write_report(const std::string& dir, const std::string& html_path);

// run.json in dir: the entry of command `command_name` ("simulate", "plan", "risk"): its
// command line (for the report header) and the digest of every file in dir that no other
// entry of run.json lists (write_report checks them). Other commands' entries are kept.
Result<void> write_run_record(const std::string& dir, const std::string& command_name, const std::string& command_line);

// Keeps the results of other commands when `command_name` replaces a results folder: every
// entry of from_dir/run.json but command_name's whose files are all there and none of which
// to_dir (the new set, already written) holds, is carried into to_dir with its files (hard
// links, else copies). Then write_run_record(to_dir, ...) adds the command's own entry.
Result<void> carry_other_runs(const std::string& from_dir, const std::string& to_dir, const std::string& command_name);

}  // namespace gpufleet
