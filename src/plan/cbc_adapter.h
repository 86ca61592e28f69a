// The solver adapter: the only file that knows COIN-OR CBC (MILP) and CLP (LP). It maps the
// solver's codes onto SolveStatus in one place; everything else speaks LpModel.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "plan/lp_model.h"

namespace gpufleet::plan {

// What the model turned out to be. The call's own failure is the Error of the Result.
enum class SolveStatus {
  optimal,              // proven optimal (MILP: within the relative gap)
  time_limit,           // stopped at the time limit with a feasible solution
  time_limit_no_solution,
  infeasible,
  unbounded,
};
const char* to_string(SolveStatus status);

struct SolveRequest {
  double time_limit_s = 60;
  double relative_gap = 0.005;
  int threads = 1;
  bool relax = false;          // drop integrality: one LP solve with CLP
  bool want_duals = false;     // LP only: fill row_duals and reduced_costs
};

struct SolveOutcome {
  SolveStatus status = SolveStatus::infeasible;
  double objective = 0;        // including LpModel::objective_offset
  double best_bound = 0;       // MILP: the best proven bound (incl. offset); LP: = objective
  std::vector<double> x;       // column values (empty without a solution)
  // Sign convention (minimisation): d objective / d row bound. A binding <= row has a dual
  // <= 0 (raising the limit saves money); a binding >= row a dual >= 0.
  std::vector<double> row_duals;
  std::vector<double> reduced_costs;
  std::string solver;          // "CBC 2.10.8" or "CLP 1.17.x"
  std::string words;           // the solver's status in its own terms
  double seconds = 0;
  int nodes = 0;
};

Result<SolveOutcome> solve_model(const LpModel& model, const SolveRequest& request);

}  // namespace gpufleet::plan
