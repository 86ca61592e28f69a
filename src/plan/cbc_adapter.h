// The solver adapter: the only file that knows COIN-OR CBC (MILP) and CLP (LP). It maps the
// solver's codes onto SolveStatus in one place; everything else speaks LpModel.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "plan/lp_model.h"

namespace gpufleet::plan {

class LpSession;

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
  double time_limit_s = 60;    // wall time for the whole solve_model call (every pass)
  double relative_gap = 0.005;
  int threads = 1;
  bool relax = false;          // drop integrality: one LP solve with CLP
  bool want_duals = false;     // LP only: fill row_duals and reduced_costs
  // MILP: model-aware roundings of the LP relaxation's solution (one value per column,
  // integers whole), each completed by an LP and tried as a plan after the dive.
  struct Rounding {
    std::string name;  // the search pass's name
    std::function<std::vector<double>(const std::vector<double>& lp_x)> round;
  };
  std::vector<Rounding> roundings;
  // MILP: called after each search pass with its name and the best plan's objective and the
  // best bound after it (incl. offset; objective +inf while there is no plan); may be empty.
  std::function<void(const std::string& pass, double incumbent, double bound)> on_pass;
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
  // MILP: the LP relaxation kept loaded at its optimal basis (its duals and solution, and
  // warm re-solves for the marginal values); may be null.
  std::shared_ptr<LpSession> relaxation;
  // MILP: each pass of the search (lp, round-up, round-down, restricted, search) with the best
  // plan and bound after it (objective incl. offset; +inf: no plan yet).
  struct Pass {
    std::string name;
    double seconds = 0;
    double incumbent = 0;
    double bound = 0;
  };
  std::vector<Pass> passes;
};

Result<SolveOutcome> solve_model(const LpModel& model, const SolveRequest& request);

// An LP kept loaded for repeated re-solves after small changes, each warm-started from the
// last basis (dual simplex): marginal values by finite differences. Not thread-safe.
class LpSession {
  struct Impl;

 public:
  // What a probe changes, and then restores.
  struct Change {
    std::vector<std::pair<int, double>> row_shifts;     // (row, delta): every finite bound moves
    std::vector<std::pair<int, double>> upper_shifts;   // (column, delta) on its upper bound
    struct Coefficient {
      int row, column;
      double before, after;
    };
    std::vector<Coefficient> coefficients;
  };

  // Integer columns are treated as continuous.
  explicit LpSession(const LpModel& model);
  ~LpSession();
  LpSession(const LpSession&) = delete;
  LpSession& operator=(const LpSession&) = delete;
  // A copy with the same model, bounds and basis.
  std::unique_ptr<LpSession> clone() const;

  // Sets column bounds for good (until set again); the next solve() starts from the last basis.
  void set_column_bounds(int column, double lower, double upper);
  // Adds a row (a cut) for good: lower <= sum of value x column <= upper (infinite: no bound);
  // the next solve() starts from the last basis with the row's slack basic.
  void add_row(const std::vector<std::pair<int, double>>& entries, double lower, double upper);
  // The objective (incl. the model's offset) of the LP as it stands, from the last basis when
  // there is one; nullopt when it is not optimal within the time.
  std::optional<double> solve(double time_limit_s);
  // Why the last solve was not optimal: infeasible, unbounded, or (neither) out of time.
  SolveStatus last_status() const;
  // Of the last optimal solve (same sign convention as SolveOutcome).
  double objective() const;
  std::vector<double> row_duals() const;
  std::vector<double> reduced_costs() const;
  std::vector<double> x() const;
  // The LP with `change` applied: optimal (with its objective), infeasible, or not solved in
  // time. The change is undone afterwards and the next probe starts from the last solve's basis.
  struct Probed {
    SolveStatus status = SolveStatus::time_limit_no_solution;
    double objective = 0;  // incl. the model's offset, when optimal
  };
  Probed probe(const Change& change, double time_limit_s);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gpufleet::plan
