// gpufleet simulate [SCENARIO.yaml] [--trace FORMAT:PATH [--map ...] [--time-format F]] [--gpus N]
//                   [--policy NAME] [--seed N] [--out DIR] [--report FILE] [--quiet] [--skip-bad-rows] [--no-faults]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "cli/progress_line.h"
#include "fleet/pool_builder.h"
#include "gpufleet/scenario.h"
#include "gpufleet/simulate.h"
#include "gpufleet/simulate_request.h"
#include "gpufleet/workload.h"
#include "util/human_format.h"
#include "util/time_parse.h"

namespace gpufleet::cli {
namespace {

struct SimulateArgs {
  SimulateRequest request;  // the options that shape the run (src/request/)
  int64_t gpus = 0;         // > 0: request.gpus
  std::string out_dir;
  std::string report;       // HTML report path
  bool quiet = false;
};

Result<PreparedSimulation> prepare(const SimulateArgs& args, ProgressLine& progress) {
  const SimulateRequest& request = args.request;
  progress.begin("reading the scenario");
  Result<Scenario> loaded = request.scenario_path.empty() ? default_scenario() : load_scenario_file(request.scenario_path);
  progress.end();
  if (!loaded) return fail(loaded.error());
  auto scenario = apply_simulate_request(std::move(*loaded), request);
  if (!scenario) return fail(scenario.error());
  progress.begin(scenario->workload.traces.empty() ? "building the workload" : "reading the trace");
  auto prepared = build_simulation(std::move(*scenario), request);
  progress.end();
  return prepared;
}

// Queue time and JCT by size band and by kind (per job and by GPU-hours), then the longest
// waits with the jobs' names.
void print_job_times(const Workload& workload, const SimSummary& s) {
  if (s.by_size_band.empty()) return;
  fmt::print("\n  {:<12}{:>10}{:>14}{:>22}{:>22}{:>22}\n", "jobs", "count", "GPU-hours", "queue p50 / p99",
             "by GPU-h p50 / p99", "JCT p99 / by GPU-h");
  const auto pair = [](double a, double b) { return fmt::format("{} / {}", human_duration(a), human_duration(b)); };
  for (const auto* list : {&s.by_size_band, &s.by_kind})
    for (const JobGroupStats& g : *list)
      fmt::print("  {:<12}{:>10}{:>14}{:>22}{:>22}{:>22}\n", list == &s.by_size_band ? g.group + " GPU" : g.group,
                 with_commas(static_cast<double>(g.jobs)), with_commas(g.gpu_hours), pair(g.queue.p50_s, g.queue.p99_s),
                 pair(g.queue_by_gpu_hours.p50_s, g.queue_by_gpu_hours.p99_s), pair(g.jct.p99_s, g.jct_by_gpu_hours.p99_s));
  if (s.longest_waits.empty() || !(s.longest_waits.front().wait_s > 0)) return;
  fmt::print("\n  {:<36}{:>12}{:>10}{:>12}  {}\n", "longest waits", "kind", "GPUs", "submitted", "waited");
  for (const LongWait& w : s.longest_waits) {
    if (!(w.wait_s > 0)) break;
    const Job& job = workload.jobs[w.id];
    std::string name = w.id < workload.names.size() && !workload.names[w.id].empty() ? workload.names[w.id] : fmt::format("job {}", w.id);
    if (name.size() > 34) {  // cut at a character's first byte, not inside a UTF-8 sequence
      size_t cut = 33;
      while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
      name = name.substr(0, cut) + "~";
    }
    fmt::print("  {:<36}{:>12}{:>10}{:>12}  {}\n", name, to_string(job.kind), with_commas(job.gpus),
               "day " + with_commas(std::floor(w.submit_s / 86400)), human_duration(w.wait_s) + (w.started ? "" : " (never ran)"));
  }
}

void print_summary(const Scenario& scenario, const Workload& workload, const SimResults& r) {
  const SimSummary& s = r.summary;
  // One line of the summary table: a label and its value, right-aligned.
  const auto row = [](std::string_view label, const std::string& value) {
    fmt::print("  {:<28}{:>16}\n", label, value);
  };
  fmt::print("gpufleet simulate: {}\n", scenario.name);
  fmt::print("  policy {} / {}{}, seed {}, {} sites, {} providers\n", r.queue_policy, r.placement_policy,
             scenario.policy.free_preemption ? " (free preemption)" : "", r.seed, scenario.sites.size(),
             scenario.providers.size());
  if (workload.rows_skipped > 0)
    fmt::print("  skipped {} malformed trace rows (first: {})\n", workload.rows_skipped, workload.first_skipped);
  if (s.trace_rows_without_gpus > 0)
    fmt::print("  skipped {} trace rows that request no GPU (CPU-only jobs)\n",
               with_commas(static_cast<double>(s.trace_rows_without_gpus)));
  if (s.trace_rows_not_replayed > 0)
    fmt::print("  left out {} trace rows that are no job that ran (job steps, never started, still running)\n",
               with_commas(static_cast<double>(s.trace_rows_not_replayed)));
  std::fputc('\n', stdout);
  row("jobs", with_commas(static_cast<double>(s.jobs)));
  row("completed", with_commas(static_cast<double>(s.completed)));
  if (s.unplaceable > 0) row("unplaceable (too large)", with_commas(static_cast<double>(s.unplaceable)));
  if (s.never_started > 0) row("never started", with_commas(static_cast<double>(s.never_started)));
  const auto three = [](double mean, double p50, double p99) {
    return fmt::format("{} / {} / {}", human_duration(mean), human_duration(p50), human_duration(p99));
  };
  row("mean / p50 / p99 JCT", three(s.mean_jct_s, s.p50_jct_s, s.p99_jct_s));
  row("  by GPU-hours", three(s.jct_by_gpu_hours.mean_s, s.jct_by_gpu_hours.p50_s, s.jct_by_gpu_hours.p99_s));
  row("mean / p50 / p99 queue", three(s.mean_queue_s, s.p50_queue_s, s.p99_queue_s));
  row("  by GPU-hours", three(s.queue_by_gpu_hours.mean_s, s.queue_by_gpu_hours.p50_s, s.queue_by_gpu_hours.p99_s));
  row("makespan", human_duration(s.makespan_s));
  row("GPU-hours busy", with_commas(s.gpu_seconds_busy / 3600));
  row("committed utilisation", fmt::format("{:.1f}%", 100 * s.committed_utilisation));
  row("cost", s.electricity_usd > 0 ? fmt::format("{} (electricity {})", human_usd(s.cost_usd), human_usd(s.electricity_usd))
                                      : human_usd(s.cost_usd));
  row("energy", fmt::format("{} MWh", with_commas(s.energy_mwh)));
  row("carbon", fmt::format("{} t CO2e", with_commas(s.carbon_t)));
  if (s.interruptions > 0 || scenario.faults.any()) {
    row("interruptions",
               fmt::format("{} ({} fail, {} spot, {} outage, {} preempt)", with_commas(static_cast<double>(s.interruptions)),
                           s.interruptions_by_failure, s.interruptions_by_spot, s.interruptions_by_outage, s.preemptions));
    row("GPU-hours lost (redone)", with_commas(s.gpu_seconds_lost / 3600));
    row("restarts per job", fmt::format("{:.3f}", s.restarts_per_job));
    row("goodput", fmt::format("{:.2f}%", 100 * s.goodput));
  }
  if (s.fractional_gpus_rounded > 0)
    row("fractional GPUs rounded up", with_commas(static_cast<double>(s.fractional_gpus_rounded)));
  if (s.cost_placement_cost_usd >= 0)
    row("vs cost placement",
               fmt::format("{} t, {}", with_commas(s.cost_placement_carbon_t), human_usd(s.cost_placement_cost_usd)));
  row("events", with_commas(static_cast<double>(s.events)));
  row("simulation wall time", fmt::format("{:.3f} s", s.sim_wall_s));
  if (scenario.providers.size() > 1 || s.cost_usd > 0) {
    fmt::print("\n  {:<12}{:>12}{:>12}{:>12}{:>12}{:>13}{:>16}{:>14}\n", "provider", "total", "contracts", "on-demand",
               "spot", "electricity", "GPU-hours", "availability");
    for (size_t p = 0; p < r.by_provider.size(); ++p) {
      const ProviderTotals& t = r.by_provider[p];
      fmt::print("  {:<12}{:>12}{:>12}{:>12}{:>12}{:>13}{:>16}{:>14}\n", scenario.providers[p].name, human_usd(t.cost_usd),
                 human_usd(t.contract_usd), human_usd(t.on_demand_usd), human_usd(t.spot_usd), human_usd(t.electricity_usd),
                 with_commas(t.gpu_seconds_busy / 3600), fmt::format("{:.4f}%", 100 * t.availability));
    }
  }
  print_job_times(workload, s);
  if (!r.outages.empty()) {
    fmt::print("\n  {:<44}{:>12}{:>10}{:>10}{:>16}{:>14}\n", "outage", "start", "hours", "jobs hit",
               "GPU-h lost", "extra OD");
    for (const OutageResult& o : r.outages)
      fmt::print("  {:<44}{:>12}{:>10.1f}{:>10}{:>16}{:>14}\n", o.name, human_duration(o.start_s),
                 (o.end_s - o.start_s) / 3600, o.jobs_hit, with_commas(o.gpu_seconds_lost / 3600),
                 human_usd(o.extra_on_demand_usd));
  }
}

// On stderr, before the run: a workload that offers more work than the fleet can do queues
// without bound and runs slowly; say so with the numbers.
void warn_if_overloaded(const Scenario& scenario, const Workload& workload) {
  const OfferedLoad load = offered_load(scenario, workload);
  if (!(load.ratio() > 1)) return;
  std::fprintf(stderr,
               "warning: the workload offers %s the fleet's capacity: %s reference GPU-hours over %s against %s "
               "(contracts, on-demand and spot, all in service); queues will grow through the run and it may be slow\n",
               std::isfinite(load.ratio()) ? fmt::format("{:.2f}x", load.ratio()).c_str() : "work beyond",
               with_commas(load.demand_ref_gpu_hours).c_str(), human_duration(load.span_s).c_str(),
               with_commas(load.capacity_ref_gpu_hours).c_str());
}

// On stderr, before the run: markets that the power left by a site's contracts cannot all
// run (the simulator offers only what fits).
void warn_of_market_power_limits(const Scenario& scenario, const Workload& workload) {
  std::vector<fleet::MarketPowerLimit> limits;
  fleet::build_pools(scenario, workload, &limits);
  for (const fleet::MarketPowerLimit& l : limits) {
    const Site& site = scenario.sites[static_cast<size_t>(l.site)];
    std::fprintf(stderr,
                 "warning: from %s the markets at site '%s' offer %s GPUs, but its contracts draw %.3f MW of its %g MW "
                 "power cap: %s of them can run\n",
                 format_iso_date(static_cast<int64_t>(scenario.start_unix_s + l.from_s)).c_str(), site.name.c_str(),
                 with_commas(static_cast<double>(l.offered_gpus)).c_str(), l.contracts_mw, site.power_cap_mw,
                 with_commas(static_cast<double>(l.usable_gpus)).c_str());
  }
}

void run(const SimulateArgs& given) {
  ProgressLine progress(!given.quiet);
  SimulateArgs args = given;
  if (args.gpus > 0) args.request.gpus = args.gpus;
  auto prepared = prepare(args, progress);
  if (!prepared) exit_bad_input(prepared.error());
  auto& [scenario, workload, inputs] = *prepared;
  if (!args.out_dir.empty()) refuse_overwriting_input("--out", args.out_dir, inputs, true);
  if (!args.report.empty()) refuse_overwriting_input("--report", args.report, inputs, false);
  if (!args.quiet) {
    warn_if_overloaded(scenario, workload);
    warn_of_market_power_limits(scenario, workload);
  }
  SimOptions options;
  const auto wall_start = std::chrono::steady_clock::now();
  const double start_unix_s = scenario.start_unix_s;
  options.progress = [&](const SimProgress& p) {
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    progress.detail(fmt::format("{} ({:.0f}%), {}", format_iso_date(static_cast<int64_t>(start_unix_s + p.simulated_s)),
                                100 * p.fraction, rate_and_eta(p.fraction, static_cast<double>(p.events), wall_s)));
  };
  options.job_rows = !args.out_dir.empty() || !args.report.empty();  // only jobs.csv needs them
  progress.begin("simulating");
  auto results = simulate(scenario, workload, options);
  progress.end();
  if (!results) exit_bad_input(results.error());
  if (!args.quiet) print_summary(scenario, workload, *results);
  const auto write = [&](const std::string& dir) { return write_sim_results(*results, scenario, workload, dir); };
  if (!args.out_dir.empty()) {
    std::fflush(stdout);
    progress.begin("writing the results");
    write_results_folder(args.out_dir, "simulate", write);
    progress.end();
    if (!args.quiet) fmt::print("\n  results written to {}/ (summary.json, jobs.csv, timeseries.csv, focus.csv)\n", args.out_dir);
  }
  if (!args.report.empty()) {
    std::fflush(stdout);
    progress.begin("writing the report");
    report_results(args.out_dir, args.report, "simulate", write);
    progress.end();
    if (!args.quiet) fmt::print("  report written to {}\n", args.report);
  }
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto args = std::make_shared<SimulateArgs>();
  auto* cmd = app.add_subcommand("simulate", "Run a workload on a fleet and account for cost, energy and carbon");
  cmd->add_option("scenario", args->request.scenario_path, "Scenario YAML (default: the built-in scenario)");
  cmd->add_option("--trace", args->request.trace, "Replace the workload by a trace: philly:PATH, sia:PATH, csv:PATH or slurm:PATH (sacct --parsable2)");
  cmd->add_option("--map", args->request.map,
                  "csv trace columns: submit=COL,duration=COL,gpus=COL[,end=COL][,start=COL][,tenant=COL][,kind=COL][,accelerator=COL]");
  cmd->add_option("--time-format", args->request.time_format, "csv trace times: epoch, iso8601 or seconds (default)");
  cmd->add_option("--gpus", args->gpus, "Replace the fleet by one site of N reference GPUs on 8-GPU nodes, at no price")
      ->check(whole_number_in(1, kMaxFleetNodes * 8, "GPUs"));
  cmd->add_option("--policy", args->request.policy, "Queue policy (fifo, sjf, fifo-backfill, srtf, las), optionally /PLACEMENT");
  cmd->add_option("--placement", args->request.placement, "Placement policy (cost, best-fit, carbon, count)");
  cmd->add_option("--seed", args->request.seed, "Seed of every random draw (default: the scenario's)");
  cmd->add_option("--out", args->out_dir, "Write summary.json, jobs.csv, timeseries.csv and focus.csv (the bill, FinOps FOCUS) into DIR")->check(non_empty_path());
  cmd->add_option("--report", args->report, "Write the HTML report of the results into FILE")->check(non_empty_path());
  cmd->add_flag("--quiet", args->quiet, "Print nothing but errors; no progress bar");
  cmd->add_flag("--skip-bad-rows", args->request.skip_bad_rows, "Count and skip malformed trace rows instead of failing");
  cmd->add_option("--checkpoint-cost", args->request.checkpoint_cost,
                  "With --trace: what one checkpoint write costs (e.g. 1m; default none: jobs run for their recorded durations)");
  cmd->add_option("--preemption", args->request.preemption,
                  "checkpoint (default: srtf and las preempt for the first waiting job, at a checkpoint) or free "
                  "(re-pack every job by priority at every dispatch, preempting at no cost, as the Tiresias simulator)");
  cmd->add_option("--las-demotion", args->request.las_demotion,
                  "exact (default: at the instant a threshold is crossed) or tiresias (checked at each dispatch, one level "
                  "at a time, timed as the Tiresias simulator; las with --preemption free)");
  cmd->add_flag("--no-faults", args->request.no_faults,
                "Turn every fault source off: node failures, fault traces, spot preemptions, outages");
  cmd->callback([args] { run(*args); });
}

}  // namespace gpufleet::cli
