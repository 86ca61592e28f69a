// The model of a multi-cloud GPU fleet: the nouns every stage (simulate, plan, schedule) shares.
// Units are part of every field name. Times inside a Scenario are simulated seconds counted from
// Scenario::start_unix_s (the scenario's start date at 00:00 UTC).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;

// The longest simulated span (a scenario's horizon, or the span of a replayed trace) and the
// longest job: 100 years of 365 days. Hourly results are kept for the whole span (876,000
// hours), so this bounds the memory they take.
inline constexpr double kMaxHorizonS = 100 * 365 * kSecondsPerDay;

// The most nodes a fleet may offer (contracts at their peak plus every market's on-demand and
// spot GPUs, over GPUs per node): the simulator keeps state per node.
inline constexpr int64_t kMaxFleetNodes = int64_t{1} << 24;

// H200 measured at 80.3 W idle against its 700 W board power (docs/sources.md#idle-power).
inline constexpr double kDefaultIdlePowerShare = 0.115;

struct Accelerator {
  std::string name;           // "H100-SXM", "B200", ...
  double bf16_tflops = 0;     // dense BF16, no sparsity
  double hbm_gib = 0;
  double board_power_w = 0;
  double speed_factor = 1.0;  // throughput against the reference H100-SXM (= 1.0); > 0
  // What a GPU held but running no job draws, as a share of board_power_w, in [0, 1]. A held
  // GPU draws board_power_w x (idle_power_share + (1 - idle_power_share) x busy share); both the
  // simulator and the planner bill it so (docs/sources.md#idle-power for the default).
  double idle_power_share = kDefaultIdlePowerShare;

  bool operator==(const Accelerator&) const = default;  // field by field
};

// A provider is a failure domain.
struct Provider {
  std::string name;  // "aws", "azure", "gcp", "oracle", "coreweave", ...

  bool operator==(const Provider&) const = default;  // field by field
};

// Values per hour counted from the scenario start; the series repeats past its end.
// REQUIRES: values non-empty when used.
struct HourlySeries {
  std::vector<double> values;
  std::string source;  // path of the CSV it came from, for messages and reports
  std::string column;  // the CSV column the values came from
  bool empty() const { return values.empty(); }
  double at_hour(int64_t hour) const {
    const auto n = static_cast<int64_t>(values.size());
    int64_t i = hour % n;
    if (i < 0) i += n;
    return values[static_cast<size_t>(i)];
  }

  bool operator==(const HourlySeries&) const = default;  // field by field
};

// A real Slurm cluster that runs the jobs `gpufleet serve` places at a site (src/serve/
// slurm_backend.h). Without one a site's placements go to the dry-run backend, which only logs.
struct SlurmBackendSpec {
  std::string cluster;            // the cluster's ClusterName (checked at start)
  std::string partition;          // sbatch --partition
  std::string conf;               // slurm.conf of the cluster (SLURM_CONF); "" = Slurm's default
  std::string bin_dir;            // where sbatch, squeue, sinfo, scontrol, scancel are; "" = PATH
  std::string gres = "gpu";       // --gres=<gres>:<GPUs per node>, e.g. "gpu" or "gpu:h100"
  std::string command;            // the job's batch command (sbatch --wrap) ...
  std::string script;             // ... or a batch script (absolute path); exactly one of the two
  std::string account;            // --account for tenants not in accounts; "" = none
  std::vector<std::pair<std::string, std::string>> accounts;  // tenant -> --account
  std::string output;             // sbatch --output pattern; "" = Slurm's default
  std::vector<std::string> sbatch_args;  // more sbatch options, passed as they are
  double time_limit_factor = 1.0; // --time = estimated duration x this (rounded up to a minute)
  double poll_interval_s = 2;     // squeue / sinfo polling
  double retry_interval_s = 10;   // while the cluster refuses jobs: how often it is probed again
  double command_timeout_s = 30;  // one Slurm command may take this long
  // A job whose runs Slurm reports failed this many times (its own exit, a timeout, out of
  // memory; since the service started) is given up as failed instead of requeued again.
  int max_failures = 3;

