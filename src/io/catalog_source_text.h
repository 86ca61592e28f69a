// A scenario's catalogue provenance (Scenario::catalogs) as lines for people: what
// `gpufleet validate` prints under the markets count.
#pragma once

#include <string>

#include "gpufleet/scenario.h"

namespace gpufleet {

// "  markets from catalogue PATH (aws, dated 2026-05-20 (file date)): 3 added, ...\n" and a
// line for what was skipped; every line ends in '\n' and starts with two spaces.
std::string describe_catalog_source(const CatalogSource& c);

}  // namespace gpufleet
