// The hardware side of a scenario: accelerators, providers and sites.
#include <fmt/format.h>

#include "io/scenario/scenario_hourly_csv.h"
#include "io/scenario/scenario_loader.h"

namespace gpufleet {

namespace {

// Accelerators are a bit mask in Job::accelerator_mask.
constexpr size_t kMaxAccelerators = 64;

Result<double> number(const YamlField& item, std::string_view key, double fallback,
                      std::optional<double> min, std::optional<double> max = std::nullopt) {
  return item.get_double(key, fallback, min, max);
}

}  // namespace

Result<void> parse_accelerators(const YamlField& list, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  if (items->size() > kMaxAccelerators)
    return fail(list.error(fmt::format("at most {} accelerators are supported, found {}",
                                       kMaxAccelerators, items->size())));
  for (const auto& item : *items) {
    if (auto r = item.check_keys({"name", "bf16_tflops", "hbm_gib", "board_power_w", "speed_factor",
                                  "idle_power_share"});
        !r)
      return r;
    Accelerator a;
    auto name = required_text(item, "name");
    if (!name) return fail(name.error());
    if (int i = s.find_accelerator(*name); i >= 0)
      return fail(item.required("name")->error(
          fmt::format("duplicate accelerator name '{}' (also accelerators[{}])", *name, i)));
    a.name = *name;
    auto tflops = number(item, "bf16_tflops", 0, 0.0);
    if (!tflops) return fail(tflops.error());
    a.bf16_tflops = *tflops;
    auto hbm = number(item, "hbm_gib", 0, 0.0);
    if (!hbm) return fail(hbm.error());
    a.hbm_gib = *hbm;
    auto power = number(item, "board_power_w", 0, 0.0);
    if (!power) return fail(power.error());
    a.board_power_w = *power;
    auto speed = number(item, "speed_factor", 1.0, 0.0);
    if (!speed) return fail(speed.error());
    if (*speed <= 0)
      return fail(item.optional("speed_factor")->error(
          fmt::format("expected a speed factor > 0 (throughput against H100-SXM), found {}", *speed)));
    a.speed_factor = *speed;
    auto idle = number(item, "idle_power_share", kDefaultIdlePowerShare, 0.0);
    if (!idle) return fail(idle.error());
    if (*idle > 1)
      return fail(item.optional("idle_power_share")->error(
          fmt::format("expected a share of board power from 0 to 1 (what an idle held GPU draws), found {}", *idle)));
    a.idle_power_share = *idle;
    s.accelerators.push_back(std::move(a));
  }
  return {};
}

Result<void> parse_providers(const YamlField& list, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items) {
    if (auto r = item.check_keys({"name"}); !r) return r;
    auto name = required_text(item, "name");
    if (!name) return fail(name.error());
    if (int i = s.find_provider(*name); i >= 0)
      return fail(item.required("name")->error(
          fmt::format("duplicate provider name '{}' (also providers[{}])", *name, i)));
    s.providers.push_back(Provider{*name});
  }
  return {};
}

namespace {

Result<void> parse_carbon_hourly(const YamlField& f, const LoadContext& ctx, Site& site) {
  if (auto r = f.check_keys({"path", "column"}); !r) return r;
  auto path = required_text(f, "path");
  if (!path) return fail(path.error());
  auto column = required_text(f, "column");
  if (!column) return fail(column.error());
  const std::string resolved = resolve_path(ctx.base_dir, *path);
  site.carbon_hourly.source = resolved;
  site.carbon_hourly.column = *column;
  if (!ctx.options.read_files) return {};
  auto values = read_hourly_csv_column(resolved, *column, *f.required("path"), *f.required("column"));
  if (!values) return fail(values.error());
  site.carbon_hourly.values = std::move(*values);
  return {};
}

}  // namespace

Result<void> parse_sites(const YamlField& list, const LoadContext& ctx, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items) {
    if (auto r = item.check_keys({"name", "provider", "region", "jurisdiction", "power_cap_mw", "pue",
                                  "gpus_per_node", "carbon_g_per_kwh", "carbon_hourly",
                                  "electricity_usd_per_mwh", "backend"});
        !r)
      return r;
    Site site;
    auto name = required_text(item, "name");
    if (!name) return fail(name.error());
    if (int i = s.find_site(*name); i >= 0)
      return fail(item.required("name")->error(
          fmt::format("duplicate site name '{}' (also sites[{}])", *name, i)));
    site.name = *name;

    auto provider = required_text(item, "provider");
    if (!provider) return fail(provider.error());
    site.provider = s.find_provider(*provider);
    if (site.provider < 0)
      return fail(item.required("provider")->error(fmt::format(
          "no provider named '{}'; providers are: {}", *provider, joined_names(s.providers))));

    auto region = item.get_string("region", "");
    if (!region) return fail(region.error());
    site.region = *region;
    auto jurisdiction = item.get_string("jurisdiction", "");
    if (!jurisdiction) return fail(jurisdiction.error());
    site.jurisdiction = *jurisdiction;

    auto cap = number(item, "power_cap_mw", 0, 0.0);
    if (!cap) return fail(cap.error());
    site.power_cap_mw = *cap;
    auto pue = number(item, "pue", 1.0, 1.0);
    if (!pue) return fail(pue.error());
    site.pue = *pue;
    auto per_node = item.get_int("gpus_per_node", 8, 1, 1024);
    if (!per_node) return fail(per_node.error());
    site.gpus_per_node = static_cast<int>(*per_node);
    auto carbon = number(item, "carbon_g_per_kwh", 0, 0.0);
    if (!carbon) return fail(carbon.error());
    site.carbon_g_per_kwh = *carbon;
    if (auto f = item.optional("carbon_hourly"))
      if (auto r = parse_carbon_hourly(*f, ctx, site); !r) return r;
    auto price = number(item, "electricity_usd_per_mwh", 0, 0.0);
    if (!price) return fail(price.error());
    site.electricity_usd_per_mwh = *price;
    if (auto f = item.optional("backend"))
      if (auto r = parse_site_backend(*f, ctx, site); !r) return r;
    s.sites.push_back(std::move(site));
  }
  return {};
}

}  // namespace gpufleet