  bool operator==(const SlurmBackendSpec&) const = default;  // field by field
};

struct Site {
  std::string name;          // unique id, e.g. "aws-us-west-2"
  int provider = -1;         // index into Scenario::providers
  std::string region;        // the provider's region name, e.g. "us-west-2"
  std::string jurisdiction;  // "US", "EU", "SG", ...
  double power_cap_mw = 0;   // IT + cooling power the site may draw for this lab; 0 = unlimited
  double pue = 1.0;          // >= 1
  int gpus_per_node = 8;
  double carbon_g_per_kwh = 0;  // used when carbon_hourly is empty
  HourlySeries carbon_hourly;   // g CO2e per kWh per hour, optional
  double electricity_usd_per_mwh = 0;
  std::optional<SlurmBackendSpec> slurm;  // `backend: {slurm: ...}`; none = dry run

  double carbon_at_hour(int64_t hour) const {
    return carbon_hourly.empty() ? carbon_g_per_kwh : carbon_hourly.at_hour(hour);
  }

  bool operator==(const Site&) const = default;  // field by field
};

// Capacity of a contract from at_s onwards (until the next step).
struct RampStep {
  double at_s = 0;
  int64_t gpus = 0;

  bool operator==(const RampStep&) const = default;  // field by field
};

// A capacity commitment. Take-or-pay: at every instant the lab pays
// price(t) * max(take_or_pay_share * capacity, used GPUs), where price(t) is the last price
// step's (or usd_per_gpu_hour) grown by escalator_per_year at each anniversary of start_s
// (contract_price_at). An early termination, when exercised, ends the contract at its date
// and bills its fee then.
// A contract's price from at_s onwards (until the next one): a ramp step's own price.
struct PriceStep {
  double at_s = 0;
  double usd_per_gpu_hour = 0;

  bool operator==(const PriceStep&) const = default;  // field by field
};

struct EarlyTermination {
  double at_s = 0;         // the contract may end here instead of at end_s (start_s < at_s < end_s)
  double fee_usd = 0;      // billed at at_s when exercised; >= 0
  bool exercised = false;  // the scenario (or the plan) ends the contract at at_s

  bool operator==(const EarlyTermination&) const = default;  // field by field
};

struct Contract {
  std::string name;
  int provider = -1;     // index into Scenario::providers
  int site = -1;         // index into Scenario::sites; the site's provider must equal provider
  int accelerator = -1;  // index into Scenario::accelerators
  std::vector<RampStep> ramp;  // sorted by at_s; capacity before the first step is 0
  double usd_per_gpu_hour = 0;
  double start_s = 0;          // capacity is 0 outside [start_s, end_s)
  double end_s = 0;
  double take_or_pay_share = 1.0;  // in [0, 1]
  std::vector<PriceStep> prices;   // sorted by at_s; before the first the price is usd_per_gpu_hour
  double escalator_per_year = 0;   // the price grows by this share at each anniversary; in [-0.5, 1]
  std::optional<EarlyTermination> termination;

  // Where the capacity ends: end_s, or the termination date when it is exercised.
  double in_force_until_s() const { return termination && termination->exercised ? termination->at_s : end_s; }

  // GPUs available at simulated time t.
  int64_t gpus_at(double t_s) const {
    if (t_s < start_s || t_s >= in_force_until_s()) return 0;
    int64_t g = 0;
    for (const auto& step : ramp) {
      if (step.at_s > t_s) break;
      g = step.gpus;
    }
    return g;
  }

  // Mean GPUs available over [from_s, to_s) (simulated seconds, from_s < to_s): ramp steps,
  // starts and ends inside the interval count pro rata.
  double average_gpus(double from_s, double to_s) const {
    if (!(to_s > from_s)) return static_cast<double>(gpus_at(from_s));
    const double lo = std::max(from_s, start_s), hi = std::min(to_s, in_force_until_s());
    if (!(hi > lo)) return 0;
    double gpu_s = 0, at = lo;
    int64_t g = gpus_at(lo);
    for (const auto& step : ramp) {
      if (step.at_s <= lo) continue;
      if (step.at_s >= hi) break;
      gpu_s += static_cast<double>(g) * (step.at_s - at);
      at = step.at_s;
      g = step.gpus;
    }
    gpu_s += static_cast<double>(g) * (hi - at);
    return gpu_s / (to_s - from_s);
  }

