// The reliability side of a scenario: `checkpoint:` (defaults for every job) and `faults:`
// (node failures, a replayed fault trace, spot preemptions, site and provider outages).
#include <filesystem>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"

namespace gpufleet {

namespace {

Result<double> non_negative_duration(const YamlField& f, std::string_view key, double fallback) {
  auto v = f.get_duration_s(key, fallback);
  if (!v) return v;
  if (*v < 0) return fail(f.optional(key)->error("expected a duration >= 0"));
  return v;
}

Result<void> parse_outage(const YamlField& item, const LoadContext& ctx, Scenario& s) {
  if (auto r = item.check_keys({"name", "site", "provider", "start", "duration", "per_year", "mean_duration"}); !r)
    return r;
  OutageSpec o;
  const auto site = item.optional("site");
  const auto provider = item.optional("provider");
  if (site && provider) return fail(provider->error("give either 'site' or 'provider', not both"));
  if (!site && !provider) return fail(item.error("expected 'site: NAME' or 'provider: NAME'"));
  const YamlField& target = site ? *site : *provider;
  auto name = target.as_string();
  if (!name) return fail(name.error());
  if (site) {
    o.target = s.find_site(*name);
    if (o.target < 0)
      return fail(target.error(fmt::format("no site named '{}'; sites are: {}", *name, joined_names(s.sites))));
  } else {
    o.provider_wide = true;
    o.target = s.find_provider(*name);
    if (o.target < 0)
      return fail(target.error(
          fmt::format("no provider named '{}'; providers are: {}", *name, joined_names(s.providers))));
  }
  auto label = item.get_string("name", fmt::format("{} {}", site ? "site" : "provider", *name));
  if (!label) return fail(label.error());
  o.name = *label;
  const auto start = item.optional("start");
  const auto per_year = item.optional("per_year");
  if (start && per_year)
    return fail(per_year->error("give either 'start' and 'duration' (scheduled) or 'per_year' and "
                                "'mean_duration' (random), not both"));
  if (start) {
    auto t = start->as_time_s(ctx.start_unix_s);
    if (!t) return fail(t.error());
    o.start_s = *t;
    auto d = item.required("duration");
    if (!d) return fail(d.error());
    auto duration = d->as_duration_s();
    if (!duration) return fail(duration.error());
    if (*duration <= 0) return fail(d->error("expected a duration longer than 0"));
    o.duration_s = *duration;
    if (auto m = item.optional("mean_duration"))
      return fail(m->error("a scheduled outage has a 'duration', not a 'mean_duration'"));
  } else if (per_year) {
    auto rate = per_year->as_double(0.0, 1e6);
    if (!rate) return fail(rate.error());
    o.per_year = *rate;
    auto m = item.required("mean_duration");
    if (!m) return fail(m.error());
    auto mean = m->as_duration_s();
    if (!mean) return fail(mean.error());
    if (*mean <= 0) return fail(m->error("expected a duration longer than 0"));
    o.mean_duration_s = *mean;
    if (auto d = item.optional("duration"))
      return fail(d->error("a random outage has a 'mean_duration', not a 'duration'"));
  } else {
    return fail(item.error("expected 'start' and 'duration' (a scheduled outage) or 'per_year' and "
                           "'mean_duration' (random outages)"));
  }
  s.faults.outages.push_back(std::move(o));
  return {};
}

Result<void> parse_fault_trace(const YamlField& f, const LoadContext& ctx, FaultSpec& faults) {
  if (auto r = f.check_keys({"path", "format"}); !r) return r;
  auto path = required_text(f, "path");
  if (!path) return fail(path.error());
  auto format = f.get_string("format", "stepfun");
  if (!format) return fail(format.error());
  if (*format != "stepfun")
    return fail(f.optional("format")->error(
        fmt::format("unknown fault trace format '{}'; expected stepfun", *format)));
  faults.trace_path = resolve_path(ctx.base_dir, *path);
  faults.trace_format = *format;
  if (ctx.options.read_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(faults.trace_path, ec))
      return fail(f.required("path")->error(
          fmt::format("fault trace '{}' does not exist or is not a file", faults.trace_path)));
  }
  return {};
}

}  // namespace

