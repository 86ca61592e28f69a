// The report: one self-contained HTML page (charts, sortable tables) of the results that
// `simulate --out DIR`, `plan --out DIR` or `risk --out DIR` wrote, or of `compare`. The charting library (Chart.js) is embedded
// in the page at build time; the page loads nothing from the network.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// `gpufleet compare`: the result folders (of `plan`, `risk` or `simulate`) side by side: cost,
// shortfall, provider shares, new commitments per provider and year, and the regret of risk
// folders on the same futures. Returns the terminal text; writes the HTML page (the cost CDFs,
// the regret table) into html_path unless it is empty. A folder of no known kind, a malformed
// file or risk folders on different futures is an Error naming the folder and the file.
// command_line, when not empty, is shown in the page's header.
Result<std::string> compare_results(const std::vector<std::string>& dirs, const std::string& html_path,
                                    const std::string& command_line = "");

// Renders the results in dir into html_path, written atomically. dir holds a simulation
// (summary.json, timeseries.csv, jobs.csv), a plan (plan.json), a risk run (risk.json,
// futures.csv, sweep.json), or several; run.json, when
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
