// The capacity planner: how much GPU capacity to commit, with which provider, in which site,
// of which accelerator, from when and for how long, at the least discounted cost, within each
// site's power, with no provider or site able to take the lab down (N-1).
//
// Units: GPUs are physical GPUs unless named "ref" (reference GPUs: H100-SXM = 1.0, i.e.
// physical GPUs times the accelerator's speed_factor); money in US dollars; power in MW;
// periods are calendar quarters (or months) counted from the scenario start.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"

namespace gpufleet {

// Price of one term of a contract offer.
struct TermPrice {
  int years = 1;                 // > 0; the term is a whole number of years
  double usd_per_gpu_hour = 0;   // paid for every committed GPU-hour (take-or-pay share 1)
};

// What a provider offers to commit at one site for one accelerator. Each contract the planner
// takes from an offer is a whole number of blocks starting at a period start, for one term.
struct ContractOffer {
  std::string name;               // unique
  int site = -1;                  // index into Scenario::sites (the provider is the site's)
  int accelerator = -1;           // index into Scenario::accelerators
  std::vector<TermPrice> terms;   // non-empty, distinct years
  int64_t block_gpus = 1024;      // > 0
  int earliest_period = 0;        // first period a contract may start
  double earliest_s = 0;          // simulated seconds: when `earliest` falls inside earliest_period,
                                  // contracts starting there begin then (that period counts pro
                                  // rata) and end on its anniversary
  int64_t ramp_gpus_per_period = 0;  // most GPUs of new contracts starting in one period; 0 = no limit
  int64_t min_gpus = 0;           // a contract taken is at least this large; 0 = one block
  double escalator_per_year = 0;  // the term's price grows by this share at each anniversary; in [-0.5, 1]
};

// A spend commitment the planner may take (SpendCommitment in scenario.h): commit
// deal.usd_per_year to deal.provider for `years`, drawn at deal.discount on the provider's
// on-demand markets, starting at a period start from earliest_period. A provider has at most
// one spend commitment (existing or new) in force at once.
struct SpendOffer {
  std::string name;               // unique among spend offers
  SpendCommitment deal;           // provider, usd_per_year, discount, shortfall_share, escalator; start/end unused
  int years = 1;                  // > 0
  int earliest_period = 0;
};

// Inference demand of one jurisdiction: reference GPUs that must run in its sites.
struct InferenceDemand {
  std::string jurisdiction;       // matches Site::jurisdiction
  std::vector<double> ref_gpus;   // per period, average over the period
  double critical_share = 0;      // in [0, 1]
};

// How what the plan holds after its horizon is valued. Without it nothing after the horizon
// has value, so a contract starting late is paid for years that serve nothing: the planner
// buys the shortest terms at the highest prices near the end.
struct HorizonEnd {
  enum class Demand : uint8_t {
    none,   // no demand after the horizon
    hold,   // the last period's demand continues for `years`
    grow,   // it keeps growing at the horizon's last yearly rate for `years`
  };
  Demand demand_after = Demand::none;
  int years = 0;               // demand served after the horizon (by the contracts held, on-demand
                               // and spot; no contract starts then); <= the longest term
  double salvage_share = 0;    // in [0, 1]: the share of contract cost after those years that
                               // is recovered (e.g. resold or used elsewhere)
};

struct PlanInputs {
  Scenario scenario;  // accelerators, providers, sites (power caps, PUE, electricity),
                      // existing contracts (fixed) and markets (on-demand and spot)
  int period_months = 3;          // 3 = quarters, 1 = months, 12 = years
  int periods = 28;               // number of periods in the horizon
  double discount_rate = 0;       // per year; costs in period t are divided by (1+r)^(years to t)

  std::vector<double> training_ref_gpu_hours;  // per period, reference GPU-hours of training
  double training_critical_share = 0;          // in [0, 1]; the rest may run on spot
  std::vector<InferenceDemand> inference;

