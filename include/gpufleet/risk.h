// Risk: fixed commitments evaluated over sampled futures (docs/risk-format.md).
// The uncertainty model is the scenario's `uncertainty:` section; futures are drawn from the
// scenario's seed, future k from a generator derived from (seed, k), so that any subset of
// futures on any number of threads gives the same numbers. Money is US dollars; capacity is in
// physical GPUs unless named ref (reference GPUs: physical x speed_factor).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/plan.h"
#include "gpufleet/scenario.h"

namespace gpufleet {

namespace risk {
class RankGroup;  // the processes a run is split across (src/risk/rank_group.h)
}  // namespace risk

// How one demand stream (training, or the inference of one jurisdiction) may differ from the
// plan's forecast: a multiplier per plan year (year 0 included) applied to the forecast.
enum class DemandModel : uint8_t {
  none = 0,       // the forecast
  lognormal = 1,  // yearly growth factors exp(volatility x e_y - volatility^2 / 2), mean 1, compounded
  normal = 2,     // yearly growth factors max(0, 1 + volatility x e_y), compounded
  scenarios = 3,  // one of the named scenarios, drawn by probability
};
std::string_view to_string(DemandModel model);

struct NamedDemand {
  std::string name;
  double probability = 0;              // the scenarios' probabilities sum to 1
  std::vector<double> multiplier;      // per plan year (level against the forecast), >= 0
};

struct DemandUncertainty {
  std::string jurisdiction;  // empty: training
  DemandModel model = DemandModel::none;
  double volatility = 0;     // per year; >= 0
  double correlation = 0;    // of e_y with e_{y-1} (AR(1) shocks, unit variance), in [-1, 1]
  std::vector<NamedDemand> scenarios;
};

// A provider's deliveries slip together: with `probability` per future, every ramp step (and
// start) of its contracts after the scenario start arrives late by a lognormal delay. A
// contract still ends when it was signed to end; capacity not yet delivered is not billed.
struct DeliverySlip {
  int provider = -1;
  double probability = 0;        // in [0, 1]
  double median_delay_s = 0;     // > 0
  double delay_sigma = 0;        // of ln(delay); >= 0
};

// With `probability` per future, the site gets a share of its power cap less for the whole
// horizon, uniform in [min_share, max_share]. GPUs that cannot be powered are not delivered
// (contracts pro rata, not billed) and cannot be bought.
struct PowerShortfall {
  int site = -1;
  double probability = 0;
  double min_share = 0, max_share = 0;  // 0 <= min <= max <= 1
};

// A provider's on-demand and spot prices follow multiplicative random walks from the
// scenario's prices: per period ln m_t = ln m_{t-1} + s e_t - s^2 / 2 with s = volatility x
// sqrt(period years) (mean 1); m = 1 in the first period.
struct PricePath {
  int provider = -1;
  double on_demand_volatility = 0;  // per year; >= 0
  double spot_volatility = 0;
};

// A provider, or every site of a jurisdiction, unavailable for months: in each plan year one
// disruption starts with `probability_per_year`, at a uniform time in the year, lasting a
// lognormal time. While it lasts no GPU of the domain (contract, on-demand or spot) is
// usable; take-or-pay is still billed (the lab bears the risk).
struct Disruption {
  int provider = -1;          // either a provider ...
  std::string jurisdiction;   // ... or a jurisdiction
  double probability_per_year = 0;  // in [0, 1]
  double median_duration_s = 0;     // > 0
  double duration_sigma = 0;        // >= 0
};

struct UncertaintySpec {
  DemandUncertainty training;
  std::vector<DemandUncertainty> inference;  // jurisdictions without an entry follow the forecast
  std::vector<DeliverySlip> delivery;
  std::vector<PowerShortfall> power;
  std::vector<PricePath> prices;
  std::vector<Disruption> disruptions;
  // What one reference GPU-hour of demand left unmet costs the lab (USD): the stochastic plan
  // weighs shortfall against commitments at this price. 0: not set (plan --futures needs it).
  double shortfall_penalty_usd_per_ref_gpu_hour = 0;
  bool any() const;
};

// The `uncertainty:` section of a scenario file (the YAML text of the whole file; only its
// `uncertainty:` key is read), resolved against the plan's scenario and demand. No section:
// an empty spec (the forecast, exactly). Errors name file:line:column and the field.
Result<UncertaintySpec> parse_uncertainty_section(const PlanInputs& inputs, const std::string& text,
                                                  const std::string& name);

// The commitments of a plan written by `gpufleet plan --out DIR` (DIR/plan.json), as contracts
// (take-or-pay share 1, one ramp step at the start, ending after the term). Errors name the
// file and the field when the plan does not fit the scenario (sites, accelerators, periods).
// REQUIRES: prepare_plan_inputs(inputs) succeeded.
Result<std::vector<Contract>> read_plan_commitments(const PlanInputs& inputs, const std::string& plan_dir);

// How a future is evaluated: the period model, or the discrete-event simulator (docs/risk-format.md).
enum class RiskFidelity : uint8_t { period_model = 0, simulator = 1 };

struct RiskOptions {
  int64_t futures = 1000;  // >= 1
  int threads = 1;         // >= 1, per rank; the results do not depend on it
  // The MPI ranks the futures are split across (contiguous blocks; rank 0 gathers, summarises
  // and reports); nullptr: this process alone. The results do not depend on it either.
  risk::RankGroup* ranks = nullptr;
  // simulator: each future replayed through simulate() (the scenario's workload must be
  // `from_plan_demand`); its outcome in the same FutureOutcome.
  RiskFidelity fidelity = RiskFidelity::period_model;
  // Called from worker threads with the futures of this rank's share done so far and the
  // share's size (every future in one process); may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
  // shards > 0: evaluate only shard `shard` of `shards` (one task of a job array; the futures
  // an MPI rank `shard` of `shards` would take); the result's outcomes are that block's alone,
  // from first_future, without summaries (merge_risk_shards makes the run). Not with ranks.
  int shard = 0, shards = 0;  // 0 <= shard < shards
};

// The most futures one run evaluates (a future's outcomes are kept until the end, and a run
// whose outcomes would take more than 4 GiB is refused before it starts).
inline constexpr int64_t kMaxRiskFutures = 10'000'000;

// Summary of one distribution over futures.
struct Distribution {
  double mean = 0, p5 = 0, p50 = 0, p95 = 0, cvar95 = 0;
};

// One future: what was drawn and what came of it.
struct FutureOutcome {
  // Draws.
  std::vector<double> demand_multiplier_final;  // per stream (training, then inference), in the last period
  std::vector<int> demand_scenario;             // per stream: index of the named scenario, or -1
  std::vector<double> delivery_delay_days;      // per provider (0: on time)
  std::vector<double> power_shortfall_share;    // per site
  std::vector<double> on_demand_price_final;    // per provider, multiplier in the last period
  std::vector<double> disrupted_days;           // per site, days unavailable in the horizon
  // Outcomes (USD; discounted = present value with the plan's discount rate).
  double cost_usd = 0;                       // discounted total
  double commitments_usd = 0, on_demand_usd = 0, spot_usd = 0, energy_usd = 0;  // discounted
  double idle_take_or_pay_usd = 0;           // discounted: take-or-pay paid for GPUs left idle
  std::vector<double> cost_by_year_usd;      // undiscounted, per plan year
  std::vector<double> cost_by_provider_usd;  // discounted, per provider
  std::vector<double> idle_by_provider_usd;  // discounted, per provider
  std::vector<double> shortfall_gpu_hours;   // per period, reference GPU-hours of demand unmet
  std::vector<double> shortfall_by_stream_gpu_hours;  // per stream, over the horizon

