#include "io/catalog/catalog_provenance.h"

#include <fmt/format.h>

namespace gpufleet {

std::string describe_catalog_source(const CatalogSource& c) {
  std::string out = fmt::format("  markets from catalogue {} ({}, dated {}{}): {} added", c.path, c.provider, c.date,
                                c.date_from_file ? " by the file's modification time" : "", c.markets_added);
  if (c.markets_written > 0) out += fmt::format(", {} written in the scenario kept instead", c.markets_written);
  if (c.on_demand_unpriced > 0) out += fmt::format(", {} without an on-demand price there", c.on_demand_unpriced);
  if (c.spot_unpriced > 0) out += fmt::format(", {} without a spot price there", c.spot_unpriced);
  if (!c.sites_without_price.empty()) {
    out += "; no price for the sites";
    for (size_t i = 0; i < c.sites_without_price.size(); ++i) out += (i ? ", " : " ") + c.sites_without_price[i];
  }
  out += '\n';
  out += fmt::format("    {} rows read; skipped: {} of accelerators not in the map", c.rows, c.rows_unknown_accelerator);
  if (!c.unknown_accelerators.empty()) {
    out += " (";
    for (size_t i = 0; i < c.unknown_accelerators.size() && i < 8; ++i) out += (i ? ", " : "") + c.unknown_accelerators[i];
    if (c.unknown_accelerators.size() > 8) out += fmt::format(" and {} more", c.unknown_accelerators.size() - 8);
    out += ")";
  }
  out += fmt::format(", {} of a share of a GPU, {} without a price, {} of other instance types, {} malformed\n",
                     c.rows_fractional_gpus, c.rows_without_price, c.rows_other_instance, c.rows_skipped);
  return out;
}

nlohmann::ordered_json catalog_sources_json(const std::vector<CatalogSource>& catalogs) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& c : catalogs)
    list.push_back({{"path", c.path},
                    {"provider", c.provider},
                    {"date", c.date},
                    {"date_from_file", c.date_from_file},
                    {"markets_added", c.markets_added},
                    {"markets_written", c.markets_written}});
  return list;
}

}  // namespace gpufleet
