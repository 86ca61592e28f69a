// The stochastic plan's second stage (PlanOptions::stochastic): one block of columns and rows
// per future, added to a model built with BuildOptions::futures_price_horizon.
//
// In future f, for each pool and horizon period: the contracts deliver their ramps late by the
// provider's delay (delivered_late; not billed until delivered), a disrupted site's GPUs are
// unusable for the disrupted share of the period (take-or-pay still billed), on-demand and spot
// cost the future's prices, and demand (the forecast times the future's multipliers) is served
// cheapest-first as risk's period model serves it: inference in its jurisdiction, training
// anywhere, spot for the non-critical share of training only, markets within the power each
// site has left after its contracts. What is not served is unmet, at the penalty.
// Columns per future: train, inf, od, spot [pool, period], above [existing contract, period],
// unmet [stream, period]; rows: capacity, spot_use [pool, period], demand [stream, period],
// spot_share and power [site, period].
// With risk aversion: eta (the value at risk) and excess[f] >= cost_f - eta, so that the
// objective is E[cost] + lambda (eta + E[excess] / (1 - alpha)) = E[cost] + lambda CVaR_alpha.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/plan.h"
#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// One future's discounted cost ($M, weight 1): its contracts' bill as delivered, a linear
// expression of the model's columns (the first stage), plus its recourse (columns of the LP the
// block went into: the model's own in the extensive form, the subproblem's in Benders). What
// does not differ between futures (after the horizon) is in neither.
struct FutureBlock {
  std::vector<std::pair<int, double>> billing;   // (model column, $M per unit)
  double constant = 0;                           // $M: existing contracts' bill and energy
  std::vector<std::pair<int, double>> recourse;  // (block LP column, $M per unit)
  std::vector<std::pair<int, double>> unmet;     // (block LP column, hours): unmet reference GPUs x hours
};

// Where one future's recourse goes: the model's own LP (the extensive form, its costs weighted
// by the future's probability), or an LP of its own (Benders' subproblem, weight 1), holding a
// column for each model column its rows use (linked), for the master to fix.
class BlockTarget {
 public:
  static BlockTarget extensive(LpModel& model, double weight);
  static BlockTarget own(LpModel& sub);
  // The block's column standing for a model column.
  int column(const LpModel& model, int model_column);

  LpModel& lp;
  double weight;
  std::vector<std::pair<int, int>> linked;  // (model column, block LP column), own LPs only

 private:
  BlockTarget(LpModel& l, double w) : lp(l), weight(w) {}
  bool own_ = false;
  std::map<int, int> local_;
};

// What the stochastic plan does not weigh yet, refused by name: spend commitments and offers,
// early-termination options; and futures that do not fit the inputs (sizes, weights).
// REQUIRES: prepare_plan_inputs(inputs) succeeded.
Result<void> check_stochastic_inputs(const PlanInputs& inputs, const StochasticOptions& options);

// The stochastic model's size, said before it is built: m's plus, per future, the block of
// `sample` (built apart, once), in the extensive form and in Benders' LPs alike. Fails naming
// the size, the futures and the limits (kMaxModelColumns, kMaxModelNonzeros) when it is larger.
// REQUIRES: as add_future_blocks.
Result<void> check_stochastic_size(const PlanInputs& inputs, const PlanModel& m, const PlanFuture& sample, size_t futures,
                                   double shortfall_usd_per_ref_gpu_hour);

// Adds future u's block (index f names its rows and columns) to target; its contracts' bill
// goes into m's objective, weighted by u.weight. REQUIRES: as add_future_blocks.
FutureBlock add_future_block(const PlanInputs& inputs, PlanModel& m, const PlanFuture& u, double shortfall_usd_per_ref_gpu_hour,
                             int f, BlockTarget& target);

// With risk_aversion > 0: eta and excess_f >= cost_f - eta in lp, cost_f = cost_of[f] (columns
// of lp, $M) + blocks[f].constant.
// Returns its columns (none without risk aversion).
struct CvarColumns {
  int eta = -1;             // the value at risk
  std::vector<int> excess;  // per future
};
CvarColumns add_cvar(LpModel& lp, const StochasticOptions& options, const std::vector<FutureBlock>& blocks,
                     const std::vector<std::vector<std::pair<int, double>>>& cost_of);

// The extensive form: adds one block per future to m (weighted by its probability in the objective) and, with
// risk_aversion > 0, the CVaR columns and rows. REQUIRES: m was built from inputs with
// futures_price_horizon; check_stochastic_inputs(inputs, options) succeeded.
std::vector<FutureBlock> add_future_blocks(const PlanInputs& inputs, PlanModel& m, const StochasticOptions& options);

// A future's recourse solved apart (Benders): its cost ($M) and unmet reference GPU-hours.
struct SolvedRecourse {
  double usd = 0;
  double unmet_ref_gpu_hours = 0;
};

// Fills result's future_cost_usd, expected_cost_usd, cvar_usd (at options.cvar_alpha) and
// expected_shortfall_ref_gpu_hours from the solution x of the model, and each future's recourse
// from `solved` (Benders) or, when it is empty, from x (the extensive form). objective_usd
// must be set: what it holds beyond the futures' weighted costs (and the CVaR term) is common
// to every future.
void summarise_futures(const StochasticOptions& options, const std::vector<FutureBlock>& blocks, const std::vector<double>& x,
                       const std::vector<SolvedRecourse>& solved, PlanResult& result);

// CVaR_alpha of a discrete distribution (values with probabilities summing to 1): the mean of
// its worst 1 - alpha of probability (the boundary value counted in part).
double discrete_cvar(std::vector<std::pair<double, double>> value_weight, double alpha);

}  // namespace gpufleet::plan
