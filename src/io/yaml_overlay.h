// Edits of a scenario's YAML text that keep everything else of it, comments included: whole
// top-level sections replaced or added, and relative file paths made absolute so that the
// text may be written into another folder.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// `text` with each top-level key of `sections` (key, replacement) replaced: the lines from the
// key's line up to the next top-level key (comment and blank lines just before that key are
// kept) become the replacement, which must be a whole YAML block starting with "key:" and
// ending with a newline. A key the text does not have is appended at the end. `name` labels
// errors (text that is not one YAML map).
Result<std::string> replace_top_level_sections(const std::string& text, const std::string& name,
                                               const std::vector<std::pair<std::string, std::string>>& sections);

// `text` with the relative paths the scenario loader resolves against the scenario's folder
// (workload.traces[].path, faults.trace.path, markets[].from_catalog, sites[].carbon_hourly.path and a site's
// backend.slurm conf, bin_dir and script) replaced by absolute paths resolved against base_dir,
// as double-quoted scalars.
Result<std::string> absolute_scenario_paths(const std::string& text, const std::string& name, const std::string& base_dir);

}  // namespace gpufleet
