// A catalogue's prices as a scenario's `markets:` list, for `gpufleet catalog import` to print
// and a person to paste (and edit) into a scenario. docs/catalog-format.md.
#pragma once

#include <cstdint>
#include <string>

#include "io/catalog/skypilot_catalog.h"

namespace gpufleet {

struct CatalogYamlOptions {
  std::string provider;     // sites are named PROVIDER-REGION
  std::string date;         // the catalogue's date, for the heading comment
  std::string command;      // the command line that made it, for the heading comment
  int64_t on_demand_gpus = 0;  // written into every entry with an on-demand price
  int64_t spot_gpus = 0;       // written into every entry with a spot price
};

// "markets:\n  - site: ...\n" with a heading comment (the source, the rules, what was skipped)
// and, per entry, which instance type gave each price. Prices are written exactly (the
// shortest decimal that reads back as the same double).
std::string catalog_markets_yaml(const Catalog& catalog, const CatalogYamlOptions& options);

}  // namespace gpufleet
