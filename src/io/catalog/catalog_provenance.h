// A scenario's catalogue provenance (Scenario::catalogs): as lines for people (what
// `gpufleet validate` prints under the markets count) and as the `price_catalogues` list of
// summary.json and plan.json.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpufleet/scenario.h"

namespace gpufleet {

// "  markets from catalogue PATH (aws, dated 2026-05-20 (file date)): 3 added, ...\n" and a
// line for what was skipped; every line ends in '\n' and starts with two spaces.
std::string describe_catalog_source(const CatalogSource& c);

// [{path, provider, date, date_from_file, markets_added, markets_written}, ...] in file order.
nlohmann::ordered_json catalog_sources_json(const std::vector<CatalogSource>& catalogs);

}  // namespace gpufleet