  bool operator==(const Contract&) const = default;  // field by field
};

// What a contract costs per hour while `capacity_gpus` are available and `used_gpus` of them
// busy: the take-or-pay share of capacity is paid whether used or not, use above it is paid as
// used. The one definition the simulator, the planner and every report share.
inline double contract_usd_per_hour(double usd_per_gpu_hour, double take_or_pay_share, double capacity_gpus,
                                    double used_gpus) {
  const double billed = take_or_pay_share * capacity_gpus > used_gpus ? take_or_pay_share * capacity_gpus : used_gpus;
  return usd_per_gpu_hour * billed;
}

// Electricity of one GPU of accelerator a at site s, USD per hour (board power x PUE x the
// site's $/MWh): held, it draws the idle share of it; busy, the rest on top. The one
// definition of the energy bill the planner and risk share (the simulator's, sim/pool_power.h,
// integrates the same power over time).
struct GpuEnergyUsdPerHour {
  double held = 0;        // every GPU held: contracted, rented on-demand or spot
  double busy_extra = 0;  // on top, for each GPU carrying work
};
inline GpuEnergyUsdPerHour gpu_energy_usd_per_hour(const Accelerator& a, const Site& s) {
  const double full = a.board_power_w * s.pue * 1e-6 * s.electricity_usd_per_mwh;
  return {full * a.idle_power_share, full * (1.0 - a.idle_power_share)};
}

// The one price definition of a contract (simulator, planner and reports): USD per GPU-hour at
// simulated time t_s, for a scenario starting at epoch_unix_s (anniversaries are calendar
// dates: the start's day and time each year later).
double contract_price_at(const Contract& c, double t_s, int64_t epoch_unix_s);
// True when the price is usd_per_gpu_hour all through (no price steps, no escalator).
bool contract_price_is_flat(const Contract& c);
// The integral of the price over [from_s, to_s), in USD per GPU held all through (price x
// hours, pro rata across steps and anniversaries). REQUIRES: from_s <= to_s.
double contract_usd_per_gpu(const Contract& c, double from_s, double to_s, int64_t epoch_unix_s);
// What the contract bills over [from_s, to_s) while `capacity_gpus` are available and
// `used_gpus` busy throughout: contract_usd_per_hour at each instant's price.
inline double contract_usd(const Contract& c, double capacity_gpus, double used_gpus, double from_s, double to_s,
                           int64_t epoch_unix_s) {
  return contract_usd_per_hour(1.0, c.take_or_pay_share, capacity_gpus, used_gpus) *
         contract_usd_per_gpu(c, from_s, to_s, epoch_unix_s);
}
// What the whole capacity costs over [from_s, to_s) whatever is used: the integral of price x
// capacity (ramp steps, anniversaries, start and end pro rata); the take-or-pay part is
// take_or_pay_share times it.
double contract_capacity_usd(const Contract& c, double from_s, double to_s, int64_t epoch_unix_s);
// The contract delivered `delay_s` late (a slip of its provider's deliveries): its ramp steps
// and its start after the scenario start (t > 0) move by the delay, capped at its end; it still
// ends when it was signed to end. Capacity not yet delivered is not billed (contract_capacity_usd
// of the result). The one definition risk's period model and the stochastic plan share.
Contract delivered_late(const Contract& c, double delay_s);
// A spend (dollar) commitment: the lab commits to spend with one provider, over [start_s,
// end_s), at a discount on its list prices, on any of its sites and accelerators: the
// markets' on-demand list prices and availability. Each commitment year (the start's date
// each year later; the last may be shorter and commits pro rata) commits usd_per_year, grown
// by escalator_per_year each year; at its end shortfall_share of what was not spent is billed.
struct SpendCommitment {
  std::string name;
  int provider = -1;            // index into Scenario::providers
  double start_s = 0, end_s = 0;
  double usd_per_year = 0;      // > 0
  double discount = 0;          // off the on-demand list price; in [0, 1)
  double shortfall_share = 1.0; // of the unspent commitment; in [0, 1]
  double escalator_per_year = 0;  // the yearly commitment grows by this share each year; in [-0.5, 1]

