// run.json: the command line that produced a results folder, shown in the report's header.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet::report {

// The command recorded in dir/run.json; nullopt when there is no run.json. A run.json that
// is there but malformed is an Error.
Result<std::optional<std::string>> read_run_record(const std::string& dir);

// Each of `inputs` (file names in dir) that is there must be one run.json lists, with the
// digest it records; one run.json lists must be there. An Error names the file otherwise: the
// folder mixes runs or was edited. A folder without run.json (or with one that records no
// digests) is not checked.
Result<void> verify_run_files(const std::string& dir, const std::vector<std::string>& inputs);

}  // namespace gpufleet::report
