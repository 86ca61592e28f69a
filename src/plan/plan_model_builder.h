// Turns PlanInputs into a solver-neutral MILP (LpModel) and remembers what each column and
// row stands for, so that solutions and duals can be read back in the inputs' terms.
//
// Columns (objective in millions of dollars, present value):
//   x[o,s,k]  integer blocks of offer o starting in period s for term k (cost: whole term)
//   y[o,s,k]  binary "contract taken", only where the offer's minimum exceeds one block
//   committed[p,t]  GPUs under contract at pool p in period t (defined by a `committed` row, so
//             that the share, N-1 and power rows stay short)
//   train/inf/od/spot[p,t]  GPUs of pool p (a site and accelerator) given to training, to
//             inference, bought on demand, bought on spot, in period t
//   above[c,t]  GPUs of existing contract c used above its take-or-pay share (paid as used)
//   end[c]    binary: existing contract c's early-termination option is exercised
//   draw[f,p,t]  GPUs of pool p bought on demand under spend commitment family f (an existing
//             commitment, or a spend offer) at its discount
//   taken[i]  binary: spend offer instance i (an offer started in one period) is taken
//   shortfall[i,k]  USD ($M) of commitment year k of instance i not spent (billed x share)
// Rows: capacity (train + inf <= held), spot_use (spot <= train), demand (training anywhere,
// inference in its jurisdiction, in reference GPUs), spot_share (critical training not on
// spot), power per site, ramp per offer and period, min_commit, share per provider, n1 per
// lost provider or site (overall and per jurisdiction), budget per plan year; for spend
// commitments: market (on-demand + draws <= availability), draw (only while taken), one in
// force per provider, and spend (shortfall + spent >= committed) per instance and year.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/plan.h"
#include "plan/lp_model.h"