  std::vector<ContractOffer> offers;
  std::vector<SpendOffer> spend_offers;
  HorizonEnd end;                 // the plan section's default: demand held for the longest term
  bool bill_energy = true;        // add electricity (GPUs held x board power x PUE x $/MWh)

  // Policy. The share cap and N-1 count firm capacity (commitments and on-demand, not spot)
  // in reference GPUs.
  double max_provider_share = 1.0;   // of firm capacity, per period; 1 = no cap
  bool n1_providers = false;         // losing any one provider leaves n1_share of critical demand
  bool n1_sites = false;             // losing any one site leaves n1_share of critical demand
  double n1_share = 1.0;             // in [0, 1]
  std::vector<double> budget_usd_per_year;  // per plan year (12 months from the start); 0 or absent = none

  // The scenario file's text and folder (load_plan_text keeps them): `plan --emit-scenario`
  // overlays the plan's contracts on it. Empty for inputs built in code.
  std::string scenario_text;
  std::string base_dir;

  // Derived calendar, filled by prepare_plan_inputs(): period start times (Unix seconds),
  // one more than the horizon's periods, extended to cover the longest term.
  std::vector<int64_t> period_start_unix_s;
};

// Fills the calendar and checks the inputs (sizes, ranges, references). Called by run_plan.
Result<void> prepare_plan_inputs(PlanInputs& inputs);

// "2026Q1" for quarters, "2026-01" for months, "2026" for years, else the ISO date.
std::string period_label(const PlanInputs& inputs, int period);

// Where run_plan is, for a progress display: a pass that starts (build, solve, marginals,
// verify, diagnose), or, during "solve", a search pass just done and the best plan and bound
// after it (present value, USD; incumbent -1 while there is no plan yet).
struct PlanProgress {
  std::string pass;
  std::string search_pass;  // empty unless a search pass just finished
  double incumbent_usd = -1;
  double bound_usd = 0;
};

// One future the stochastic plan weighs (PlanOptions::stochastic): how demand, deliveries,
// availability and market prices differ from the forecast in it, over the horizon's periods
// (after the horizon the forecast holds). Streams: 0 = training, then inference in the order of
// PlanInputs::inference. Drawn by `risk` from the scenario's uncertainty: section.
struct PlanFuture {
  double weight = 0;                             // its probability; the futures' weights sum to 1
  std::vector<std::vector<double>> demand;       // [stream][period]: multiplier on the forecast, >= 0
  std::vector<double> delivery_delay_s;          // [provider]: ramp steps after the start arrive late by this
  std::vector<std::vector<double>> unavailable;  // [site][period]: share of the period the site is disrupted
  std::vector<std::vector<double>> on_demand_price, spot_price;  // [provider][period]: multipliers
};

// The two-stage stochastic plan: the commitments are chosen once, before the future is known;
// on-demand, spot and unmet demand are chosen in each future. Objective: the futures' expected
// discounted cost (+ risk_aversion x CVaR_cvar_alpha of it), unmet demand priced at
// shortfall_usd_per_ref_gpu_hour. The forecast's limits (power, ramps, share, N-1, budget)
// still hold; its demand is priced by the futures.
struct StochasticOptions {
  std::vector<PlanFuture> futures;        // empty: the deterministic plan
  double shortfall_usd_per_ref_gpu_hour = 0;  // > 0 when futures are given
  double risk_aversion = 0;               // lambda >= 0
  double cvar_alpha = 0.95;               // in [0, 1)
  // How it is solved: one LP with a block per future (the extensive form), or the L-shaped
  // method (Benders: a master and one LP per future, cut by cut); automatic: the extensive form
  // up to kExtensiveFormFutures futures, Benders above (docs/risk-format.md says why).
  enum class Method : uint8_t { automatic, extensive, benders };
  Method method = Method::automatic;
};
inline constexpr size_t kExtensiveFormFutures = 4;

struct PlanOptions {
  double time_limit_s = 60;      // wall time of the whole run_plan call (every pass)
  double relative_gap = 0.005;   // stop when within this fraction of the best bound
  int threads = 1;
  bool relax = false;            // solve the LP relaxation only (fractional blocks)
  bool marginals = true;         // the marginal-values pass
  bool verify = true;            // the plan-check pass
  bool diagnose = true;          // explain infeasibility with an elastic relaxation
  // The limit-costs pass: when the provider share cap binds, the LP relaxation solved without
  // it (and with it) gives what the whole cap costs (PlanResult::share_cap_cost_usd).
  bool limit_costs = true;
  StochasticOptions stochastic;
  // Called as each pass starts and after each pass of the MILP search; may be empty. Called
  // on the thread that called run_plan.
  std::function<void(const PlanProgress&)> progress;
};

// What the model turned out to be (the call itself may still fail: see Result).
enum class PlanStatus : uint8_t {
  optimal = 0,          // within relative_gap of the best bound (or LP optimal with --relax)
  time_limit = 1,       // a plan was found; the search stopped at the time limit
  infeasible = 2,       // no plan meets every constraint: see PlanResult::diagnosis
  no_plan_found = 3,    // the time limit was reached before any plan was found
};
std::string_view to_string(PlanStatus status);

struct Commitment {
  enum class Kind : uint8_t { gpus, spend };
  Kind kind = Kind::gpus;        // gpus: a capacity contract of an offer; spend: a spend offer taken
  int offer = -1;                // into PlanInputs::offers (gpus) or PlanInputs::spend_offers (spend)
  std::string provider, site, accelerator;  // spend: site and accelerator empty (any of the provider's)
  int start_period = 0;
  int term_years = 0;
  int64_t start_unix_s = 0, end_unix_s = 0;  // when it is in force (a start inside its period: pro rata)
  int64_t gpus = 0;              // gpus only
  double usd_per_gpu_hour = 0;   // gpus: the first year's price
  double escalator_per_year = 0;
  double total_usd = 0;          // undiscounted, over the whole term: gpus: the contract's bill;
                                 // spend: what it bills (spent + shortfall)
  double present_value_usd = 0;  // gpus: that bill discounted at the plan's rate to its first period
  double ref_gpus = 0;           // gpus: in reference GPUs (gpus x the accelerator's speed factor)
  // Spend only (undiscounted, over the whole term as modelled, after the horizon too):
  double commit_usd = 0;         // the commitment's value
  double discount = 0;           // off the on-demand list price
  double spent_usd = 0;          // GPU-hours drawn at the discount
  double shortfall_usd = 0;      // billed for what was not spent
};

// An existing contract's option to end early at a fee (EarlyTermination), and what the plan
// does with it.
struct TerminationChoice {
  std::string contract;
  std::string at;                // the date
  double fee_usd = 0;
  bool exercised = false;        // the plan ends the contract there
  bool decided_by_plan = false;  // false: the scenario had already exercised it
};

// One period of the plan. Capacities in physical GPUs unless named ref.
struct PlanPeriod {
  std::string label;
  double training_ref_gpus = 0;     // demand, average over the period
  double inference_ref_gpus = 0;
  double committed_ref_gpus = 0;    // existing + new contracts in force
  double on_demand_ref_gpus = 0;   // bought by the hour, under spend commitments or not
  double spend_ref_gpus = 0;       // the part of on_demand_ref_gpus drawn under spend commitments
  double spot_ref_gpus = 0;
  double utilisation = 0;           // share of committed capacity carrying demand, in [0, 1]
  double power_mw = 0;              // drawn over all sites
  // The same split, indexed like Scenario::providers and Scenario::sites.
  std::vector<double> committed_ref_gpus_by_provider;
  std::vector<double> committed_ref_gpus_by_site;
  std::vector<double> power_mw_by_site;
};

// Undiscounted spend in one plan year (or by one provider over the horizon).
struct CostBreakdown {
  std::string label;   // "2026" or a provider name
  double commitments_usd = 0;  // existing and new contracts and spend commitments (drawn and
                               // shortfall, termination fees), the part inside the horizon
  double on_demand_usd = 0;
  double spot_usd = 0;
  double energy_usd = 0;
  double total_usd() const { return commitments_usd + on_demand_usd + spot_usd + energy_usd; }
};

// One line of the plan's bill inside the horizon (plan_focus.csv, docs/focus-format.md): what one
// commitment, or one site's on-demand, spot or electricity, costs over [start_unix_s,
// end_unix_s) (one period), or at the instant start_unix_s when they are equal (a termination
// fee, a spend commitment year's shortfall). Undiscounted (nominal), as cost_by_provider: the
// lines of a provider sum to its CostBreakdown's total, by kind to its parts (contracts, spend
// commitments and fees: commitments_usd).
struct PlanCharge {
  enum class Kind : uint8_t { contract, spend_drawn, spend_shortfall, termination_fee, on_demand, spot, energy };
  Kind kind = Kind::contract;
  int64_t start_unix_s = 0, end_unix_s = 0;
  std::string provider;
  std::string site;        // "" for what is the provider's (spend commitments, fees)
  std::string accelerator; // "" likewise
  // The contract or spend commitment: an existing one's name; a new contract "site/accelerator
  // Ny from <period>"; a spend offer's name (its draws are the offer's, whichever instance).
  std::string commitment;
  double usd = 0;
  double gpu_hours = 0;  // GPUs held or bought x hours; 0 for fees and shortfalls
};

// Share of firm capacity (ref GPUs) held by one provider or jurisdiction, worst period.
struct ShareRow {
  std::string name;
  double max_share = 0;
  std::string max_period;
  double final_share = 0;   // in the last period
};

// What is left when one provider or site is lost, at the tightest period.
struct ResilienceRow {
  std::string kind;        // "provider" | "site"
  std::string name;
  std::string period;      // where remaining / required is smallest
  double remaining_ref_gpus = 0;   // firm capacity outside the lost domain
  double critical_ref_gpus = 0;    // critical demand in that period (training + inference)
  double required_ref_gpus = 0;    // n1_share x critical demand
  bool ok = true;
};

// What one unit more, and one unit less, of a limit or a demand is worth (present value).
// A limit (power, supply, ramp, share, budget): usd = the saving of one unit more, usd_less =
// the extra cost of one unit less. Demand: usd = the cost of one unit more, usd_less = the
// saving of one unit less. The unit is in every period of the horizon ("all") or in one. At a
// degenerate plan the two sides differ (e.g. capacity that exactly meets demand: one GPU more
// is bought on demand, one less saves nothing).
struct MarginalValue {
  std::string kind;    // "power_mw" | "supply_gpu" | "ramp_gpu" | "share_point" | "budget_usd" | "demand_ref_gpu"
  std::string what;    // site, market, offer, provider or jurisdiction
  std::string period;  // the period, or "all" when the unit is added in every period
  double usd = 0;      // one unit more
  double usd_less = 0; // one unit less (meaningful when less_feasible)
  bool less_feasible = true;  // false: with one unit less no plan meets the limits
  bool exact = false;  // true: both sides from re-solving the LP with the unit added and removed;
                       // false: from its duals (usd_less = usd, one side of a degenerate vertex)
  std::string basis;   // which LP: the relaxation, or blocks fixed at the plan
};

struct ModelSize {
  int rows = 0, columns = 0, integers = 0;
  int64_t nonzeros = 0;
};

struct PassTiming {
  std::string name;   // "build" | "solve" | "marginals" | "limit-costs" | "verify" | "diagnose"
  double seconds = 0;
};

// One pass of the MILP search ("lp", "round-up", "round-down", "restricted", "search") and
// where it left the search.
struct SearchPass {
  std::string name;
  double seconds = 0;
  double incumbent_usd = -1;   // best plan's objective after the pass; -1 = no plan yet
  double bound_usd = -1;       // best proven bound after the pass; -1 = none yet
};

// One reason a model is infeasible, with the numbers that show it.
struct InfeasibilityCause {
  std::string family;   // "demand" | "power" | "ramp" | "share" | "n1" | "budget" | "integrality"
  std::string period;
  std::string message;
  double amount = 0;    // how far the limit must move (in the family's unit)
};

struct PlanResult {
  PlanStatus status = PlanStatus::no_plan_found;
  std::string solver;                 // "CBC 2.10.8" / "CLP ..."
  std::string solver_status;          // the solver's own words
  double objective_usd = 0;           // discounted total cost, incl. fixed existing contracts
  double best_bound_usd = 0;          // also when no plan was found, once the LP has solved
  double gap = 0;                     // (objective - bound) / objective
  bool relaxed = false;               // LP relaxation: block counts may be fractional
  ModelSize size;
  std::vector<PassTiming> timings;
  std::vector<SearchPass> search;     // the MILP's passes (empty for --relax)
  std::vector<std::string> notes;     // what was skipped or approximated, in words

