// One numeric field of a scenario's YAML text, named by a path, read or replaced (for
// `risk --sweep`). The path is the field's place in the file:
//   plan.demand.training.growth_per_year      keys of maps, separated by dots
//   markets[2].on_demand_usd_per_gpu_hour     [N]: the N-th element of a list (from 0)
//   sites[aws-us-east-1].power_cap_mw         [NAME]: the one element whose name (or, for
//   plan.demand.inference[EU].growth_per_year  elements without one, jurisdiction, site or
//                                             provider) is NAME
// The field must be written in the file (a default left out cannot be swept) and hold a number.
#pragma once

#include <string>

#include "gpufleet/error.h"

namespace gpufleet {

// The number at `path` in the YAML document `text`. Errors (file "<command line>", field
// `option`) name the first part of the path that is not there, with the nearest key or
// element name, or say what the path reaches when it is not a number.
Result<double> yaml_number_at(const std::string& text, const std::string& path, const std::string& option);

// `text` with the number at `path` replaced by `value` (the document is emitted again:
// comments and layout are not kept; the values are). Errors as yaml_number_at.
Result<std::string> with_yaml_number(const std::string& text, const std::string& path, double value, const std::string& option);

}  // namespace gpufleet
