// The only file that includes COIN-OR headers.
#include "plan/cbc_adapter.h"

#include <chrono>
#include <cstdlib>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include <coin/CbcConfig.h>
#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/ClpConfig.h>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

namespace gpufleet::plan {

const char* to_string(SolveStatus status) {
  switch (status) {
    case SolveStatus::optimal: return "optimal";
    case SolveStatus::time_limit: return "time_limit";
    case SolveStatus::time_limit_no_solution: return "time_limit_no_solution";
    case SolveStatus::infeasible: return "infeasible";
    case SolveStatus::unbounded: return "unbounded";
  }
  return "?";
}

namespace {

// Loads the model into a CLP-backed OSI solver (column-ordered matrix, infinities mapped).
void load(const LpModel& model, OsiClpSolverInterface& solver) {
  const int nrows = static_cast<int>(model.rows().size());
  const int ncols = static_cast<int>(model.columns().size());
  const auto& er = model.entry_rows();
  const auto& ec = model.entry_columns();
  const auto& ev = model.entry_values();
  std::vector<CoinBigIndex> start(static_cast<size_t>(ncols) + 1, 0);
  for (int c : ec) ++start[static_cast<size_t>(c) + 1];
  for (int c = 0; c < ncols; ++c) start[static_cast<size_t>(c) + 1] += start[static_cast<size_t>(c)];
  std::vector<int> length(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) length[static_cast<size_t>(c)] = static_cast<int>(start[static_cast<size_t>(c) + 1] - start[static_cast<size_t>(c)]);
  std::vector<CoinBigIndex> fill(start.begin(), start.end() - 1);
  std::vector<int> index(ev.size());
  std::vector<double> value(ev.size());
  for (size_t k = 0; k < ev.size(); ++k) {
    const auto at = static_cast<size_t>(fill[static_cast<size_t>(ec[k])]++);
    index[at] = er[k];
    value[at] = ev[k];
  }
  CoinPackedMatrix matrix(true, nrows, ncols, static_cast<CoinBigIndex>(ev.size()), value.data(), index.data(),
                          start.data(), length.data());
  const double inf = solver.getInfinity();
  auto finite = [inf](double v) { return std::isinf(v) ? (v > 0 ? inf : -inf) : v; };
  std::vector<double> cl, cu, obj, rl, ru;
  for (const auto& c : model.columns()) {
    cl.push_back(finite(c.lower));
    cu.push_back(finite(c.upper));
    obj.push_back(c.cost);
  }
  for (const auto& r : model.rows()) {
    rl.push_back(finite(r.lower));
    ru.push_back(finite(r.upper));
  }
  solver.loadProblem(matrix, cl.data(), cu.data(), obj.data(), rl.data(), ru.data());
  solver.messageHandler()->setLogLevel(0);
  solver.getModelPtr()->setLogLevel(0);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Result<SolveOutcome> solve_lp(const LpModel& model, const SolveRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  OsiClpSolverInterface solver;
  load(model, solver);
  solver.getModelPtr()->setMaximumSeconds(request.time_limit_s > 0 ? request.time_limit_s : -1.0);
  solver.initialSolve();
  SolveOutcome out;
  out.solver = fmt::format("CLP {}", CLP_VERSION);
  out.seconds = seconds_since(t0);
  ClpSimplex* clp = solver.getModelPtr();
  if (solver.isProvenOptimal()) {
    out.status = SolveStatus::optimal;
    out.words = "optimal";
  } else if (solver.isProvenPrimalInfeasible()) {
    out.status = SolveStatus::infeasible;
    out.words = "primal infeasible";
    return out;
  } else if (solver.isProvenDualInfeasible()) {
    out.status = SolveStatus::unbounded;
    out.words = "dual infeasible (unbounded)";
    return out;
  } else {
    out.status = SolveStatus::time_limit_no_solution;
    out.words = fmt::format("stopped (CLP status {}, secondary {})", clp->status(), clp->secondaryStatus());
    return out;
  }
  const int ncols = solver.getNumCols(), nrows = solver.getNumRows();
  out.x.assign(solver.getColSolution(), solver.getColSolution() + ncols);
  out.objective = solver.getObjValue() + model.objective_offset;
  out.best_bound = out.objective;
  if (request.want_duals) {
    out.row_duals.assign(solver.getRowPrice(), solver.getRowPrice() + nrows);
    out.reduced_costs.assign(solver.getReducedCost(), solver.getReducedCost() + ncols);
  }
  return out;
}

int no_callback(CbcModel*, int) { return 0; }

// One CBC branch-and-cut run. `cutoff` (objective incl. offset; +inf = none): only plans
// better than this are of interest (we already hold one that good).
Result<SolveOutcome> run_cbc(const LpModel& model, const SolveRequest& request, double cutoff) {
  const auto t0 = std::chrono::steady_clock::now();
  OsiClpSolverInterface solver;
  load(model, solver);
  for (size_t c = 0; c < model.columns().size(); ++c)
    if (model.columns()[c].integer) solver.setInteger(static_cast<int>(c));
  CbcModel cbc(solver);
  CbcSolverUsefulData data;
  CbcMain0(cbc, data);
  cbc.setLogLevel(0);
  cbc.messageHandler()->setLogLevel(0);
  const std::string seconds = fmt::format("{}", request.time_limit_s > 0 ? request.time_limit_s : 1e9);
  const std::string ratio = fmt::format("{}", request.relative_gap);
  const std::string threads = fmt::format("{}", std::max(1, request.threads));
  std::vector<const char*> argv = {"gpufleet", "-logLevel", "0", "-seconds", seconds.c_str(), "-ratioGap", ratio.c_str()};
  if (request.threads > 1) {
    argv.push_back("-threads");
    argv.push_back(threads.c_str());
  }
  // GPUFLEET_CBC_ARGS: extra CBC command-line arguments (space separated), for tuning runs.
  std::vector<std::string> extra;
  if (const char* env = std::getenv("GPUFLEET_CBC_ARGS")) {
    std::string word;
    for (const char* c = env;; ++c) {
      if (*c == ' ' || *c == 0) {
        if (!word.empty()) extra.push_back(word);
        word.clear();
        if (*c == 0) break;
      } else {
        word += *c;
      }
    }
  }
  for (const auto& e : extra) argv.push_back(e.c_str());
  const std::string cutoff_text = fmt::format("{}", cutoff - model.objective_offset);
  if (std::isfinite(cutoff)) {
    argv.push_back("-cutoff");
    argv.push_back(cutoff_text.c_str());
  }
  argv.push_back("-solve");
  argv.push_back("-quit");
  CbcMain1(static_cast<int>(argv.size()), argv.data(), cbc, no_callback, data);

  SolveOutcome out;
  out.solver = fmt::format("CBC {}", CBC_VERSION);
  out.seconds = seconds_since(t0);
  out.nodes = cbc.getNodeCount();
  const double* best = cbc.bestSolution();
  const bool have = best != nullptr;
  if (have) {
    out.x.assign(best, best + cbc.getNumCols());
    out.objective = cbc.getObjValue() + model.objective_offset;
    out.best_bound = std::min(cbc.getBestPossibleObjValue(), cbc.getObjValue()) + model.objective_offset;
  }
  if (cbc.isProvenInfeasible()) {
    out.status = SolveStatus::infeasible;
    out.words = "proven infeasible";
    out.x.clear();
  } else if (cbc.isContinuousUnbounded()) {
    out.status = SolveStatus::unbounded;
    out.words = "continuous relaxation unbounded";
  } else if (cbc.isSecondsLimitReached() || !cbc.isProvenOptimal()) {
    out.status = have ? SolveStatus::time_limit : SolveStatus::time_limit_no_solution;
    out.words = fmt::format("stopped on time limit (CBC status {}, secondary {})", cbc.status(), cbc.secondaryStatus());
  } else if (have) {
    out.status = SolveStatus::optimal;
    out.words = "optimal within the relative gap";
  } else {
    out.status = SolveStatus::infeasible;
    out.words = fmt::format("no solution (CBC status {}, secondary {})", cbc.status(), cbc.secondaryStatus());
  }
  return out;
}

// The MILP strategy: (1) the LP relaxation gives a bound; (2) a restricted MILP in which each
// block count may only take the floor or ceiling of its LP value (RINS-like) finds a good plan
// fast; if it is within the gap of the LP bound, done; (3) else CBC searches the whole model
// from that plan for the time left. The best plan and the best bound of the passes are kept.
Result<SolveOutcome> solve_mip(const LpModel& model, const SolveRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  SolveRequest lp_request = request;
  lp_request.relax = true;
  lp_request.want_duals = false;
  auto lp = solve_lp(model, lp_request);
  if (!lp) return lp;
  if (lp->status == SolveStatus::infeasible || lp->status == SolveStatus::unbounded) {
    lp->solver = fmt::format("CBC {} (LP relaxation by CLP)", CBC_VERSION);
    lp->words = "LP relaxation " + lp->words;
    return lp;
  }
  std::vector<double> incumbent;
  double incumbent_obj = 0;
  const double bound = lp->objective;
  if (lp->status == SolveStatus::optimal) {
    LpModel restricted = model;
    for (size_t c = 0; c < restricted.columns().size(); ++c) {
      auto& col = restricted.columns()[c];
      if (!col.integer) continue;
      const double v = lp->x[c];
      col.lower = std::max(col.lower, std::floor(v + 1e-7));
      col.upper = std::min(col.upper, std::ceil(v - 1e-7));
    }
    SolveRequest r = request;
    r.time_limit_s = std::max(1.0, request.time_limit_s * 0.5);
    auto sub = run_cbc(restricted, r, kInf);
    if (!sub) return sub;
    if (!sub->x.empty()) {
      incumbent = sub->x;
      incumbent_obj = sub->objective;
    }
  }
  const double used = seconds_since(t0);
  auto gap_of = [](double obj, double b) { return std::abs(obj) > 0 ? (obj - b) / std::abs(obj) : 0.0; };
  if (!incumbent.empty() && gap_of(incumbent_obj, bound) <= request.relative_gap) {
    SolveOutcome out;
    out.status = SolveStatus::optimal;
    out.words = "optimal within the relative gap (plan rounded around the LP relaxation; bound from the LP)";
    out.solver = fmt::format("CBC {}", CBC_VERSION);
    out.x = std::move(incumbent);
    out.objective = incumbent_obj;
    out.best_bound = bound;
    out.seconds = used;
    return out;
  }
  SolveRequest rest = request;
  rest.time_limit_s = std::max(1.0, request.time_limit_s - used);
  auto full = run_cbc(model, rest, incumbent.empty() ? kInf : incumbent_obj - 1e-9 * std::max(1.0, std::abs(incumbent_obj)));
  if (!full) return full;
  full->seconds = seconds_since(t0);
  if (!incumbent.empty() && (full->x.empty() || incumbent_obj < full->objective)) {
    // CBC found nothing better than the plan we hold: proven (infeasible under the cutoff) or not.
    const bool proven = full->status == SolveStatus::infeasible;
    full->status = proven ? SolveStatus::optimal : SolveStatus::time_limit;
    full->words = proven ? "optimal (no better plan exists than the rounded one)" : full->words;
    full->best_bound = proven ? incumbent_obj : bound;
    full->x = std::move(incumbent);
    full->objective = incumbent_obj;
  }
  full->best_bound = std::max(full->best_bound, bound);
  if (full->status == SolveStatus::time_limit && gap_of(full->objective, full->best_bound) <= request.relative_gap)
    full->status = SolveStatus::optimal;
  return full;
}

}  // namespace

Result<SolveOutcome> solve_model(const LpModel& model, const SolveRequest& request) {
  if (model.columns().empty()) {
    // Nothing to decide: feasible iff every row admits zero activity.
    SolveOutcome out;
    out.solver = "none";
    bool ok = true;
    for (const auto& r : model.rows()) ok = ok && r.lower <= 1e-9 && r.upper >= -1e-9;
    out.status = ok ? SolveStatus::optimal : SolveStatus::infeasible;
    out.words = ok ? "empty model" : "empty model with an unsatisfiable row";
    out.objective = out.best_bound = model.objective_offset;
    out.row_duals.assign(model.rows().size(), 0.0);
    return out;
  }
  if (request.relax || model.integers() == 0) return solve_lp(model, request);
  return solve_mip(model, request);
}

}  // namespace gpufleet::plan
