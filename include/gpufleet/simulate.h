// Runs a workload on a scenario's fleet and accounts for what happens.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"

namespace gpufleet {

inline constexpr size_t kLongestWaits = 10;

enum class CapacitySource : uint8_t { contract = 0, on_demand = 1, spot = 2 };
std::string_view to_string(CapacitySource source);

// How far a simulation is, for a progress display.
struct SimProgress {
  double fraction = 0;     // of the horizon simulated, in [0, 1]
  double simulated_s = 0;  // simulated seconds from the scenario start
  int64_t events = 0;      // events handled so far
};

struct SimOptions {
  std::string queue_policy;      // empty = scenario.policy.queue
  std::string placement_policy;  // empty = scenario.policy.placement
  bool compare_with_cost_placement = true;  // carbon placement: also run cost placement
  // Fill SimResults::jobs (a row per job, 96 bytes each: 960 MB for 10 M jobs). Without
  // them the summary is the same; `gpufleet simulate` asks for them only to write results.
  bool job_rows = true;
  // Called now and then (at most ~200 times, and once at the end) with how far the run is;
  // may be empty. Called on the simulating thread.
  std::function<void(const SimProgress&)> progress;
};

// One row per job of the workload, in id order.
struct JobResult {
  uint32_t id = 0;
  double submit_s = 0;
  double start_s = -1;    // -1: never started
  double end_s = -1;      // -1: did not finish within the horizon
  uint32_t gpus = 0;
  int site = -1;          // index into Scenario::sites of the (last) placement
  CapacitySource source = CapacitySource::contract;
  uint32_t restarts = 0;  // interruptions (failures, preemptions, outages) it went through
  int accelerator = -1;   // index into Scenario::accelerators of the (last) placement
  // Allocated GPUs (whole nodes for gang jobs) x seconds run, every run, before the horizon.
  double gpu_seconds_allocated = 0;
  // Those GPU-hours at the price of the pool each run was in (contracts: their rate), in all
  // and by source. A contract's take-or-pay bill for GPUs no job used is the contract's
  // (ContractTotals::idle_usd), not a job's: jobs' contract_usd + idle = the contracts' bill.
  double cost_usd = 0;
  double contract_usd = 0, on_demand_usd = 0, spot_usd = 0;
};

struct ProviderTotals {
  double cost_usd = 0;           // contracts (take-or-pay) + on-demand + spot + electricity
  double contract_usd = 0;
  double on_demand_usd = 0;
  double spot_usd = 0;
  // The electricity of its sites' held GPUs (SiteTotals::electricity_usd) when the scenario
  // bills energy (Scenario::bill_energy), else 0.
  double electricity_usd = 0;
  double gpu_seconds_busy = 0;
  // Share of the provider's nominal GPU-seconds that were in service (not failed, not reclaimed,
  // not down in an outage); 1 when it has no capacity.
  double availability = 1.0;
};

// One contract's bill over the horizon: cost_usd = usd_per_gpu_hour x max(take-or-pay share x
// capacity, GPUs used); idle_usd the part paid for committed GPUs no job used.
struct ContractTotals {
  double cost_usd = 0;
  double idle_usd = 0;
  double termination_fee_usd = 0;  // billed at the exercised termination date (in cost_usd too)
};

// What a spend commitment billed: GPU-hours drawn at its discount (on the provider's on-demand
// markets) and, at each commitment year's end, the shortfall (SpendCommitment). Both are
// counted as the provider's contract spend.
struct SpendTotals {
  double spent_usd = 0;
  double shortfall_usd = 0;
  double cost_usd() const { return spent_usd + shortfall_usd; }
};

// One outage as it happened, with what it cost.
struct OutageResult {
  std::string name;
  double start_s = 0, end_s = 0;     // end_s may lie past the horizon
  int64_t jobs_hit = 0;              // running jobs it interrupted
  double gpu_seconds_lost = 0;       // their work since the last checkpoint
  double extra_on_demand_usd = 0;    // on-demand spend of those jobs after they were hit
};

struct SiteTotals {
  double gpu_seconds_busy = 0;
  // Held GPUs x board power x PUE, busy at full power and idle at the idle share (PoolPower).
  double energy_mwh = 0;
  double carbon_t = 0;     // energy x grid intensity of the hour
  double electricity_usd = 0;  // energy x the site's USD/MWh (in cost_usd when energy is billed)
};

// What a line of the bill is (focus.csv): use of capacity, the unused part of a commitment (a
// contract's idle take-or-pay, a spend commitment's shortfall), or a one-time fee (an
// exercised early termination).
// Or electricity: what a pool's held GPUs drew (when the scenario bills energy), with the
// pool's source but no contract; its gpu_hours are the held GPU-hours.
enum class ChargeKind : uint8_t { use = 0, unused_commitment = 1, fee = 2, electricity = 3 };

// One line of the bill: what one pool (a site, an accelerator and a source), a contract or a
// spend commitment charged during one UTC calendar day. Lines with the same key are merged, so
// the key (day, provider, site, accelerator, source, contract, spend_commitment, kind) is unique.
// The usd of all lines sums to SimSummary::cost_usd (up to rounding), those of a provider to
// its ProviderTotals::cost_usd; by source, the lines other than electricity to its contract /
// on-demand / spot spend, and the electricity lines to its electricity_usd.
struct DailyCharge {
  int64_t day = 0;       // the UTC day: Unix seconds of its midnight / 86400
  int provider = -1;     // index into Scenario::providers
  int site = -1;         // index into Scenario::sites; -1: none (a spend commitment's shortfall)
  int accelerator = -1;  // index into Scenario::accelerators; -1: none (fees, shortfalls)
  CapacitySource source = CapacitySource::contract;  // as ProviderTotals counts the spend
  int contract = -1;          // index into Scenario::contracts of the contract billing it
  int spend_commitment = -1;  // index into Scenario::spend_commitments drawn on or short
  ChargeKind kind = ChargeKind::use;
  double usd = 0;        // billed
  // GPU-hours priced: use, GPUs allocated x hours (a contract's busy GPUs); a contract's unused
  // part, committed GPUs no job used x hours; 0 for fees and shortfalls.
  double gpu_hours = 0;
  // The same at the list price: on-demand and spot at their market price, use under a spend
  // commitment before its discount; contracts, fees and shortfalls at what they bill.
  double list_usd = 0;
};

// One row per simulated hour: values averaged over the hour (queued_jobs sampled at its end).
struct HourRow {
  double busy_gpus = 0;
  double capacity_gpus = 0;          // contract + on-demand + spot GPUs in service
  // Work done, in reference GPUs (H100-SXM = 1): the GPUs jobs asked for x their pool's speed
  // factor, hour average. Over a job's run it adds up to its reference GPU-hours, the unit of
  // a plan's demand.
  double work_ref_gpus = 0;
  int64_t queued_jobs = 0;
  std::vector<double> spend_usd_by_provider;  // spent during this hour, per provider
  // The same split by provider and source, [provider * 3 + CapacitySource]: busy physical
  // GPUs (hour average) and USD spent during the hour. Each sums to the column above.
  std::vector<double> busy_gpus_by_provider_source;
  std::vector<double> spend_usd_by_provider_source;
  // Electricity billed during the hour, per provider: spend_usd_by_provider is this plus the
  // provider's three sources.
  std::vector<double> electricity_usd_by_provider;
};

// Mean, median and 99th percentile of a time over a set of jobs, in seconds. Per job: each job
// counts once, percentiles by nearest rank on the sorted values (index floor(q x (n - 1))).
// Weighted by GPU-hours: each job counts as its GPUs x run time on the reference accelerator
// (an 8,192-GPU run counts 8,192 times a one-GPU job as long); the q-percentile is the
// smallest value at or below which lies at least q of the weight, the mean the weighted mean.
struct TimeStats {
  double mean_s = 0, p50_s = 0, p99_s = 0;
};

// Queue time (started jobs) and JCT (completed jobs) of one group of jobs: a size band of
// GPUs asked for ("1", "2-8", "9-64", "65-512", "513+") or a kind ("training", ...).
struct JobGroupStats {
  std::string group;
  int64_t jobs = 0, started = 0, completed = 0;
  double gpu_hours = 0;  // the group's jobs' GPUs x reference run time, in hours (the weight)
  TimeStats queue, queue_by_gpu_hours;
  TimeStats jct, jct_by_gpu_hours;
};

// A job among those that waited longest: from submission to its first start, or, when it
// never started, to the horizon (still waiting then).
struct LongWait {
  uint32_t id = 0;   // index into Workload::jobs (and Workload::names when it has names)
  double submit_s = 0;
  double wait_s = 0;
  bool started = false;
};

struct SimSummary {
  int64_t jobs = 0;
  int64_t completed = 0;
  int64_t never_started = 0;
  int64_t unplaceable = 0;           // larger than any pool it may run in: rejected at submit
  double mean_jct_s = 0, p50_jct_s = 0, p99_jct_s = 0;     // completed jobs
  double mean_queue_s = 0, p50_queue_s = 0, p99_queue_s = 0;  // started jobs
  // The same weighted by GPU-hours, and both split by size band and by kind (groups with no
  // job left out); the longest waits, longest first (at most kLongestWaits; ties by id).
  TimeStats queue_by_gpu_hours, jct_by_gpu_hours;
  // Their distributions by GPU-hours, for a CDF: at most ~200 points (seconds, share of the
  // GPU-hours of jobs whose time is at most that), the share rising to 1.
  std::vector<std::pair<double, double>> queue_cdf_by_gpu_hours, jct_cdf_by_gpu_hours;
  std::vector<JobGroupStats> by_size_band, by_kind;
  std::vector<LongWait> longest_waits;
  double makespan_s = 0;             // last completion - first submit
  double gpu_seconds_busy = 0;       // GPUs jobs asked for x seconds they ran (the work done)
  double gpu_seconds_allocated = 0;  // the same with gang jobs' whole last nodes (paid for)
  double cost_usd = 0;               // every provider's cost_usd: capacity and electricity
  double electricity_usd = 0;        // the billed electricity in it (0 when energy is not billed)
  double committed_utilisation = 0;  // used / available contract GPU-seconds
  double energy_mwh = 0;
  double carbon_t = 0;
  // Reliability: interruptions of running jobs (failures, spot, outages, preemptions),
  // GPU-seconds of work redone (work since the last checkpoint when a job was interrupted),
  // restarts per started job, and goodput = useful GPU-seconds (busy minus lost, restart and
  // checkpoint time) / allocated GPU-seconds.
  int64_t interruptions = 0;
  int64_t interruptions_by_failure = 0, interruptions_by_spot = 0, interruptions_by_outage = 0,
          preemptions = 0;
  double gpu_seconds_lost = 0;
  double gpu_seconds_overhead = 0;
  double restarts_per_job = 0;
  double goodput = 1.0;
  int64_t node_failures = 0;         // node failures and spot reclaims drawn (hitting jobs or not)
  int64_t fractional_gpus_rounded = 0;  // trace rows whose fractional GPU count was rounded up
  int64_t trace_rows_without_gpus = 0;  // trace rows that requested no GPU (CPU-only jobs): skipped
  int64_t trace_rows_not_replayed = 0;  // other well-formed rows that are no job to replay (job steps, never ran)
  // With carbon placement: the same run with cost placement, for comparison (else -1).
  double cost_placement_carbon_t = -1, cost_placement_cost_usd = -1;
  int64_t events = 0;
  double sim_wall_s = 0;
};

struct SimResults {
  std::string scenario_name;
  std::string queue_policy, placement_policy;
  uint64_t seed = 0;
  SimSummary summary;
  std::vector<ProviderTotals> by_provider;  // indexed like Scenario::providers
  std::vector<SiteTotals> by_site;          // indexed like Scenario::sites
  std::vector<ContractTotals> by_contract;  // indexed like Scenario::contracts
  std::vector<SpendTotals> by_spend_commitment;  // indexed like Scenario::spend_commitments
  std::vector<JobResult> jobs;
  std::vector<HourRow> hours;
  std::vector<OutageResult> outages;  // in start order
  // The bill line by line, sorted by its key in field order (day first).
  std::vector<DailyCharge> charges;
};

// The work a workload offers against the work the fleet can do over the same span: [0, the
// horizon), or for an open horizon (a trace replay) up to the last submission. Both in
// reference GPU-hours (H100-SXM = 1.0): jobs' GPUs x run time, for jobs submitted in the span
// (every job, for an open horizon);
// every contract's ramp and every market's on-demand and spot GPUs x their accelerator's speed
// factor, at full availability (no failures, outages or preemptions).
struct OfferedLoad {
  double span_s = 0;
  double demand_ref_gpu_hours = 0;
  double capacity_ref_gpu_hours = 0;
  // demand / capacity; > 1: queues grow without bound (infinite when there is no capacity).
  double ratio() const;
};
OfferedLoad offered_load(const Scenario& scenario, const Workload& workload);

// REQUIRES: workload built for this scenario (accelerator masks index its accelerators).
// Deterministic: the same inputs give the same results (sim_wall_s aside).
Result<SimResults> simulate(const Scenario& scenario, const Workload& workload,
                            const SimOptions& options = {});

// summary.json's text as write_sim_results writes it (without the final newline).
std::string sim_summary_json(const SimResults& results, const Scenario& scenario, const Workload& workload);

// The columns of jobs.csv, in order.
inline constexpr std::array<std::string_view, 21> kJobsCsvColumns = {
    "id",     "name",     "tenant",  "kind",  "priority", "submit_s", "start_s", "end_s", "gpus", "accelerator", "site",
    "provider", "source", "queue_s", "jct_s", "gpu_hours_allocated", "cost_usd", "contract_usd", "on_demand_usd",
    "spot_usd", "restarts"};

// One row of jobs.csv before it becomes text: what each cell holds, names as indices into the
// scenario's and the workload's lists; -1 (or a null name) for an empty cell. The CSV writer
// and the Python module both read the rows through this.
struct JobRow {
  uint32_t id = 0;
  const std::string* name = nullptr;  // Workload::names[id], when the workload has names
  int tenant = -1;                    // into Workload::tenants
  int kind = -1;                      // a JobKind; -1 with priority unknown: no job of the workload
  int priority = 0;
  double submit_s = 0;
  bool started = false, ended = false;  // start_s, queue_s and end_s, jct_s are empty unless so
  double start_s = 0, end_s = 0, queue_s = 0, jct_s = 0;
  uint32_t gpus = 0;
  int accelerator = -1, site = -1, provider = -1;  // into Scenario::accelerators, sites, providers
  int source = -1;                                 // a CapacitySource, with the site
  double gpu_hours_allocated = 0, cost_usd = 0, contract_usd = 0, on_demand_usd = 0, spot_usd = 0;
  uint32_t restarts = 0;
};
// REQUIRES: i < results.jobs.size().
JobRow job_row(const SimResults& results, const Scenario& scenario, const Workload& workload, size_t i);

// The columns of timeseries.csv, in order: hour, time, then the totals, by provider and by
// provider and source (CapacitySource order, as identifiers: contract, on_demand, spot).
std::vector<std::string> timeseries_csv_columns(const Scenario& scenario);
// Contract GPUs per provider (indexed like Scenario::providers) at simulated time at_s, from
// the contracts' ramps: timeseries.csv's committed_physical_gpus_<provider>.
std::vector<int64_t> committed_gpus_by_provider(const Scenario& scenario, double at_s);

// Writes summary.json, jobs.csv, timeseries.csv and focus.csv (the bill in the FinOps FOCUS
// format, docs/focus-format.md) into dir (created if needed), each through
// a temporary file renamed into place.
Result<void> write_sim_results(const SimResults& results, const Scenario& scenario,
                               const Workload& workload, const std::string& dir);

}  // namespace gpufleet
