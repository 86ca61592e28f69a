// Reader of SkyPilot's cloud price catalogues (vms.csv: one row per instance type and region,
// or per availability zone), turned into per-GPU prices per (region, accelerator): what a
// scenario's markets need. The rules are in docs/catalog-format.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// Catalogue accelerator name -> the scenario's accelerator name. An empty target drops the
// name (its rows are counted as unknown).
using CatalogAcceleratorMap = std::map<std::string, std::string, std::less<>>;

// The map every catalogue starts from (docs/catalog-format.md lists it and its ambiguous
// names): data-centre GPUs only; H100-MEGA, TPUs and older cards are not in it.
const CatalogAcceleratorMap& default_catalog_accelerator_map();

// "NAME=SCENARIO_NAME,NAME=" (empty: drop NAME) as given to --accelerator-map; `where` names
// the option in errors. The result holds only the pairs given (overrides, see with_overrides).
Result<CatalogAcceleratorMap> parse_catalog_accelerator_map(std::string_view text, const std::string& where);
// The default map with `overrides` applied on top.
CatalogAcceleratorMap catalog_map_with_overrides(const CatalogAcceleratorMap& overrides);

struct CatalogReadOptions {
  CatalogAcceleratorMap accelerator_map = default_catalog_accelerator_map();
  // A malformed row (too few fields; with an accelerator: a price of zero or text, a count of
  // 0 or text, no region) is an error; with this it is skipped and counted instead.
  bool skip_bad_rows = false;
  // Non-empty: only rows whose InstanceType starts with one of these are priced (the others
  // are counted in rows_other_instance): e.g. {"Standard_ND"} keeps Azure's H100 SXM machines
  // and leaves out the NC H100 v5 (H100 NVL) that the catalogue also calls "H100".
  std::vector<std::string> instance_prefixes;
};

// One (region, accelerator) of a catalogue. Prices are USD per GPU-hour: each row's instance
// price divided by its AcceleratorCount, then the minimum over the rows (instance types and
// zones) of the region, on-demand and spot each on its own. An empty Price or SpotPrice is no
// such offer in that row; at least one of the two is set.
struct CatalogPrice {
  std::string region;
  std::string accelerator;          // the scenario's name (mapped)
  std::string catalog_accelerator;  // as the catalogue writes it
  std::optional<double> on_demand_usd_per_gpu_hour;  // none: no row of the region has a Price
  std::string on_demand_instance;   // the instance type of that price ("" for GCP's attachable GPUs)
  std::optional<double> spot_usd_per_gpu_hour;  // none: no row of the region has a SpotPrice
  std::string spot_instance;
  int rows = 0;   // catalogue rows aggregated
  int zones = 0;  // distinct AvailabilityZone values among them (0: the file has no such column)
};

struct Catalog {
  std::string file;
  std::vector<CatalogPrice> prices;  // sorted by region, then accelerator
  int64_t rows = 0;                      // data rows read
  int64_t rows_without_accelerator = 0;  // CPU-only instances (empty AcceleratorName)
  int64_t rows_unknown_accelerator = 0;  // names not in the map (or mapped to "")
  std::map<std::string, int64_t, std::less<>> unknown_accelerators;  // name -> rows
  int64_t rows_fractional_gpus = 0;  // AcceleratorCount below 1 or not whole: shares of a GPU
  int64_t rows_without_price = 0;    // both Price and SpotPrice empty: nothing offered
  int64_t rows_other_instance = 0;   // instance types left out by instance_prefixes
  int64_t rows_extra_fields = 0;     // more fields than the header (the extras are ignored)
  int64_t rows_skipped = 0;          // malformed rows skipped (skip_bad_rows)
  std::string first_skipped;         // the first of them, as an error text
  bool has_zones = false;            // the file has an AvailabilityZone column

  const CatalogPrice* find(std::string_view region, std::string_view accelerator) const;
};

// `file_name` labels errors only.
Result<Catalog> read_skypilot_catalog_text(std::string_view text, const std::string& file_name,
                                           const CatalogReadOptions& options = {});
Result<Catalog> read_skypilot_catalog(const std::string& path, const CatalogReadOptions& options = {});

// A catalogue's date when none is given: the file's modification date (UTC), YYYY-MM-DD.
std::optional<std::string> catalog_file_date(const std::string& path);

}  // namespace gpufleet
