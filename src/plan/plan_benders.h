// The stochastic plan by the L-shaped method (Benders' decomposition, one cut per future and
// round): the master is the model (the forecast's limits, the contracts' expected bills) plus
// theta_f, a lower estimate of future f's recourse cost; each future's recourse is an LP of its
// own (plan_futures.h), solved with the master's commitments fixed, whose reduced costs on the
// fixed columns give the cut theta_f >= Q_f(x^) + g_f (x - x^). Rounds alternate until the LP
// master's bound and the best commitments' true cost meet within a quarter of the gap; the
// master with its cuts is then solved as a MILP (the planner's search), the whole-block plan's
// true recourse is solved in every future, cut where the master underestimated it, and the MILP
// solved again while time is left and the gap is not met. Futures are solved on `threads`
// threads, each in its own LP, cuts added in future order: the result does not depend on it.
#pragma once

#include <vector>

#include "gpufleet/error.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_futures.h"

namespace gpufleet::plan {

struct BendersOutcome {
  SolveOutcome solve;                  // x (the model's columns), objective (the true cost), bound
  std::vector<FutureBlock> blocks;     // per future
  std::vector<SolvedRecourse> recourse;  // per future, at x
  int rounds = 0, cuts = 0;
};

// REQUIRES: m built from inputs with futures_price_horizon and no blocks yet;
// check_stochastic_inputs(inputs, options) succeeded.
// `start` (empty, or one value per column of m.lp: plan_start.h's deterministic_start) is a
// whole-block plan: its recourse is solved first, it is the first plan held and its cuts are in
// the master before the first round.
// With evaluate_only, m's integer columns are fixed (a plan to evaluate): the master is solved
// once, then each future's recourse, and the outcome is that plan's true cost.
Result<BendersOutcome> solve_benders(const PlanInputs& inputs, PlanModel& m, const StochasticOptions& options,
                                     const SolveRequest& request, const std::vector<double>& start = {},
                                     bool evaluate_only = false);

}  // namespace gpufleet::plan