  bool operator==(const FutureOutcome&) const = default;
  // Per period (added for the report's fan charts; kept last so that serialisers of the fields
  // above are unchanged).
  std::vector<double> demand_ref_gpus;      // per period: mean demand of every stream, reference GPUs
  std::vector<double> delivered_ref_gpus;   // per period: contract GPUs delivered (after slips and site
                                            // power, before disruptions), reference GPUs
  std::vector<double> spend_by_provider_period_usd;  // undiscounted, provider-major: [p x periods + t]
  // Physical GPU-hours in service over the horizon: the contracts as delivered (late, within
  // the site's power, outside disruptions) and the markets' on-demand and spot GPUs outside
  // disruptions (the simulator: also outside node failures and spot reclaims). Not in futures.csv.
  double capacity_gpu_hours = 0;
};

struct RiskResult {
  // false on an MPI rank other than 0: its futures went to rank 0, which alone has the
  // outcomes and the summaries below (empty here), and prints and writes them.
  bool reports = true;
  int64_t first_future = 0;  // of outcomes[0]: 0 but in a shard
  std::string scenario;
  int64_t futures = 0;
  uint64_t seed = 0;
  RiskFidelity fidelity = RiskFidelity::period_model;  // how the futures were evaluated
  std::vector<std::string> streams;          // "training", "inference EU", ...
  std::vector<std::string> period_labels;    // the plan's periods
  std::vector<std::string> year_labels;      // plan years
  std::vector<std::string> providers;
  std::vector<std::string> sites;
  // The contracts evaluated: the scenario's (existing = true), then the plan's commitments.
  struct ContractTerms {
    std::string name, provider, site, accelerator;
    bool existing = true;
    int64_t start_unix_s = 0, end_unix_s = 0;  // as signed (before any delivery slip)
    int64_t peak_gpus = 0;                     // the ramp's largest step
    double usd_per_gpu_hour = 0;               // the base price
  };
  std::vector<ContractTerms> contracts;
  Distribution cost;                          // total discounted cost
  Distribution idle_take_or_pay;
  Distribution shortfall_total;               // reference GPU-hours over the horizon
  std::vector<double> shortfall_probability;  // per period: share of futures with any shortfall
  std::vector<double> shortfall_expected_gpu_hours;  // per period
  std::vector<double> shortfall_p95_gpu_hours;       // per period
  std::vector<Distribution> shortfall_by_stream;     // per stream, over the horizon
  std::vector<Distribution> cost_by_year;            // undiscounted
  std::vector<Distribution> cost_by_provider;        // discounted
  std::vector<Distribution> idle_by_provider;        // discounted
  std::vector<Distribution> shortfall_by_period;     // per period, reference GPU-hours
  std::vector<Distribution> demand_by_period;        // per period, reference GPUs
  std::vector<Distribution> delivered_by_period;     // per period, reference GPUs
  std::vector<std::vector<Distribution>> spend_by_provider_period;  // [provider][period], undiscounted
  std::vector<FutureOutcome> outcomes;               // indexed by future
};

// Evaluates the scenario's contracts plus `commitments` over options.futures futures with the
// period model: per future and period, demand against the capacity delivered, recourse on
// on-demand and spot at that future's prices and availability, shortfall, idle take-or-pay.
// Costs use contract_usd_per_hour() and the planner's hours and discounting, over the plan's
// horizon. REQUIRES: prepare_plan_inputs(inputs) succeeded (parse_plan_section does it).
// With options.ranks, collective: every rank calls it with the same arguments, and an error
// is returned on every rank (the lowest rank's).
Result<RiskResult> run_risk(const PlanInputs& inputs, const UncertaintySpec& uncertainty,
                            const std::vector<Contract>& commitments, const RiskOptions& options);

// The stochastic plan (`gpufleet plan --futures N`, docs/risk-format.md): commitments chosen
// once against `futures` futures of the scenario's uncertainty (drawn from its seed, futures
// 0..N-1, the ones `gpufleet risk` draws), on-demand, spot and unmet demand (at the section's
// shortfall penalty) per future; the objective is the expected discounted cost, plus
// risk_aversion x CVaR_cvar_alpha of it. Then, as far as the time limit allows:
// - the value of the stochastic solution (VSS): the deterministic plan (the forecast's) and the
//   stochastic plan evaluated on the same `evaluation_futures` fresh futures (seed + 1), each
//   plan's recourse re-solved in each: E[cost of the deterministic plan] - E[cost of the
//   stochastic plan];
// - the expected value of perfect information (EVPI): for the first `perfect_information_futures`
//   planned futures, the stochastic plan's cost in the future minus the cost of the best plan
//   for that future alone (its LP relaxation: fractional blocks, so EVPI is overstated by at
//   most the relaxation's gap), averaged.
struct StochasticPlanOptions {
  int64_t futures = 100;                     // >= 1
  int64_t evaluation_futures = 100;          // >= 0 (0: no VSS)
  int64_t perfect_information_futures = 10;  // >= 0, <= futures (0: no EVPI)
  double risk_aversion = 0;                  // >= 0
  double cvar_alpha = 0.95;                  // in [0, 1)
  PlanOptions plan;                          // time limit (the whole call), gap, threads
};

struct StochasticPlanResult {
  PlanResult plan;                 // the stochastic plan (expected_cost_usd, cvar_usd, future_cost_usd)
  int64_t futures = 0;
  uint64_t seed = 0;
  double shortfall_penalty_usd_per_ref_gpu_hour = 0;
  double risk_aversion = 0, cvar_alpha = 0.95;
  // The deterministic plan's objective on the forecast; 0 when not solved (time).
  double deterministic_objective_usd = 0;
  // Value of the stochastic solution, out of sample (evaluation_futures = 0: not measured).
  int64_t evaluation_futures = 0;
  uint64_t evaluation_seed = 0;
  double deterministic_expected_usd = 0, stochastic_expected_usd = 0;  // on the fresh futures
  double vss_usd = 0;
  // Expected value of perfect information (perfect_information_futures = 0: not measured).
  int64_t perfect_information_futures = 0;
  double here_and_now_usd = 0, wait_and_see_usd = 0;  // means over those futures
  double evpi_usd = 0;
  std::vector<std::string> notes;  // what was skipped or approximated, in words
};

Result<StochasticPlanResult> run_stochastic_plan(const PlanInputs& inputs, const UncertaintySpec& uncertainty,
                                                 const StochasticPlanOptions& options);
// The futures [first, first + count) of `seed` as the planner weighs them (equal weights).
// REQUIRES: prepare_plan_inputs(inputs) succeeded.
Result<std::vector<PlanFuture>> plan_futures(const PlanInputs& inputs, const UncertaintySpec& uncertainty, uint64_t seed,
                                             int64_t first, int64_t count);
// The stochastic summary below the plan's report.
std::string format_stochastic_summary(const StochasticPlanResult& result);
// stochastic.json (the summary and each planned future's cost) into a plan's result folder.
Result<void> write_stochastic_results(const StochasticPlanResult& result, const std::string& dir);

// One shard's outcomes, as `gpufleet risk --shard I/K --out DIR` writes them (DIR/shard.txt).
struct RiskShard {
  uint64_t inputs_digest = 0;  // the caller's digest of what the run depends on (scenario, plan, seed)
  int64_t futures = 0;         // of the whole run
  int shard = 0, shards = 1;
  std::vector<FutureOutcome> outcomes;  // its block of futures, in order
};
Result<void> write_risk_shard(const RiskShard& shard, const std::string& dir);
Result<RiskShard> read_risk_shard(const std::string& dir);

// The run whose shards these are: the same result, byte for byte, as run_risk in one process.
// Errors name the shard's folder when a shard is missing or repeated, or was run on other
// inputs (digest), another number of futures or of shards. REQUIRES: as run_risk.
Result<RiskResult> merge_risk_shards(const PlanInputs& inputs, const std::vector<Contract>& commitments, std::vector<RiskShard> shards,
                                     const std::vector<std::string>& shard_dirs, uint64_t inputs_digest, int64_t futures);
// What one risk evaluation needs, loaded from a scenario's YAML text: the plan's inputs (with
// the seed replaced when `seed` is given), the `uncertainty:` section, and, when plan_dir is
// not empty, the commitments of that `plan --out` folder. Errors as the three loaders'.
struct RiskSetup {
  PlanInputs inputs;
  UncertaintySpec uncertainty;
  std::vector<Contract> commitments;
};
Result<RiskSetup> load_risk_setup(const std::string& text, const std::string& name, const std::string& base_dir,
                                  const std::string& plan_dir, std::optional<uint64_t> seed);

// `risk --sweep FIELD=V1,V2,...`: one numeric field of the scenario file (a path as in
// io/yaml_path.h: plan.demand.training.growth_per_year, markets[2].on_demand_usd_per_gpu_hour,
// sites[NAME].power_cap_mw, uncertainty.demand.training.volatility) set to each value in
// turn, the rest as in the file, over the same futures (same seed and count).
struct SweepSpec {
  std::string field;
  std::vector<double> values;  // at least one, finite
};
// "FIELD=V1,V2,..."; errors name --sweep and what was expected.
Result<SweepSpec> parse_sweep_option(const std::string& text);

// Every variant of every sweep, loaded and checked before any future is drawn: a field that is
// not in the file (with the nearest key or name), not a number, or a value the scenario's own
// checks refuse is an Error naming --sweep, the field and the value.
struct SweepVariant {
  size_t sweep = 0;  // index into the specs
  double value = 0;
  RiskSetup setup;
};
struct PreparedSweep {
  std::vector<SweepSpec> specs;
  std::vector<double> scenario_values;  // per spec: the value in the file
  std::vector<SweepVariant> variants;
};
Result<PreparedSweep> prepare_sweep(const std::vector<SweepSpec>& specs, const std::string& text, const std::string& name,
                                    const std::string& base_dir, const std::string& plan_dir, std::optional<uint64_t> seed);

struct SweptField {
  std::string field;
  double scenario_value = 0;
  std::vector<double> values;       // as given
  std::vector<Distribution> cost;   // per value: total discounted cost over the futures
  double low_value = 0, high_value = 0;                  // the values giving the lowest and highest cost mean
  double low_cost_mean_usd = 0, high_cost_mean_usd = 0;  // those cost means
  double swing_usd = 0;                                  // high - low
};
struct SweepResult {
  std::string scenario;
  int64_t futures = 0;
  uint64_t seed = 0;
  double baseline_cost_mean_usd = 0;  // the scenario as written
  std::vector<SweptField> fields;     // largest swing first (ties: in the order given)
};
// Runs every variant with options (futures, threads; progress is called per variant's futures).
Result<SweepResult> run_risk_sweep(const PreparedSweep& sweep, const RiskOptions& options, const RiskResult& baseline);
// The tornado as a terminal table.
std::string format_sweep_report(const SweepResult& sweep);
// sweep.json into dir (docs/risk-format.md).
Result<void> write_sweep_results(const SweepResult& sweep, const std::string& dir);

// The terminal table.
std::string format_risk_report(const RiskResult& result);
// risk.json (the summary) and futures.csv (one row per future: draws and outcomes) into dir.
Result<void> write_risk_results(const RiskResult& result, const std::string& dir);

}  // namespace gpufleet
