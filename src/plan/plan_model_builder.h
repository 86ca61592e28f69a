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
// Rows: capacity (train + inf <= held), spot_use (spot <= train), demand (training anywhere,
// inference in its jurisdiction, in reference GPUs), spot_share (critical training not on
// spot), power per site, ramp per offer and period, min_commit, share per provider, n1 per
// lost provider or site (overall and per jurisdiction), budget per plan year.
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
  std::vector<double> gpus;         // per period of the horizon
  std::vector<int> above_share;     // column per period, or -1
};

// A (site, accelerator) where capacity can be held: by existing contracts, offers or markets.
struct Pool {
  int site = -1, accelerator = -1;
  double speed = 1;             // reference GPUs per GPU
  double mw_per_gpu = 0;        // board power x PUE
  double energy_usd_per_gpu_hour = 0;  // 0 unless energy is billed
  double on_demand_usd = 0, spot_usd = 0;   // per GPU-hour
  std::vector<double> existing_gpus;        // per period of the horizon
  std::vector<int> committed;               // column per period: existing + new contract GPUs
  std::vector<int> train, inf, od, spot;    // columns per period, -1 if absent
  std::vector<int> capacity_row;            // per period
};

struct PlanModel {
  LpModel lp;
  std::vector<ContractVar> contracts;
  std::vector<ExistingContract> existing;   // indexed like Scenario::contracts
  std::vector<Pool> pools;
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
};

// REQUIRES: prepare_plan_inputs(inputs) succeeded.
PlanModel build_plan_model(const PlanInputs& inputs, const BuildOptions& options = {});

// "2026Q3" in the horizon; "2034 (after the horizon)" for a tail year.
std::string modelled_period_label(const PlanInputs& inputs, const PlanModel& model, int t);

// Hours of calendar period t (horizon and tail).
double period_hours(const PlanInputs& inputs, int t);
// The discount factor of calendar period t: (1 + discount_rate)^-(years from the first period's
// start to its start, in years of 365.25 days). The one discounting the planner and risk share.
double period_discount(const PlanInputs& inputs, int t);

}  // namespace gpufleet::plan