  bool operator==(const SpendCommitment&) const = default;  // field by field
};

// The one account of a spend commitment (simulator, planner and reports).
// What a GPU-hour costs under it at a list price of list_usd_per_gpu_hour.
inline double spend_usd_per_gpu_hour(const SpendCommitment& s, double list_usd_per_gpu_hour) {
  return list_usd_per_gpu_hour * (1.0 - s.discount);
}
// The commitment years as [from, to) in simulated seconds, in order.
std::vector<std::pair<double, double>> spend_commitment_years(const SpendCommitment& s, int64_t epoch_unix_s);
// What year k (of spend_commitment_years) commits, in USD: usd_per_year x (1 + escalator)^k,
// pro rata when the year is cut short (by the end, or by `until_s`, the end of what is billed,
// e.g. the simulator's horizon).
double spend_committed_usd(const SpendCommitment& s, int64_t epoch_unix_s, size_t year, double until_s);
// What a year bills beyond what was spent in it: shortfall_share x the unspent commitment.
inline double spend_shortfall_usd(const SpendCommitment& s, double committed_usd, double spent_usd) {
  return committed_usd > spent_usd ? s.shortfall_share * (committed_usd - spent_usd) : 0.0;
}

// Capacity bought by the hour on top of contracts, per (site, accelerator).
struct Market {
  int site = -1;
  int accelerator = -1;
  double on_demand_usd_per_gpu_hour = 0;
  int64_t on_demand_gpus = 0;  // how many can be had at once
  double spot_usd_per_gpu_hour = 0;
  int64_t spot_gpus = 0;
  double spot_preemptions_per_node_hour = 0;  // each spot node is reclaimed at this rate

  bool operator==(const Market&) const = default;  // field by field
};

// A price catalogue some markets were read from (a `markets:` entry with `from_catalog`): the
// scenario's provenance, shown by `gpufleet validate`. docs/catalog-format.md.
struct CatalogSource {
  std::string path;         // the catalogue file, resolved against the scenario's folder
  std::string provider;
  std::string date;         // YYYY-MM-DD: the entry's `date`, else the file's modification date (UTC)
  bool date_from_file = false;
  int markets_added = 0;    // markets made from the catalogue
  int markets_written = 0;  // pairs it prices that explicit entries give: those entries were kept
  int on_demand_unpriced = 0;  // markets whose region has no on-demand price: no on-demand there
  int spot_unpriced = 0;       // markets whose region has no spot price: no spot there
  std::vector<std::string> sites_without_price;  // the provider's sites the catalogue does not price
  int64_t rows = 0;
  int64_t rows_unknown_accelerator = 0;  // accelerator names not in the map, skipped
  int64_t rows_fractional_gpus = 0;      // shares of a GPU, skipped
  int64_t rows_skipped = 0;              // malformed, skipped (skip_bad_rows)
  int64_t rows_without_price = 0;        // neither an on-demand nor a spot price, skipped
  int64_t rows_other_instance = 0;       // instance types the entry's instance_types leaves out
  std::vector<std::string> unknown_accelerators;  // their names, sorted

  bool operator==(const CatalogSource&) const = default;  // field by field
};

enum class JobKind : uint8_t { training = 0, research = 1, inference = 2 };
std::string_view to_string(JobKind kind);
std::optional<JobKind> job_kind_from_string(std::string_view name);

// How the columns of a generic CSV trace map to job fields: the header names of the columns.
// submit and gpus are required, and one of duration (seconds) or end (a time; the run time is
// end - start, or end - submit without a start column).
struct CsvTraceMap {
  std::string submit, duration, end, start, gpus, tenant, kind, accelerator;

