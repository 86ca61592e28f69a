// The only file that includes COIN-OR headers.
#include "plan/cbc_adapter.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include <coin/CbcConfig.h>
#include <coin/CbcEventHandler.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/ClpConfig.h>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/CoinPackedVector.hpp>
#include <coin/CoinWarmStart.hpp>
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

// Stops CBC at a wall-clock deadline at the next event it raises (nodes, solutions,
// heuristics): its own -seconds is checked between nodes only after the root, whose cuts and
// heuristics can take far longer on large models.
class DeadlineHandler : public CbcEventHandler {
 public:
  explicit DeadlineHandler(std::chrono::steady_clock::time_point deadline) : deadline_(deadline) {}
  CbcAction event(CbcEvent) override { return std::chrono::steady_clock::now() >= deadline_ ? stop : noAction; }
  CbcEventHandler* clone() const override { return new DeadlineHandler(*this); }

 private:
  std::chrono::steady_clock::time_point deadline_;
};

// One CBC branch-and-cut run. `cutoff` (objective incl. offset; +inf = none): only plans
// better than this are of interest (we already hold one that good).
Result<SolveOutcome> run_cbc(const LpModel& model, const SolveRequest& request, double cutoff) {
  const auto t0 = std::chrono::steady_clock::now();
  OsiClpSolverInterface solver;
  load(model, solver);
  for (size_t c = 0; c < model.columns().size(); ++c)
    if (model.columns()[c].integer) solver.setInteger(static_cast<int>(c));
  CbcModel cbc(solver);
  const DeadlineHandler deadline(t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                          std::chrono::duration<double>(std::max(0.01, request.time_limit_s))));
  cbc.passInEventHandler(&deadline);
  CbcSolverUsefulData data;
  CbcMain0(cbc, data);
  cbc.setLogLevel(0);
  cbc.messageHandler()->setLogLevel(0);
  const std::string seconds = fmt::format("{}", request.time_limit_s > 0 ? request.time_limit_s : 1e9);
  const std::string ratio = fmt::format("{}", request.relative_gap);
  const std::string threads = fmt::format("{}", std::max(1, request.threads));
  // -seconds is wall time (CBC's default is CPU time, which runs `threads` times faster than the
  // clock). No CglPreProcess: it checks no clock, and on large models it ran 60 s past a 10 s limit.
  std::vector<const char*> argv = {"gpufleet", "-logLevel", "0", "-seconds", seconds.c_str(), "-ratioGap", ratio.c_str(),
                                   "-timeMode", "elapsed", "-preprocess", "off"};
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

// The LP with every integer column fixed at `fixed` (one value per column; a value left
// fractional, e.g. a binary the rounding does not know, is rounded to the nearest whole),
// solved warm from `relaxation`'s basis: a plan (its x and objective) when it is feasible,
// else nothing.
std::optional<std::pair<std::vector<double>, double>> solve_fixed(const LpModel& model, const LpSession& relaxation,
                                                                   const std::vector<double>& fixed, double time_limit_s) {
  auto lp = relaxation.clone();
  for (size_t c = 0; c < model.columns().size(); ++c) {
    const auto& col = model.columns()[c];
    if (col.integer) {
      const double v = std::clamp(std::round(fixed[c]), col.lower, col.upper);
      lp->set_column_bounds(static_cast<int>(c), v, v);
    }
  }
  auto objective = lp->solve(time_limit_s);
  if (!objective) return std::nullopt;
  return std::make_pair(lp->x(), *objective);
}

