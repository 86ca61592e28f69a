// run.json: the command line that produced a results folder, shown in the report's header.
#pragma once

#include <optional>
#include <string>

#include "gpufleet/error.h"

namespace gpufleet::report {

// The command recorded in dir/run.json; nullopt when there is no run.json. A run.json that
// is there but malformed is an Error.
Result<std::optional<std::string>> read_run_record(const std::string& dir);

}  // namespace gpufleet::report