  bool operator==(const CsvTraceMap&) const = default;  // field by field
};

// How times are written in a CSV trace: seconds from any origin, Unix seconds, or ISO 8601
// ("2024-03-30T08:00:00Z", "2024-03-30 08:00:00").
enum class TimeFormat : uint8_t { seconds = 0, epoch = 1, iso8601 = 2 };

// A trace file to replay. time_scale stretches inter-arrival times (0.5 = twice as many
// arrivals per hour), size_scale multiplies each job's GPUs (rounded, at least 1),
// duration_scale multiplies durations. offset_s shifts submits after rebasing the first
// submit of the trace to 0.
struct TraceSource {
  std::string format;  // "philly" | "sia" | "csv"
  std::string path;    // resolved against the scenario file's folder
  double time_scale = 1.0;
  double size_scale = 1.0;
  double duration_scale = 1.0;
  double offset_s = 0;
  std::string tenant;  // if set, overrides the trace's own tenant / virtual cluster column
  JobKind kind = JobKind::research;  // unless a csv trace maps a kind column
  CsvTraceMap map;                    // csv only
  TimeFormat time_format = TimeFormat::seconds;  // csv only

  bool operator==(const TraceSource&) const = default;  // field by field
};

// A stream of generated jobs: Poisson arrivals between start_s and end_s, sizes from a
// discrete distribution, durations lognormal (median, sigma), capped at duration_max_s.
struct JobClass {
  std::string name;
  JobKind kind = JobKind::research;
  std::string tenant;
  int priority = 0;                     // higher runs first where a policy honours it
  double arrivals_per_hour = 0;
  std::vector<int> gpus;                // sizes ...
  std::vector<double> gpus_weight;      // ... and their relative weights (same length)
  double duration_median_s = 3600;
  double duration_sigma = 1.0;          // of ln(duration)
  double duration_max_s = 30 * kSecondsPerDay;
  std::vector<std::string> accelerators;  // allowed names; empty = any
  std::string jurisdiction;               // empty = any
  double start_s = 0;
  std::optional<double> end_s;            // default: the horizon
  std::optional<double> checkpoint_interval_s;  // overrides Scenario::checkpoint.interval_s
  std::optional<double> checkpoint_cost_s;      // overrides Scenario::checkpoint.cost_s
  double flexible_slack_s = 0;  // > 0: may wait up to this long for cleaner power (carbon placement)

  bool operator==(const JobClass&) const = default;  // field by field
};

// Explicitly listed jobs (a pre-training run, an inference fleet), repeated `count` times
// every `every_s` seconds.
struct FixedJob {
  std::string name;
  JobKind kind = JobKind::training;
  std::string tenant;
  int priority = 0;
  double submit_s = 0;
  int gpus = 1;
  double duration_s = 0;                  // on the reference accelerator
  std::vector<std::string> accelerators;  // allowed names; empty = any
  std::string jurisdiction;
  int count = 1;
  double every_s = 0;
  std::optional<double> checkpoint_interval_s;  // overrides Scenario::checkpoint.interval_s
  std::optional<double> checkpoint_cost_s;      // overrides Scenario::checkpoint.cost_s
  double flexible_slack_s = 0;  // > 0: may wait up to this long for cleaner power (carbon placement)

  bool operator==(const FixedJob&) const = default;  // field by field
};

// How a job checkpoints. interval_s = 0: it never checkpoints, and a failure loses all the
// work since it (re)started. Times are wall seconds on the pool it runs in.
struct CheckpointSpec {
  double interval_s = 0;          // work between two checkpoints; >= 0
  double cost_s = 0;              // time the job spends writing one checkpoint; >= 0
  double restart_overhead_s = 0;  // time a restarted job spends before its work resumes; >= 0

  bool operator==(const CheckpointSpec&) const = default;  // field by field
};

