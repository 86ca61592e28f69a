// The only file that includes COIN-OR headers.
#include "plan/cbc_adapter.h"

#include <chrono>
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

Result<SolveOutcome> solve_mip(const LpModel& model, const SolveRequest& request) {
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
