// gpufleet validate SCENARIO.yaml: loads and checks a scenario, prints "ok" and a summary.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "gpufleet/plan.h"
#include "gpufleet/risk.h"
#include "gpufleet/scenario.h"
#include "io/catalog/catalog_provenance.h"
#include "util/atomic_file.h"
#include "util/time_parse.h"

namespace gpufleet::cli {

namespace {

// Largest number of GPUs each provider holds under contract at any one time: the sum of its
// contracts' capacities, evaluated at every ramp step (capacity only changes there).
std::vector<int64_t> peak_contracted_by_provider(const Scenario& s) {
  std::vector<double> times;
  for (const auto& c : s.contracts) {
    times.push_back(c.start_s);
    for (const auto& step : c.ramp) times.push_back(step.at_s);
  }
  std::vector<int64_t> peak(s.providers.size(), 0);
  for (double t : times) {
    std::vector<int64_t> now(s.providers.size(), 0);
    for (const auto& c : s.contracts) now[static_cast<size_t>(c.provider)] += c.gpus_at(t);
    for (size_t p = 0; p < peak.size(); ++p) peak[p] = std::max(peak[p], now[p]);
  }
  return peak;
}

void print_summary(const Scenario& s) {
  std::cout << fmt::format("ok: {} ({})\n", s.name, s.source_file);
  std::cout << fmt::format("  horizon: {} to {} ({:g} days), seed {}\n", format_iso_date(s.start_unix_s),
                           format_iso_date(s.start_unix_s + static_cast<int64_t>(s.horizon_s)),
                           s.horizon_s / kSecondsPerDay, s.seed);
  std::cout << fmt::format("  {} accelerators, {} providers, {} sites, {} contracts, {} markets\n",
                           s.accelerators.size(), s.providers.size(), s.sites.size(), s.contracts.size(),
                           s.markets.size());
  const auto peak = peak_contracted_by_provider(s);
  for (size_t p = 0; p < s.providers.size(); ++p) {
    int64_t on_demand = 0, spot = 0;
    for (const auto& m : s.markets) {
      if (s.sites[static_cast<size_t>(m.site)].provider != static_cast<int>(p)) continue;
      on_demand += m.on_demand_gpus;
      spot += m.spot_gpus;
    }
    std::cout << fmt::format("  {}: peak contracted GPUs {}, on-demand up to {}, spot up to {}\n",
                             s.providers[p].name, peak[p], on_demand, spot);
  }
  for (const auto& c : s.catalogs) std::cout << describe_catalog_source(c);
  std::cout << fmt::format("  workload: {} traces, {} classes, {} fixed jobs; policy {} / {}\n",
                           s.workload.traces.size(), s.workload.classes.size(), s.workload.fixed.size(),
                           s.policy.queue, s.policy.placement);
  size_t scheduled = 0;
  for (const auto& o : s.faults.outages) scheduled += o.start_s ? 1 : 0;
  std::cout << fmt::format("  faults: {:.3g} node failures per GPU-hour{}, {} scheduled and {} random outages; "
                           "checkpoint every {} s\n",
                           s.faults.node_failures_per_gpu_hour, s.faults.trace_path.empty() ? "" : " + a fault trace",
                           scheduled, s.faults.outages.size() - scheduled, s.checkpoint.interval_s);
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("validate", "Check a scenario file; print ok and a summary, or the first error");
  auto path = std::make_shared<std::string>();
  cmd->add_option("scenario", *path, "Scenario YAML file")->required();
  cmd->callback([path] {
    const auto scenario = load_scenario_file(*path);
    if (!scenario) exit_bad_input(scenario.error());
    // A `plan:` section is checked too, as `gpufleet plan` would read it.
    std::optional<PlanInputs> plan;
    if (scenario->has_plan_section) {
      auto inputs = parse_plan_section(*scenario, *read_file(*path), *path);
      if (!inputs) exit_bad_input(inputs.error());
      // So is `uncertainty:`, as `gpufleet risk` would read it.
      auto spec = parse_uncertainty_section(*inputs, *read_file(*path), *path);
      if (!spec) exit_bad_input(spec.error());
      plan = std::move(*inputs);
    }
    print_summary(*scenario);
    if (plan)
      std::cout << fmt::format("  plan: {} periods of {} months, {} offers, {} inference demands\n", plan->periods,
                               plan->period_months, plan->offers.size(), plan->inference.size());
  });
}

}  // namespace gpufleet::cli