namespace gpufleet::plan {

inline constexpr double kUsdPerObjectiveUnit = 1e6;  // objective and budget rows in $M

struct ContractVar {
  int offer = -1;
  int start = 0;       // calendar period (in the tail: the first of a tail year)
  int term = 0;        // index into the offer's terms
  int term_periods = 0;
  double from_s = 0, to_s = 0;  // in force [from_s, to_s), simulated seconds
  int end_period = 0;  // the calendar period after the last it covers (in part)
  int column = -1;     // x: blocks
  int taken = -1;      // y: binary, or -1
  bool bound_is_physical = false;  // x's upper bound comes from a ramp limit or site power
  double safe_upper = 0;           // the bound without ramp and power (for LPs that move them)
  bool in_tail = false;            // starts after the horizon: continuous, not part of the plan
};

// An existing contract (fixed): its mean GPUs per period and, where its take-or-pay share is
// below 1, the column of GPUs used above that share (paid at the contract price as used).
struct ExistingContract {
  int pool = -1;
  std::vector<double> gpus;         // per modelled period: mean GPUs (an exercised termination applied)
  std::vector<double> usd_per_gpu_hour;  // per modelled period: mean price over the GPUs held (contract_usd_per_gpu)
  std::vector<int> above_share;     // column per period, or -1
  // The termination option the plan may exercise (EarlyTermination, not yet exercised):
  int end = -1;                     // binary column, or -1
  std::vector<double> gpus_after_end;   // per modelled period: mean GPUs it removes when exercised
  int end_period = -1;              // calendar period of the termination date
};

// Spend commitments (SpendCommitment): a family draws on its provider's on-demand markets at
// its discount; an instance is an existing commitment, or a spend offer started in one period.
struct SpendDraw {
  int pool = -1, period = -1;  // modelled period
  int column = -1;             // GPUs (mean over the period)
  double usd_per_gpu_hour = 0; // spend_usd_per_gpu_hour of the pool's list price
};
struct SpendInstance {
  int family = -1;
  int start = -1;                 // offers: calendar period it starts; existing: -1
  int taken = -1;                 // offers: binary column; existing: -1 (always)
  SpendCommitment deal;           // with its start and end (simulated seconds)
  std::vector<int> shortfall;     // column per commitment year ($M unspent)
  std::vector<double> committed_usd;  // per year, as modelled (pro rata where the model ends)
  std::vector<int> due_period;    // per year: the calendar period its end falls in (its shortfall is billed then)
  // Per year: the draws (index into the family's) in it, with the share of each draw's spend.
  std::vector<std::vector<std::pair<int, double>>> year_draws;
};
struct SpendFamily {
  int provider = -1;
  int offer = -1;      // into PlanInputs::spend_offers, or -1
  int existing = -1;   // into Scenario::spend_commitments, or -1
  std::vector<SpendDraw> draws;
  std::vector<int> instances;
};

// A (site, accelerator) where capacity can be held: by existing contracts, offers or markets.
struct Pool {
  int site = -1, accelerator = -1;
  double speed = 1;             // reference GPUs per GPU
  double mw_per_gpu = 0;        // board power x PUE
  // Electricity per GPU-hour (0 unless energy is billed): of every GPU held, and on top for
  // every GPU carrying demand (the train and inf columns), gpu_energy_usd_per_hour.
  double held_energy_usd_per_gpu_hour = 0;
  double busy_energy_usd_per_gpu_hour = 0;
  double on_demand_usd = 0, spot_usd = 0;   // per GPU-hour
  std::vector<double> existing_gpus;        // per period of the horizon
  std::vector<int> committed;               // column per period: existing + new contract GPUs
  std::vector<int> train, inf, od, spot;    // columns per period, -1 if absent
  std::vector<std::vector<int>> draws;      // per period: spend-commitment draw columns
  std::vector<int> capacity_row;            // per period
};

struct PlanModel {
  LpModel lp;
  std::vector<ContractVar> contracts;
  std::vector<ExistingContract> existing;   // indexed like Scenario::contracts
  std::vector<Pool> pools;
  std::vector<SpendFamily> spend_families;
  std::vector<SpendInstance> spend_instances;
  std::vector<std::string> jurisdictions;   // of inference demand, indexed like inputs.inference
  std::vector<double> hours;                // per calendar period (horizon periods, as far as terms reach)
  std::vector<double> discount;             // per calendar period
  int horizon_periods = 0;                  // the plan's periods (contracts start, budgets apply)
  int tail_periods = 0;                     // modelled after them, one per year (PlanInputs::end)
  // Per modelled period (horizon periods, then tail years): the calendar periods it spans
  // [first, last), its hours and its discount factor (at its start).
  std::vector<int> calendar_first, calendar_last;
  std::vector<double> modelled_hours, modelled_discount;
  std::vector<double> training_ref_gpus;    // per modelled period: GPU-hours / hours
  std::vector<std::vector<double>> inference_ref_gpus;  // [jurisdiction][modelled period]
  std::vector<int> demand_training_row;     // per period
  std::vector<int> slack_of_row;            // elastic models: slack column of each row, or -1
  bool elastic = false;
};

struct BuildOptions {
  // Phase-one elastic model: the limits (demand, power, ramp, share, N-1, budget, spot share)
  // get penalised slack columns and the objective is the weighted slack alone.
  bool elastic = false;
  // With elastic: only rows of these families get slack, each unit of slack weighing 1 (the
  // families' own units); empty: every limit, at the builder's weights.
  std::vector<RowFamily> elastic_only;
  // The stochastic plan (plan_futures.h): the horizon's costs are the futures' (added by
  // add_future_block), so inside the horizon the contracts' columns cost nothing and the
  // forecast is served at kForecastWeight of its prices, its unmet demand at that share of
  // forecast_unmet_usd_per_ref_gpu_hour (USD per reference GPU-hour): its columns say how the
  // forecast would be served without weighing in the objective. Its limits (power, ramp,
  // share, N-1, budget) still hold. After the horizon the forecast is priced as in the
  // deterministic plan, with demand left unmet at the full penalty.
  bool futures_price_horizon = false;
  double forecast_unmet_usd_per_ref_gpu_hour = 0;
};
inline constexpr double kForecastWeight = 1e-6;

// REQUIRES: prepare_plan_inputs(inputs) succeeded.
PlanModel build_plan_model(const PlanInputs& inputs, const BuildOptions& options = {});

// The share of modelled period t (its calendar span) inside [from_s, to_s), simulated seconds.
double modelled_cover(const PlanInputs& inputs, const PlanModel& model, int t, double from_s, double to_s);

// "2026Q3" in the horizon; "2034 (after the horizon)" for a tail year.
std::string modelled_period_label(const PlanInputs& inputs, const PlanModel& model, int t);

// Simulated seconds (from the scenario start) of the start of calendar period t.
// REQUIRES: 0 <= t < inputs.period_start_unix_s.size().
double period_start_s(const PlanInputs& inputs, int t);
// The contract an offer's term makes in force over [from_s, to_s), at the term's price and the
// offer's escalator. Its bill is the account's (contract_usd_per_gpu), as the simulator's.
Contract offer_contract(const PlanInputs& inputs, const ContractOffer& offer, int term, double from_s, double to_s);
// What one GPU of contract variable cv costs in calendar period t (USD, undiscounted; the
// account's price over the part of the period it is in force).
double contract_var_usd_per_gpu(const PlanInputs& inputs, const ContractVar& cv, int t);
// The share of calendar period t that cv is in force (1 inside its term; pro rata at a start
// or end inside the period).
double contract_var_cover(const PlanInputs& inputs, const ContractVar& cv, int t);
// The commitment a spend offer makes when it starts in calendar period `start`.
SpendCommitment spend_offer_commitment(const PlanInputs& inputs, const SpendOffer& offer, int start);

// Hours of calendar period t (horizon and tail).
double period_hours(const PlanInputs& inputs, int t);
// The discount factor of calendar period t: (1 + discount_rate)^-(years from the first period's
// start to its start, in years of 365.25 days). The one discounting the planner and risk share.
double period_discount(const PlanInputs& inputs, int t);

}  // namespace gpufleet::plan