struct WorkloadSpec {
  std::vector<TraceSource> traces;
  std::vector<JobClass> classes;
  std::vector<FixedJob> fixed;
  double max_jobs = 0;  // 0 = no cap; the generator stops after this many jobs
  // `from_plan_demand: true`: the jobs are made from the `plan:` section's demand (per period
  // and jurisdiction, in reference GPU-hours) with the classes' size and duration mix; the
  // classes' arrivals_per_hour weigh them against each other (build_plan_demand_workload).
  bool from_plan_demand = false;

  bool operator==(const WorkloadSpec&) const = default;  // field by field
};

// A tenant's (or virtual cluster's) share: up to guaranteed_gpus of its jobs run as
// guaranteed; beyond that its jobs borrow idle capacity (when can_borrow) and are preempted
// when a tenant within its guarantee needs the GPUs back.
struct TenantQuota {
  std::string tenant;
  int64_t guaranteed_gpus = 0;
  bool can_borrow = true;

  bool operator==(const TenantQuota&) const = default;  // field by field
};

struct PolicySpec {
  std::string queue = "fifo";          // fifo | sjf | fifo-backfill | srtf | las | ...
  std::string placement = "cost";      // cost | best-fit | carbon | count
  int backfill_depth = 256;            // jobs looked at behind a blocked head (EASY)
  // las (Tiresias 2D-LAS): a job moves from queue k to k+1 once its attained service
  // (GPUs x seconds run) reaches las_thresholds_gpu_s[k]; queues = thresholds + 1.
  std::vector<double> las_thresholds_gpu_s = {3600.0, 360000.0};  // 1 and 100 GPU-hours
  std::vector<TenantQuota> quotas;     // empty: no quotas
  // Free preemption with re-packing (`simulate --preemption free`; srtf and las only, no
  // quotas): at every dispatch, running and waiting jobs are ordered by the policy's priority
  // and GPUs filled in that order, skipping jobs that do not fit; running jobs left out are
  // preempted at no cost (no work lost, no restart overhead). false (the default): a preemptive
  // policy preempts only for the first waiting job, and a job that cannot start blocks those
  // behind it (no starvation of large jobs).
  bool free_preemption = false;
  // las with free preemption only (`simulate --las-demotion tiresias`): demotions checked at each
  // dispatch, one level at a time, the next check timed by the Tiresias simulator's formula
  // (sched/las_queue.h). false: a job is demoted at the instant its service crosses a threshold.
  bool las_demotion_at_dispatch = false;

  bool operator==(const PolicySpec&) const = default;  // field by field
};

// One outage of a site or of a whole provider: scheduled (start_s, duration_s), or random
// (per_year outages a year on average, Poisson, each lasting an exponential time of mean
// mean_duration_s). While it lasts every pool of the site(s) has no GPUs in service; jobs
// running there are interrupted.
struct OutageSpec {
  std::string name;              // for reports; default "<scope> <target>"
  bool provider_wide = false;    // false: target is a site index; true: a provider index
  int target = -1;
  std::optional<double> start_s; // scheduled ...
  double duration_s = 0;
  double per_year = 0;           // ... or random
  double mean_duration_s = 0;

  bool operator==(const OutageSpec&) const = default;  // field by field
};

// Everything that can interrupt a job. All sources off = a fault-free run.
struct FaultSpec {
  // Node failures: each GPU in service fails at this rate (a node of 8 GPUs at 8x it); the
  // node goes for repair for a lognormal time (median, sigma of ln).
  double node_failures_per_gpu_hour = 0;
  double repair_median_s = 0.85 * kSecondsPerDay;
  double repair_sigma = 1.92;
  // A replayed fault trace instead of (or besides) the rate: format "stepfun" (InfiniteHBD
  // fault_trace.json); its nodes are mapped onto the fleet's nodes in order.
  std::string trace_path;
  std::string trace_format;
  // Spot preemptions at each market's spot_preemptions_per_node_hour; a reclaimed spot node
  // comes back after an exponential time of this mean.
  bool spot_preemptions = true;
  double spot_return_s = 3600;
  std::vector<OutageSpec> outages;