// A dive from the LP relaxation's basis: fix every integer column the LP already sets whole,
// round a batch of the fractional ones nearest to a whole value (a quarter of them), re-solve
// (warm, dual simplex), and repeat until the LP is integral (a plan). When a batch leaves the
// LP infeasible it is undone and tried rounded up, then halved, down to one column; the dive
// fails when one column fits neither way.
std::vector<double> dive(const LpModel& model, LpSession& lp, double time_limit_s) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<int> integers;
  for (size_t c = 0; c < model.columns().size(); ++c)
    if (model.columns()[c].integer) integers.push_back(static_cast<int>(c));
  std::vector<bool> fixed(model.columns().size(), false);
  std::vector<double> x = lp.x();
  auto unfix = [&](const std::vector<int>& batch) {
    for (int c : batch) {
      lp.set_column_bounds(c, model.columns()[static_cast<size_t>(c)].lower, model.columns()[static_cast<size_t>(c)].upper);
      fixed[static_cast<size_t>(c)] = false;
    }
  };
  for (int round = 0; round < 400 && !x.empty(); ++round) {
    std::vector<std::pair<double, int>> fractional;
    for (int c : integers) {
      if (fixed[static_cast<size_t>(c)]) continue;
      const double v = x[static_cast<size_t>(c)], f = v - std::floor(v);
      const double off = std::min(f, 1 - f);
      if (off <= 1e-6) {
        lp.set_column_bounds(c, std::round(v), std::round(v));
        fixed[static_cast<size_t>(c)] = true;
      } else {
        fractional.push_back({off, c});
      }
    }
    if (fractional.empty()) return x;
    std::sort(fractional.begin(), fractional.end());
    size_t n = std::max<size_t>(1, fractional.size() / 4);
    bool solved = false;
    while (!solved) {
      std::vector<int> batch;
      for (size_t k = 0; k < n; ++k) batch.push_back(fractional[k].second);
      for (const bool up : {false, true}) {
        for (int c : batch) {
          const double v = x[static_cast<size_t>(c)];
          const double to = up ? std::ceil(v) : std::round(v);
          lp.set_column_bounds(c, to, to);
          fixed[static_cast<size_t>(c)] = true;
        }
        const double left = time_limit_s - seconds_since(t0);
        if (left <= 0) return {};
        if (lp.solve(left)) {
          solved = true;
          break;
        }
        if (lp.last_status() != SolveStatus::infeasible) return {};  // out of time
        unfix(batch);
      }
      if (solved) break;
      if (n == 1) return {};
      n = std::max<size_t>(1, n / 2);
    }
    x = lp.x();
  }
  return {};
}

