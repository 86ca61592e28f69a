// simulate(): builds the pools, the policies and the observers, runs the kernel and gathers
// the results.
#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "gpufleet/faults.h"
#include "gpufleet/simulate.h"
#include "sched/policy_registry.h"
#include "sim/cost_observer.h"
#include "sim/energy_observer.h"
#include "sim/fault_observer.h"
#include "sim/fault_plan.h"
#include "sim/job_observer.h"
#include "fleet/pool_builder.h"
#include "sim/simulator.h"
#include "sim/timeseries_observer.h"
#include "sim/utilisation_observer.h"

namespace gpufleet {
namespace {

// A time by which every job has ended on any fleet that can run them all: each job run one
// after another, on the slowest accelerator, after the last submit.
double open_horizon_bound_s(const Scenario& scenario, const Workload& workload) {
  double slowest = 1.0;
  for (const Accelerator& a : scenario.accelerators) slowest = std::min(slowest, a.speed_factor);
  double last_submit = 0, total_s = 0;
  for (const Job& j : workload.jobs) {
    last_submit = std::max(last_submit, j.submit_s);
    total_s += j.duration_s / slowest;
  }
  // Interrupted jobs redo work: room for that too.
  const double bound = last_submit + total_s + 1;
  return scenario.faults.any() ? 4 * bound + 30 * kSecondsPerDay : bound;
}

Result<SimResults> run_once(const Scenario& scenario, const Workload& workload, const SimOptions& options,
                            const std::string& queue_name, const std::string& placement_name);

}  // namespace

Result<SimResults> simulate(const Scenario& scenario, const Workload& workload, const SimOptions& options) {
  const std::string& queue_name = options.queue_policy.empty() ? scenario.policy.queue : options.queue_policy;
  const std::string& placement_name =
      options.placement_policy.empty() ? scenario.policy.placement : options.placement_policy;
  auto results = run_once(scenario, workload, options, queue_name, placement_name);
  if (!results) return results;
  if (placement_name == "carbon" && options.compare_with_cost_placement) {
    // The summary reports carbon and cost against the cost-aware placement on the same inputs.
    SimOptions quiet = options;
    quiet.progress = nullptr;
    quiet.job_rows = false;  // only its summary is used
    auto baseline = run_once(scenario, workload, quiet, queue_name, "cost");
    if (!baseline) return fail(baseline.error());
    results->summary.cost_placement_carbon_t = baseline->summary.carbon_t;
    results->summary.cost_placement_cost_usd = baseline->summary.cost_usd;
  }
  return results;
}

namespace {

Result<SimResults> run_once(const Scenario& scenario, const Workload& workload, const SimOptions& options,
                            const std::string& queue_name, const std::string& placement_name) {
  // Wall time only measures the run (sim_wall_s); it never steers it.
  const auto wall_start = std::chrono::steady_clock::now();
  auto queue = sched::make_queue_policy(queue_name, scenario.policy);
  if (!queue) return fail(queue.error());
  auto placement = sched::make_placement_policy(placement_name, scenario);
  if (!placement) return fail(placement.error());
  if (!(scenario.horizon_s > 0) || std::isnan(scenario.horizon_s))
    return fail(scenario.source_file, 0, 0, "horizon", "the horizon must be longer than 0 seconds");
  if (std::isfinite(scenario.horizon_s) && scenario.horizon_s > kMaxHorizonS)
    return fail(scenario.source_file, 0, 0, "horizon",
                fmt::format("{:.0f} hours of hourly results; at most {:.0f} (100 years)",
                            std::ceil(scenario.horizon_s / kSecondsPerHour), kMaxHorizonS / kSecondsPerHour));
  for (size_t i = 0; i < workload.jobs.size(); ++i) {
    const Job& j = workload.jobs[i];
    if (j.id != i || (i > 0 && j.submit_s < workload.jobs[i - 1].submit_s) || j.gpus == 0 || !(j.duration_s >= 0))
      return fail("<workload>", 0, 0, fmt::format("jobs[{}]", i),
                  "jobs must be sorted by submit time with id == index, gpus >= 1 and duration >= 0 "
                  "(Workload::finalize())");
  }

  std::vector<fleet::PoolSpec> pools = fleet::build_pools(scenario, workload);
  bool any_capacity = false;
  for (const auto& p : pools)
    for (const auto& point : p.schedule) any_capacity |= point.gpus > 0;
  if (!any_capacity)
    return fail(scenario.source_file, 0, 0, "contracts",
                "the fleet has no capacity: no contract ramp and no market offers any GPU, so no job "
                "could ever run");

  FaultTrace trace;
  if (!scenario.faults.trace_path.empty()) {
    auto read = read_stepfun_fault_trace(scenario.faults.trace_path);
    if (!read) return fail(read.error());
    trace = std::move(*read);
  }
  const FaultTrace* trace_ptr = scenario.faults.trace_path.empty() ? nullptr : &trace;

  double horizon_s = scenario.horizon_s;
  if (std::isinf(horizon_s)) {
    // Open-ended (trace replay): a first run without observers finds when the last job ends;
    // the accounted run then stops there. Both runs schedule identically: nothing that
    // happens before the end depends on the horizon.
    auto probe_queue = sched::make_queue_policy(queue_name, scenario.policy);
    auto probe_placement = sched::make_placement_policy(placement_name, scenario);
    // Bounded like a scenario's horizon: jobs still running then are reported unfinished.
    const double bound = std::min(open_horizon_bound_s(scenario, workload), kMaxHorizonS);
    sim::Simulator probe(scenario, workload, bound, pools, std::move(*probe_queue), std::move(*probe_placement),
                         sim::make_fault_plan(scenario, pools, bound, trace_ptr));
    probe.run({});
    horizon_s = std::max(probe.last_job_event_s(), 1.0);
  }
  sim::FaultPlan plan = sim::make_fault_plan(scenario, pools, horizon_s, trace_ptr);
  std::vector<OutageResult> outages;
  for (const auto& w : plan.outages) outages.push_back(OutageResult{w.name, w.start_s, w.end_s, 0, 0, 0});
  sim::Simulator simulator(scenario, workload, horizon_s, std::move(pools), std::move(*queue),
                           std::move(*placement), std::move(plan));
  const sim::SimContext& ctx = simulator.context();
  sim::JobObserver jobs(ctx, options.job_rows);
  sim::CostObserver cost(ctx);
  sim::EnergyObserver energy(ctx);
  sim::TimeseriesObserver timeseries(ctx);
  sim::UtilisationObserver utilisation;
  sim::FaultObserver reliability(ctx, outages.size());
  // Without faults, checkpoints or preemption nothing is lost or spent on overhead: the
  // fault-free path skips this observer (its results keep their defaults: none lost,
  // availability 1).
  const bool reliability_on = simulator.may_interrupt_or_checkpoint();
  if (reliability_on) simulator.add_observer(reliability);
  simulator.add_observer(jobs);
  simulator.add_observer(cost);
  simulator.add_observer(energy);
  simulator.add_observer(timeseries);
  simulator.add_observer(utilisation);

  simulator.run(options.progress);

  SimResults results;
  results.scenario_name = scenario.name;
  results.queue_policy = queue_name;
  results.placement_policy = placement_name;
  results.seed = scenario.seed;
  results.by_provider.resize(scenario.providers.size());
  results.by_site.resize(scenario.sites.size());
  results.hours.resize(static_cast<size_t>(ctx.hours));
  results.outages = std::move(outages);
  jobs.on_finish(results);
  cost.on_finish(results);
  energy.on_finish(results);
  timeseries.on_finish(results);
  utilisation.on_finish(results);
  if (reliability_on) reliability.on_finish(results);
  SimSummary& sum = results.summary;
  sum.node_failures = simulator.node_faults();
  sum.fractional_gpus_rounded = workload.fractional_gpus_rounded;
  sum.trace_rows_without_gpus = workload.rows_without_gpus;
  sum.trace_rows_not_replayed = workload.rows_not_replayed - workload.rows_without_gpus;
  const double useful = sum.gpu_seconds_busy - sum.gpu_seconds_lost - sum.gpu_seconds_overhead;
  sum.goodput = sum.gpu_seconds_allocated > 0 ? std::clamp(useful / sum.gpu_seconds_allocated, 0.0, 1.0) : 1.0;
  results.summary.events = simulator.events();
  results.summary.sim_wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return results;
}

}  // namespace
}  // namespace gpufleet