  std::vector<Commitment> commitments;  // sorted by start, provider, site
  std::vector<TerminationChoice> terminations;  // one per existing contract with the option
  // Per existing contract (Scenario::contracts): its bill over the horizon as the plan costs it
  // (take-or-pay share and use, an exercised termination applied), nominal and at present value.
  std::vector<double> existing_contract_usd, existing_contract_present_usd;
  std::vector<PlanPeriod> periods;
  std::vector<CostBreakdown> cost_by_year;
  std::vector<CostBreakdown> cost_by_provider;
  std::vector<PlanCharge> bill;  // cost_by_provider line by line, by period
  double commitments_beyond_horizon_usd = 0;  // contract tails after the horizon (undiscounted)
  double energy_beyond_horizon_usd = 0;       // the electricity of those tails (in the objective too)
  // What the plan spends after the horizon on the demand the horizon's end treatment adds
  // (PlanInputs::end; undiscounted): contracts in force then, on-demand, spot, energy.
  CostBreakdown after_horizon;
  std::vector<ShareRow> provider_shares;
  std::vector<ShareRow> jurisdiction_shares;
  std::vector<ResilienceRow> resilience;
  std::vector<MarginalValue> marginals;
  // What the whole provider share cap costs, present value: the LP relaxation with it minus
  // the LP relaxation without it; -1 when not measured (no binding cap, no time, pass off).
  double share_cap_cost_usd = -1;
  // A stochastic plan (PlanOptions::stochastic): each future's discounted cost (the horizon's
  // recourse, unmet demand at its penalty, and what is common to every future: the plan's cost
  // after the horizon), their expectation and CVaR, and the expected unmet reference GPU-hours.
  // Empty for a deterministic plan.
  std::vector<double> future_cost_usd;
  double expected_cost_usd = 0, cvar_usd = 0;
  double expected_shortfall_ref_gpu_hours = 0;
  std::vector<InfeasibilityCause> diagnosis;   // when infeasible
  std::vector<std::string> check_failures;     // plan-check findings (empty = verified)
};

// Builds the model, solves it, and (as asked in options) computes marginal values, verifies
// the plan independently of the solver, and diagnoses infeasibility. Infeasible or time limit
// are results; an Error means the inputs are malformed or the solver could not run.
Result<PlanResult> run_plan(PlanInputs inputs, const PlanOptions& options = {});

// What a plan's commitments cost in each of `futures` (each future's recourse solved as an LP
// with the commitments fixed, on `threads` threads), with the same options' penalty: each future's discounted
// cost, as PlanResult::future_cost_usd counts it. Out-of-sample evaluation (the value of the
// stochastic solution). REQUIRES: plan came from run_plan on these inputs.
Result<std::vector<double>> cost_in_futures(PlanInputs inputs, const PlanResult& plan, const StochasticOptions& futures,
                                            double time_limit_s, int threads = 1);

// The text of a scenario with a `plan:` section, as `plan` and `risk` read it: the file at
// `path`, or the built-in planning scenario when path is empty; with the name errors use and
// the folder its relative paths resolve against (load_plan_text's arguments).
struct PlanScenarioText {
  std::string text;
  std::string name = "<built-in>";
  std::string dir = ".";
};
Result<PlanScenarioText> read_plan_scenario_text(const std::string& path);

// Loads a scenario file with a `plan:` section (docs/plan-format.md).
Result<PlanInputs> load_plan_file(const std::string& path);
// Same from text; `name` is used in errors, relative paths resolve against base_dir.
Result<PlanInputs> load_plan_text(const std::string& text, const std::string& name,
                                  const std::string& base_dir = ".");
// The `plan:` section alone, against an already loaded scenario. `plan` is the YAML text of
// the whole file (only its `plan:` key is read).
Result<PlanInputs> parse_plan_section(Scenario scenario, const std::string& text,
                                      const std::string& name);

// `workload: {from_plan_demand: true}`: jobs whose reference GPU-hours, per plan period and per
// demand stream (training anywhere; inference in its jurisdiction), are the plan's demand x
// demand_multiplier[stream][period] (streams: training, then inputs.inference in order; empty:
// the forecast), attributed to the period they are submitted in, periods cut at the scenario's
// horizon. Sizes, durations (capped at duration_max), kinds, tenants, priorities, accelerators
// and checkpoints come from the scenario's workload classes, drawn by their arrivals_per_hour as
// weights, and from its traces' rows (picked at random; weight: rows per hour of the trace);
// inference classes and rows serve inference (of the class's jurisdiction, or every one), the
// others training; a stream none serves draws from all of them. Each stream and period draws from its
// own stream of the scenario's seed; the last job of a period is cut short to meet its target.
// REQUIRES: prepare_plan_inputs(inputs) succeeded.
Result<Workload> build_plan_demand_workload(const PlanInputs& inputs, const std::vector<std::vector<double>>& demand_multiplier = {});

// The built-in planning scenario: a frontier lab's seven-year, five-cloud build-out
// (2026-2032), with sources in comments.
std::string_view default_plan_scenario_yaml();

// A terminal report of the result.
std::string format_plan_report(const PlanResult& result, const PlanInputs& inputs);
// plan.json's text (without the final newline) and plan.csv's, as write_plan_results writes them.
std::string plan_json(const PlanResult& result, const PlanInputs& inputs);
std::string plan_csv(const PlanResult& result, const PlanInputs& inputs);
// plan.json, plan.csv (one row per commitment) and plan_focus.csv (the bill, PlanResult::bill,
// in the FinOps FOCUS format; named apart from simulate's focus.csv, as one folder may hold
// both) into dir, created if needed, atomically.
Result<void> write_plan_results(const PlanResult& result, const PlanInputs& inputs,
                                const std::string& dir);
// A scenario (docs/scenario-format.md) whose contracts are the existing ones plus the plan's
// commitments, with the same accelerators, providers, sites and markets and a small workload.
// When inputs.scenario_text is set, it is the input scenario with its `contracts:` (and
// `spend_commitments:`) replaced and its name suffixed "-planned", everything else kept as
// written (workload, quotas, faults, checkpoints, markets, tenants, comments), relative file
// paths made absolute; a scenario without a workload gets a small default one.
std::string plan_scenario_yaml(const PlanResult& result, const PlanInputs& inputs);
Result<void> write_plan_scenario(const PlanResult& result, const PlanInputs& inputs,
                                 const std::string& path);

}  // namespace gpufleet