Result<void> parse_checkpoint(const YamlField& f, CheckpointSpec& c) {
  if (auto r = f.check_keys({"interval", "cost", "restart_overhead"}); !r) return r;
  auto interval = non_negative_duration(f, "interval", c.interval_s);
  if (!interval) return fail(interval.error());
  c.interval_s = *interval;
  auto cost = non_negative_duration(f, "cost", c.cost_s);
  if (!cost) return fail(cost.error());
  c.cost_s = *cost;
  auto restart = non_negative_duration(f, "restart_overhead", c.restart_overhead_s);
  if (!restart) return fail(restart.error());
  c.restart_overhead_s = *restart;
  return {};
}

Result<void> parse_faults(const YamlField& f, const LoadContext& ctx, Scenario& s) {
  if (auto r = f.check_keys({"node_failures_per_gpu_hour", "repair_median", "repair_sigma", "trace",
                             "spot_preemptions", "spot_return", "outages"});
      !r)
    return r;
  FaultSpec& faults = s.faults;
  auto rate = f.get_double("node_failures_per_gpu_hour", faults.node_failures_per_gpu_hour, 0.0, 1.0);
  if (!rate) return fail(rate.error());
  faults.node_failures_per_gpu_hour = *rate;
  auto median = f.get_duration_s("repair_median", faults.repair_median_s);
  if (!median) return fail(median.error());
  if (*median <= 0) return fail(f.optional("repair_median")->error("expected a duration longer than 0"));
  faults.repair_median_s = *median;
  auto sigma = f.get_double("repair_sigma", faults.repair_sigma, 0.0, 10.0);
  if (!sigma) return fail(sigma.error());
  faults.repair_sigma = *sigma;
  if (auto t = f.optional("trace"))
    if (auto r = parse_fault_trace(*t, ctx, faults); !r) return r;
  auto spot = f.get_bool("spot_preemptions", faults.spot_preemptions);
  if (!spot) return fail(spot.error());
  faults.spot_preemptions = *spot;
  auto spot_return = f.get_duration_s("spot_return", faults.spot_return_s);
  if (!spot_return) return fail(spot_return.error());
  if (*spot_return < 1)
    return fail(f.optional("spot_return")->error("expected a duration of at least 1s (the simulator's time step for a "
                                                  "reclaimed node to come back)"));
  faults.spot_return_s = *spot_return;
  if (auto list = f.optional("outages")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items)
      if (auto r = parse_outage(item, ctx, s); !r) return r;
  }
  return {};
}

namespace {
// A run of more fault events than this would take hours: refused at load, with the estimate.
constexpr double kMaxFaultEvents = 1e9;
}  // namespace

Result<void> check_fault_events(const YamlField& root, const Scenario& s) {
  double gpus = 0, spot_reclaims_per_hour = 0;
  for (const Market& m : s.markets) {
    gpus += static_cast<double>(m.on_demand_gpus + m.spot_gpus);
    const double nodes = std::ceil(static_cast<double>(m.spot_gpus) / s.sites[static_cast<size_t>(m.site)].gpus_per_node);
    if (s.faults.spot_preemptions) spot_reclaims_per_hour += nodes * m.spot_preemptions_per_node_hour;
  }
  for (const Contract& c : s.contracts) {
    int64_t peak = 0;
    for (const RampStep& step : c.ramp) peak = std::max(peak, step.gpus);
    gpus += static_cast<double>(peak);
  }
  // Each failure and each reclaim is two events (out, back); random outages two per start.
  double outages_per_hour = 0;
  for (const OutageSpec& o : s.faults.outages) outages_per_hour += o.per_year / (365 * 24);
  const double events =
      2 * (s.faults.node_failures_per_gpu_hour * gpus + spot_reclaims_per_hour + outages_per_hour) * s.horizon_s / kSecondsPerHour;
  if (events > kMaxFaultEvents) {
    const auto f = root.optional("faults");
    return fail((f ? *f : root).error(fmt::format(
        "about {:.3g} fault events over the horizon (node failures on up to {:.0f} GPUs, {:.3g} spot reclaims an "
        "hour, outages); the simulator runs at most {:.0g}: lower the rates or the horizon",
        events, gpus, spot_reclaims_per_hour, kMaxFaultEvents)));
  }
  return {};
}

}  // namespace gpufleet
