// A `markets:` entry of the form {from_catalog: PATH, provider: NAME, ...}: one market per site
// of the provider whose region the catalogue prices, and per accelerator of the scenario it
// prices there; the GPU counts come from the entry (a catalogue has no availability).
// docs/catalog-format.md.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"
#include "io/catalog/skypilot_catalog.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

// The entry's accelerator_map: {CATALOGUE_NAME: SCENARIO_NAME}, null or "" to drop a name.
Result<CatalogAcceleratorMap> read_accelerator_map(const YamlField& f, const Scenario& s) {
  auto entries = f.entries();
  if (!entries) return fail(entries.error());
  CatalogAcceleratorMap overrides;
  for (const auto& [from, to] : *entries) {
    std::string name;
    if (!to.is_null()) {
      auto text = to.as_string();
      if (!text) return fail(text.error());
      name = *text;
    }
    if (!name.empty() && s.find_accelerator(name) < 0)
      return fail(to.error(fmt::format("no accelerator named '{}'; accelerators are: {}", name,
                                       joined_names(s.accelerators))));
    overrides[from] = name;
  }
  return overrides;
}

}  // namespace

Result<void> add_catalog_markets(const YamlField& item, const LoadContext& ctx, size_t written_markets,
                                 Scenario& s) {
  if (auto r = item.check_keys({"from_catalog", "provider", "date", "accelerator_map", "accelerators",
                                "instance_types", "on_demand_gpus", "spot_gpus", "spot_preemptions_per_node_hour",
                                "skip_bad_rows"});
      !r)
    return r;
  auto path_text = required_text(item, "from_catalog");
  if (!path_text) return fail(path_text.error());
  CatalogSource source;
  source.path = resolve_path(ctx.base_dir, *path_text);
  auto provider = required_text(item, "provider");
  if (!provider) return fail(provider.error());
  const int provider_index = s.find_provider(*provider);
  if (provider_index < 0)
    return fail(item.required("provider")->error(
        fmt::format("no provider named '{}'; providers are: {}", *provider, joined_names(s.providers))));
  source.provider = *provider;

  CatalogReadOptions options;
  if (auto f = item.optional("accelerator_map")) {
    auto overrides = read_accelerator_map(*f, s);
    if (!overrides) return fail(overrides.error());
    options.accelerator_map = catalog_map_with_overrides(*overrides);
  }
  if (auto f = item.optional("instance_types")) {
    auto prefixes = f->as_string_list();
    if (!prefixes) return fail(prefixes.error());
    for (const auto& prefix : *prefixes)
      if (prefix.empty()) return fail(f->error("expected instance type prefixes (such as Standard_ND), not empty text"));
    options.instance_prefixes = *prefixes;
  }
  auto skip = item.get_bool("skip_bad_rows", false);
  if (!skip) return fail(skip.error());
  options.skip_bad_rows = *skip;

  // Which of the scenario's accelerators to take (all by default).
  std::vector<bool> wanted(s.accelerators.size(), true);
  if (auto f = item.optional("accelerators")) {
    auto names = f->as_string_list();
    if (!names) return fail(names.error());
    std::fill(wanted.begin(), wanted.end(), false);
    for (const auto& name : *names) {
      const int a = s.find_accelerator(name);
      if (a < 0)
        return fail(f->error(fmt::format("no accelerator named '{}'; accelerators are: {}", name,
                                         joined_names(s.accelerators))));
      wanted[static_cast<size_t>(a)] = true;
    }
  }

  Market offer;
  auto on_demand = item.get_int("on_demand_gpus", 0, 0, int64_t{1} << 40);
  if (!on_demand) return fail(on_demand.error());
  offer.on_demand_gpus = *on_demand;
  auto spot = item.get_int("spot_gpus", 0, 0, int64_t{1} << 40);
  if (!spot) return fail(spot.error());
  offer.spot_gpus = *spot;
  if (offer.on_demand_gpus == 0 && offer.spot_gpus == 0) {
    Error e = item.error("a catalogue gives prices, not availability: give on_demand_gpus and/or spot_gpus, the GPUs "
                         "each market offers at once");
    e.field = item.path() + ".on_demand_gpus";
    return fail(e);
  }
  auto rate = item.get_double("spot_preemptions_per_node_hour", 0.0, 0.0, 3600.0);
  if (!rate) return fail(rate.error());
  offer.spot_preemptions_per_node_hour = *rate;

  if (auto f = item.optional("date")) {
    auto date = f->as_date_unix_s();
    if (!date) return fail(date.error());
    source.date = format_iso_date(*date);
  }
  if (!ctx.options.read_files) {  // fuzzing: the path is not opened
    s.catalogs.push_back(std::move(source));
    return {};
  }
  auto catalog = read_skypilot_catalog(source.path, options);
  if (!catalog) return fail(catalog.error());
  if (source.date.empty()) {
    source.date = catalog_file_date(source.path).value_or("unknown");
    source.date_from_file = true;
  }
  source.rows = catalog->rows;
  source.rows_unknown_accelerator = catalog->rows_unknown_accelerator;
  source.rows_fractional_gpus = catalog->rows_fractional_gpus;
  source.rows_skipped = catalog->rows_skipped;
  source.rows_without_price = catalog->rows_without_price;
  source.rows_other_instance = catalog->rows_other_instance;
  for (const auto& [name, rows] : catalog->unknown_accelerators) source.unknown_accelerators.push_back(name);

  for (size_t site = 0; site < s.sites.size(); ++site) {
    const Site& where = s.sites[site];
    if (where.provider != provider_index) continue;
    bool priced = false;
    for (size_t a = 0; a < s.accelerators.size(); ++a) {
      if (!wanted[a]) continue;
      const CatalogPrice* price = catalog->find(where.region, s.accelerators[a].name);
      if (!price) continue;
      priced = true;
      const auto same = std::find_if(s.markets.begin(), s.markets.end(), [&](const Market& m) {
        return m.site == static_cast<int>(site) && m.accelerator == static_cast<int>(a);
      });
      if (same != s.markets.end()) {
        const auto index = static_cast<size_t>(same - s.markets.begin());
        if (index < written_markets) {  // written explicitly: it wins
          ++source.markets_written;
          continue;
        }
        return fail(item.error(fmt::format("a second catalogue market for site '{}' and accelerator '{}' (an earlier "
                                           "from_catalog entry gives it too); expected one per pair",
                                           where.name, s.accelerators[a].name)));
      }
      Market m = offer;
      m.site = static_cast<int>(site);
      m.accelerator = static_cast<int>(a);
      if (m.on_demand_gpus > 0) {
        if (price->on_demand_usd_per_gpu_hour) {
          m.on_demand_usd_per_gpu_hour = *price->on_demand_usd_per_gpu_hour;
        } else {
          m.on_demand_gpus = 0;
          ++source.on_demand_unpriced;
        }
      }
      if (m.spot_gpus > 0) {
        if (price->spot_usd_per_gpu_hour) {
          m.spot_usd_per_gpu_hour = *price->spot_usd_per_gpu_hour;
        } else {
          m.spot_gpus = 0;
          ++source.spot_unpriced;
        }
      }
      if (m.on_demand_gpus == 0 && m.spot_gpus == 0) continue;  // nothing asked for is priced there
      s.markets.push_back(m);
      ++source.markets_added;
    }
    if (!priced) source.sites_without_price.push_back(where.name);
  }
  if (source.markets_added == 0 && source.markets_written == 0) {
    std::string regions;
    for (const auto& p : catalog->prices)
      if (regions.find(p.region) == std::string::npos) regions += (regions.empty() ? "" : ", ") + p.region;
    return fail(item.required("from_catalog")->error(fmt::format(
        "the catalogue prices none of the scenario's accelerators at a site of provider '{}' (sites match by region); "
        "it prices the regions: {}",
        source.provider, regions.empty() ? "none (no accelerator of the map)" : regions)));
  }
  s.catalogs.push_back(std::move(source));
  return {};
}

}  // namespace gpufleet