  bool any() const {
    return node_failures_per_gpu_hour > 0 || !trace_path.empty() || spot_preemptions || !outages.empty();
  }
  // Turns every source off (--no-faults).
  void disable() {
    node_failures_per_gpu_hour = 0;
    trace_path.clear();
    spot_preemptions = false;
    outages.clear();
  }

  bool operator==(const FaultSpec&) const = default;  // field by field
};

// The default node failure rate: 419 unexpected interruptions in 54 days on 16,384 H100 GPUs
// (Llama 3 405B pre-training, "The Llama 3 Herd of Models", arXiv 2407.21783, Table 5; causes
// in data/gpu_failures/meta_llama3_405b/): 419 / (16,384 x 54 x 24) GPU-hours.
inline constexpr double kLlama3FailuresPerGpuHour = 419.0 / (16384.0 * 54.0 * 24.0);  // ~1.97e-5

// The default fault model: node failures at kLlama3FailuresPerGpuHour, repairs lognormal
// with the StepFun InfiniteHBD trace's median 0.85 d and mean 5.4 d (sigma = sqrt(2 ln(5.4 /
// 0.85)) = 1.92), spot preemptions at each market's rate, no outages.
FaultSpec default_fault_model();

struct Scenario {
  std::string name;
  std::string description;
  std::string source_file;  // where it was loaded from ("<built-in>" for the default)
  bool has_plan_section = false;  // the file has a `plan:` section (read by the planner's loader)
  int64_t start_unix_s = 0; // simulated time 0
  double horizon_s = 0;     // the simulation stops accepting and accounting at this time;
                            // +infinity: when the last job has ended (trace replay)
  uint64_t seed = 1;
  // Whether electricity is part of the bill: the energy of every held GPU (busy at board
  // power, idle at its idle share) x PUE x the site's $/MWh, in cost_usd and split out. The
  // plan section's bill_energy defaults to this.
  bool bill_energy = true;

  std::vector<Accelerator> accelerators;
  std::vector<Provider> providers;
  std::vector<Site> sites;
  std::vector<Contract> contracts;
  std::vector<SpendCommitment> spend_commitments;  // at most one in force per provider at once
  std::vector<Market> markets;
  std::vector<CatalogSource> catalogs;  // where catalogue markets came from, in file order
  WorkloadSpec workload;
  PolicySpec policy;
  CheckpointSpec checkpoint;  // defaults for every job; classes and fixed jobs may override
  FaultSpec faults;

  int find_accelerator(std::string_view name) const;  // -1 if absent
  int find_provider(std::string_view name) const;
  int find_site(std::string_view name) const;
  // Whether some site of the provider has an on-demand market (what a spend commitment buys).
  bool has_on_demand_market(int provider) const;

  bool operator==(const Scenario&) const = default;  // field by field
};

// Names accepted for policy.queue and policy.placement: the one list the loader validates
// against, kept in src/model/policy_names.cc so that new policies are added there.
const std::vector<std::string_view>& known_queue_policies();
const std::vector<std::string_view>& known_placement_policies();

// Loads and validates a scenario file. Errors name file:line:column, the field and what was
// expected; unknown keys name the nearest valid key; dangling references are caught here.
// Top-level sections owned by other stages (e.g. `plan`) are accepted and left to them.
Result<Scenario> load_scenario_file(const std::string& path);
// Same, from text; `name` is used as the file name in errors and to resolve relative paths.
Result<Scenario> load_scenario_text(const std::string& text, const std::string& name,
                                    const std::string& base_dir = ".");

// The built-in default scenario (a frontier lab in 2026-2027), as YAML text with its sources
// in comments; `gpufleet example` prints it.
std::string_view default_scenario_yaml();
Result<Scenario> default_scenario();

}  // namespace gpufleet

namespace gpufleet {

// A single cluster for replaying a trace: one provider and one site ("cluster"), `gpus`
// reference GPUs (H100-SXM, speed 1.0) on 8-GPU nodes held by one contract at no price, with
// an open horizon (the run ends when the last job has). REQUIRES: gpus > 0.
Scenario make_cluster_scenario(int64_t gpus);

}  // namespace gpufleet
