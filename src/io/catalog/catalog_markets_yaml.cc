#include "io/catalog/catalog_markets_yaml.h"

#include <fmt/format.h>

namespace gpufleet {

namespace {

// "p5.48xlarge" or "an attachable GPU" (GCP's rows without an instance type).
std::string instance_words(const std::string& instance) {
  return instance.empty() ? std::string("an attachable GPU, without its host") : instance;
}

}  // namespace

std::string catalog_markets_yaml(const Catalog& c, const CatalogYamlOptions& o) {
  std::string out = fmt::format("# {}\n# from {} (dated {})\n", o.command, c.file, o.date);
  out += "# Prices per GPU-hour: each row's instance price / AcceleratorCount, the minimum over the region's\n"
         "# zones and instance types (docs/catalog-format.md). A catalogue has no availability: the GPU\n"
         "# counts are the command's --on-demand-gpus and --spot-gpus; sites are named PROVIDER-REGION.\n";
  out += fmt::format("# {} rows; skipped {} without an accelerator, {} of accelerators not in the map", c.rows,
                     c.rows_without_accelerator, c.rows_unknown_accelerator);
  if (!c.unknown_accelerators.empty()) {
    out += " (";
    size_t shown = 0;
    for (const auto& [name, rows] : c.unknown_accelerators) {
      if (shown == 8) {
        out += fmt::format(", and {} more", c.unknown_accelerators.size() - shown);
        break;
      }
      out += fmt::format("{}{} {}", shown ? ", " : "", name, rows);
      ++shown;
    }
    out += ")";
  }
  out += fmt::format(",\n# {} of a share of a GPU, {} without a price, {} of other instance types, {} malformed\n",
                     c.rows_fractional_gpus, c.rows_without_price, c.rows_other_instance, c.rows_skipped);
  out += "markets:\n";
  for (const CatalogPrice& p : c.prices) {
    out += fmt::format("  - site: {}-{}\n    accelerator: {}\n", o.provider, p.region, p.accelerator);
    const std::string zones = c.has_zones ? fmt::format(", {} zone{}", p.zones, p.zones == 1 ? "" : "s") : "";
    if (p.on_demand_usd_per_gpu_hour)
      out += fmt::format("    on_demand_usd_per_gpu_hour: {}   # {} ({}){}\n    on_demand_gpus: {}\n",
                         *p.on_demand_usd_per_gpu_hour, instance_words(p.on_demand_instance), p.catalog_accelerator,
                         zones, o.on_demand_gpus);
    if (p.spot_usd_per_gpu_hour)
      out += fmt::format("    spot_usd_per_gpu_hour: {}   # {}\n    spot_gpus: {}\n", *p.spot_usd_per_gpu_hour,
                         instance_words(p.spot_instance), o.spot_gpus);
  }
  return out;
}

}  // namespace gpufleet