// The MILP strategy, every pass within the request's wall time:
// (1) the LP relaxation gives the bound (and its duals, for the marginal values);
// (2) a dive from the LP's basis, then the model's roundings of the LP (up within the ramp and
//     power limits, down), each completed by an LP (warm): a plan within seconds;
// (3) a restricted MILP in which each block count may only take the floor or ceiling of its
//     LP value, or its value in the plan held (RINS-like), improves that plan fast;
// (4) CBC searches the whole model from the best plan for the time left.
// The best plan and the best bound of the passes are kept; the search stops at the gap.
Result<SolveOutcome> solve_mip(const LpModel& model, const SolveRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  auto left = [&] { return request.time_limit_s - seconds_since(t0); };
  std::vector<SolveOutcome::Pass> passes;
  std::vector<double> incumbent;
  double incumbent_obj = kInf;
  double bound = -kInf;
  auto pass_done = [&](std::string name, std::chrono::steady_clock::time_point since) {
    passes.push_back({std::move(name), seconds_since(since), incumbent_obj, bound});
    if (request.on_pass) request.on_pass(passes.back().name, incumbent_obj, bound);
  };
  auto gap_of = [](double obj, double b) { return std::abs(obj) > 0 ? (obj - b) / std::abs(obj) : 0.0; };
  std::string found_by;  // the pass that found the incumbent
  auto offer = [&](const std::vector<double>& x, double obj, const char* by) {
    if (!x.empty() && obj < incumbent_obj) {
      incumbent = x;
      incumbent_obj = obj;
      found_by = by;
    }
  };
  auto finish = [&](SolveOutcome out) {
    out.solver = fmt::format("CBC {}", CBC_VERSION);
    out.seconds = seconds_since(t0);
    out.passes = std::move(passes);
    return out;
  };

  // (1) LP relaxation.
  auto since = std::chrono::steady_clock::now();
  auto session = std::make_shared<LpSession>(model);  // loading a large model takes seconds too
  if (!session->solve(std::max(0.01, left()))) {
    SolveOutcome out;
    out.status = session->last_status();
    out.solver = fmt::format("CBC {} (LP relaxation by CLP)", CBC_VERSION);
    out.words = out.status == SolveStatus::infeasible ? "LP relaxation primal infeasible"
                : out.status == SolveStatus::unbounded
                    ? "LP relaxation dual infeasible (unbounded)"
                    : fmt::format("the LP relaxation did not finish within the time limit of {:.1f} s", request.time_limit_s);
    out.seconds = seconds_since(t0);
    return out;
  }
  bound = session->objective();
  pass_done("lp", since);
  const std::vector<double> lp_x = session->x();
  auto with_relaxation = [&](SolveOutcome& out) { out.relaxation = session; };

  auto done = [&](std::string words) {
    SolveOutcome out;
    out.status = SolveStatus::optimal;
    out.words = std::move(words);
    out.x = incumbent;
    out.objective = incumbent_obj;
    out.best_bound = bound;
    with_relaxation(out);
    return finish(std::move(out));
  };

  // (2) A dive from the LP's basis; then the model's roundings, each completed by an LP.
  if (left() > 0) {
    since = std::chrono::steady_clock::now();
    auto diver = session->clone();
    auto dived = dive(model, *diver, std::max(0.05, left() * 0.5));
    if (!dived.empty()) {
      double obj = model.objective_offset;
      for (size_t c = 0; c < dived.size(); ++c) obj += model.columns()[c].cost * dived[c];
      offer(dived, obj, "the dive from the LP");
    }
    pass_done("dive", since);
  }
  for (const auto& rounding : request.roundings) {
    if (left() <= 0 || (!incumbent.empty() && gap_of(incumbent_obj, bound) <= request.relative_gap)) break;
    since = std::chrono::steady_clock::now();
    if (auto plan = solve_fixed(model, *session, rounding.round(lp_x), std::max(0.01, left())))
      offer(plan->first, plan->second, "the LP rounded to whole blocks");
    pass_done(rounding.name, since);
  }
  if (!incumbent.empty() && gap_of(incumbent_obj, bound) <= request.relative_gap)
    return done(fmt::format("optimal within the relative gap (plan from {}; bound from the LP)", found_by));

  // (3) Restricted MILP around the LP.
  if (left() > 0.05) {
    since = std::chrono::steady_clock::now();
    LpModel restricted = model;
    for (size_t c = 0; c < restricted.columns().size(); ++c) {
      auto& col = restricted.columns()[c];
      if (!col.integer) continue;
      const double v = lp_x[c];
      double lo = std::floor(v + 1e-7), hi = std::ceil(v - 1e-7);
      if (!incumbent.empty()) {  // the box holds the plan held too, so the MILP has one to improve
        lo = std::min(lo, std::round(incumbent[c]));
        hi = std::max(hi, std::round(incumbent[c]));
      }
      col.lower = std::max(col.lower, lo);
      col.upper = std::min(col.upper, hi);
    }
    SolveRequest r = request;
    r.time_limit_s = std::max(0.05, left() * 0.5);
    auto sub = run_cbc(restricted, r, incumbent.empty() ? kInf : incumbent_obj);
    if (!sub) return sub;
    offer(sub->x, sub->objective, "the MILP restricted around the LP");
    pass_done("restricted", since);
    if (!incumbent.empty() && gap_of(incumbent_obj, bound) <= request.relative_gap)
      return done(fmt::format("optimal within the relative gap (plan from {}; bound from the LP)", found_by));
  }

  // (4) The full search for the time left.
  SolveOutcome out;
  with_relaxation(out);
  if (left() > 0.05) {
    since = std::chrono::steady_clock::now();
    SolveRequest rest = request;
    rest.time_limit_s = std::max(0.05, left());
    auto full = run_cbc(model, rest, incumbent.empty() ? kInf : incumbent_obj - 1e-9 * std::max(1.0, std::abs(incumbent_obj)));
    if (!full) return full;
    const bool proven_none_better = full->status == SolveStatus::infeasible;
    if (full->status == SolveStatus::optimal) {
      offer(full->x, full->objective, "the branch-and-cut search");
      bound = std::max(bound, std::min(full->best_bound, incumbent_obj));
    } else if (proven_none_better && !incumbent.empty()) {
      bound = incumbent_obj;  // no plan better than the one held exists
    } else {
      offer(full->x, full->objective, "the branch-and-cut search");
      if (!full->x.empty()) bound = std::max(bound, std::min(full->best_bound, incumbent_obj));
    }
    pass_done("search", since);
    out.words = proven_none_better && !incumbent.empty() ? "optimal (no better plan exists than the one found)" : full->words;
    out.nodes = full->nodes;
    if (proven_none_better && incumbent.empty()) {
      out.status = SolveStatus::infeasible;
      out.words = full->words;
      out.best_bound = bound;
      return finish(std::move(out));
    }
  } else {
    out.words = "stopped on the time limit";
  }
  out.best_bound = bound;
  if (incumbent.empty()) {
    out.status = SolveStatus::time_limit_no_solution;
    return finish(std::move(out));
  }
  out.x = std::move(incumbent);
  out.objective = incumbent_obj;
  out.status = gap_of(out.objective, bound) <= request.relative_gap ? SolveStatus::optimal : SolveStatus::time_limit;
  if (out.status == SolveStatus::optimal && out.words.rfind("stopped", 0) == 0) out.words = "optimal within the relative gap";
  return finish(std::move(out));
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

struct LpSession::Impl {
  OsiClpSolverInterface solver;
  double offset = 0;
  bool solved = false;       // the last solve was optimal
  bool ever_solved = false;  // a basis exists to start from
  std::unique_ptr<CoinWarmStart> basis;  // of the last solve(): each probe starts from it

  Impl() = default;
  Impl(const Impl& o) : solver(o.solver), offset(o.offset), solved(o.solved), ever_solved(o.ever_solved),
                        basis(o.basis ? o.basis->clone() : nullptr) {}
};

LpSession::LpSession(const LpModel& model) : impl_(std::make_unique<Impl>()) {
  load(model, impl_->solver);
  impl_->offset = model.objective_offset;
}

LpSession::~LpSession() = default;

std::unique_ptr<LpSession> LpSession::clone() const {
  auto copy = std::unique_ptr<LpSession>(new LpSession(LpModel{}));
  copy->impl_ = std::make_unique<Impl>(*impl_);
  return copy;
}

void LpSession::set_column_bounds(int column, double lower, double upper) {
  const double inf = impl_->solver.getInfinity();
  impl_->solver.setColBounds(column, std::isinf(lower) ? -inf : lower, std::isinf(upper) ? inf : upper);
}

void LpSession::add_row(const std::vector<std::pair<int, double>>& entries, double lower, double upper) {
  const double inf = impl_->solver.getInfinity();
  CoinPackedVector row;
  for (const auto& [column, value] : entries) row.insert(column, value);
  impl_->solver.addRow(row, std::isinf(lower) ? -inf : lower, std::isinf(upper) ? inf : upper);
}

std::optional<double> LpSession::solve(double time_limit_s) {
  impl_->solver.getModelPtr()->setMaximumSeconds(std::max(0.01, time_limit_s));
  if (impl_->ever_solved) impl_->solver.resolve();
  else impl_->solver.initialSolve();
  impl_->ever_solved = true;
  impl_->solved = impl_->solver.isProvenOptimal();
  if (!impl_->solved) return std::nullopt;
  impl_->basis.reset(impl_->solver.getWarmStart());
  return objective();
}

SolveStatus LpSession::last_status() const {
  const auto& s = impl_->solver;
  if (s.isProvenOptimal()) return SolveStatus::optimal;
  if (s.isProvenPrimalInfeasible()) return SolveStatus::infeasible;
  if (s.isProvenDualInfeasible()) return SolveStatus::unbounded;
  return SolveStatus::time_limit_no_solution;
}

double LpSession::objective() const { return impl_->solver.getObjValue() + impl_->offset; }

std::vector<double> LpSession::row_duals() const {
  const auto& s = impl_->solver;
  return std::vector<double>(s.getRowPrice(), s.getRowPrice() + s.getNumRows());
}

std::vector<double> LpSession::reduced_costs() const {
  const auto& s = impl_->solver;
  return std::vector<double>(s.getReducedCost(), s.getReducedCost() + s.getNumCols());
}

std::vector<double> LpSession::x() const {
  const auto& s = impl_->solver;
  return std::vector<double>(s.getColSolution(), s.getColSolution() + s.getNumCols());
}

LpSession::Probed LpSession::probe(const Change& change, double time_limit_s) {
  OsiClpSolverInterface& s = impl_->solver;
  if (!impl_->solved) return {};
  const double inf = s.getInfinity();
  struct Saved {
    int index;
    double lower, upper;
  };
  std::vector<Saved> rows, columns;
  for (const auto& [r, d] : change.row_shifts) {
    const double lo = s.getRowLower()[r], hi = s.getRowUpper()[r];
    rows.push_back({r, lo, hi});
    s.setRowBounds(r, lo > -inf ? lo + d : lo, hi < inf ? hi + d : hi);
  }
  for (const auto& [c, d] : change.upper_shifts) {
    const double lo = s.getColLower()[c], hi = s.getColUpper()[c];
    columns.push_back({c, lo, hi});
    s.setColUpper(c, hi < inf ? std::max(lo, hi + d) : hi);
  }
  for (const auto& k : change.coefficients) s.modifyCoefficient(k.row, k.column, k.after);
  s.getModelPtr()->setMaximumSeconds(std::max(0.01, time_limit_s));
  if (impl_->basis) s.setWarmStart(impl_->basis.get());
  s.resolve();
  Probed out;
  out.status = last_status();
  if (out.status == SolveStatus::optimal) out.objective = s.getObjValue() + impl_->offset;
  // Restore in reverse order (a row or column may appear twice).
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) s.setRowBounds(it->index, it->lower, it->upper);
  for (auto it = columns.rbegin(); it != columns.rend(); ++it) s.setColBounds(it->index, it->lower, it->upper);
  for (const auto& k : change.coefficients) s.modifyCoefficient(k.row, k.column, k.before);
  return out;
}

}  // namespace gpufleet::plan
