// run.json: the provenance of a results folder, one entry per command that wrote results
// there ("simulate", "plan", "risk"): its command line (shown in the report's header of its
// section) and the digest of each file it wrote (checked by the report). A folder that `plan
// --out D` and then `simulate --out D` wrote keeps both entries; each command replaces only
// its own. Written before entries existed, run.json was one record {command, files}: still read.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet::report {

// Command line per command name ("simulate", "plan", ...) from dir/run.json; the old single
// record comes back under "". Empty when there is no run.json; malformed is an Error.
Result<std::map<std::string, std::string>> read_run_record(const std::string& dir);

// Each of `inputs` (file names in dir) that is there must be one run.json lists, with the
// digest it records; one run.json lists must be there; no file may be listed by two entries.
// An Error names the file otherwise: the folder mixes runs or was edited. A folder without
// run.json (or with one that records no digests) is not checked.
Result<void> verify_run_files(const std::string& dir, const std::vector<std::string>& inputs);

}  // namespace gpufleet::report
