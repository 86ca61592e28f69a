#include "plan/plan_benders.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>

#include <fmt/format.h>

namespace gpufleet::plan {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One future's recourse LP, kept loaded (warm re-solves as the master's commitments move). Its
// periods are independent LPs once the commitments are fixed (no row spans two periods), so each
// period gets its own estimate and its own cuts (the multi-cut L-shaped method, per period).
struct Subproblem {
  std::unique_ptr<LpSession> lp;
  std::vector<std::pair<int, int>> linked;  // (model column, subproblem column)
  std::vector<std::vector<std::pair<int, double>>> linked_entries;  // per linked column: (row, value)
  std::vector<int> row_period, column_period;  // column: -1 for linked columns
  std::vector<double> cost;                    // per subproblem column ($M per unit)
  std::vector<std::pair<int, double>> unmet;
  std::vector<int> theta;                      // per period: the master's estimate of its cost
};

struct Cut {
  std::vector<std::pair<int, double>> entries;
  double lower = 0;
};

// The master as the MILP search gets it: every row of the cvar family (the cuts and the CVaR
// rows) that the master LP's last solve prices at 0 (`duals`, one per row the LP had; rows added
// since count as priced 0) is dropped, except rows from keep_from on (the cuts at the searches'
// earlier plans, so that a search does not find again a plan whose recourse it underestimated);
// the auxiliary columns left in no row are fixed at 0. The cuts that hold the LP's optimum stay,
// so the search sees the recourse's kinks around it (with every cut moved into the objective at
// its price, the Lagrangian relaxation, whole-block plans cost 0.5% more than the search said);
// the others, thousands of rows with 100 futures, would only slow it. A relaxation of the
// master: its optimum over whole blocks is a lower bound on every whole-block plan's cost.
LpModel search_master(const LpModel& master, const std::vector<double>& duals, const std::vector<int>& auxiliary,
                      size_t keep_from) {
  const auto& rows = master.rows();
  std::vector<int> kept(rows.size(), -1);
  LpModel out;
  for (const auto& c : master.columns()) out.add_column(c);
  out.objective_offset = master.objective_offset;
  for (size_t r = 0; r < rows.size(); ++r) {
    const double y = r < duals.size() ? duals[r] : 0.0;
    if (rows[r].family != RowFamily::cvar || std::abs(y) > 1e-9 || r >= keep_from) kept[r] = out.add_row(rows[r]);
  }
  for (size_t e = 0; e < master.entry_values().size(); ++e) {
    const auto r = static_cast<size_t>(master.entry_rows()[e]);
    if (kept[r] >= 0) out.add(kept[r], master.entry_columns()[e], master.entry_values()[e]);
  }
  std::vector<bool> in_a_row(master.columns().size(), false);
  for (size_t e = 0; e < master.entry_values().size(); ++e)
    if (kept[static_cast<size_t>(master.entry_rows()[e])] >= 0) in_a_row[static_cast<size_t>(master.entry_columns()[e])] = true;
  for (int c : auxiliary) {
    if (in_a_row[static_cast<size_t>(c)]) continue;
    auto& col = out.columns()[static_cast<size_t>(c)];
    col.lower = col.upper = col.cost = 0;
  }
  return out;
}

}  // namespace

Result<BendersOutcome> solve_benders(const PlanInputs& in, PlanModel& m, const StochasticOptions& o, const SolveRequest& request,
                                     const std::vector<double>& start, bool evaluate_only) {
  const auto t0 = std::chrono::steady_clock::now();
  auto left = [&] { return request.time_limit_s - seconds_since(t0); };
  BendersOutcome out;
  out.solve.solver = "CBC and CLP, L-shaped";
  const size_t nf = o.futures.size();
  const auto H = static_cast<size_t>(m.horizon_periods);
  std::vector<Subproblem> subs(nf);
  std::vector<std::vector<std::pair<int, double>>> cost_of(nf);
  for (size_t f = 0; f < nf; ++f) {
    LpModel sub;
    BlockTarget target = BlockTarget::own(sub);
    out.blocks.push_back(add_future_block(in, m, o.futures[f], o.shortfall_usd_per_ref_gpu_hour, static_cast<int>(f), target));
    Subproblem& s = subs[f];
    s.linked = target.linked;
    s.unmet = out.blocks.back().unmet;
    for (const auto& r : sub.rows()) s.row_period.push_back(r.period);
    for (const auto& c : sub.columns()) s.cost.push_back(c.cost);
    s.column_period.assign(sub.columns().size(), -2);
    std::vector<int> linked_index(sub.columns().size(), -1);
    for (size_t k = 0; k < s.linked.size(); ++k) {
      linked_index[static_cast<size_t>(s.linked[k].second)] = static_cast<int>(k);
      s.column_period[static_cast<size_t>(s.linked[k].second)] = -1;
    }
    s.linked_entries.resize(s.linked.size());
    for (size_t e = 0; e < sub.entry_values().size(); ++e) {
      const auto c = static_cast<size_t>(sub.entry_columns()[e]);
      const int r = sub.entry_rows()[e];
      if (linked_index[c] >= 0) s.linked_entries[static_cast<size_t>(linked_index[c])].push_back({r, sub.entry_values()[e]});
      else if (s.column_period[c] == -2) s.column_period[c] = s.row_period[static_cast<size_t>(r)];
    }
    cost_of[f] = out.blocks.back().billing;
    for (size_t t = 0; t < H; ++t) {
      s.theta.push_back(m.lp.add_column({fmt::format("theta_{}_{}", f, t), 0, kInf, o.futures[f].weight, false}));
      cost_of[f].push_back({s.theta.back(), 1.0});
    }
    s.lp = std::make_unique<LpSession>(sub);
  }
  const CvarColumns cvar = add_cvar(m.lp, o, out.blocks, cost_of);

  // Solves every future's recourse at the master's x, its cost per period into q and the cut of
  // each period into cuts; false when one did not solve in time.
  std::vector<std::vector<double>> q(nf, std::vector<double>(H, 0.0));
  std::vector<double> q_total(nf, 0.0);
  std::vector<std::vector<Cut>> cuts(nf, std::vector<Cut>(H));
  const int threads = std::max(1, std::min<int>(request.threads, static_cast<int>(nf)));
  auto solve_futures = [&](const std::vector<double>& x) {
    std::atomic<size_t> next{0};
    std::atomic<bool> ok{true};
    const double limit = std::max(0.01, left());
    auto work = [&] {
      std::vector<std::vector<double>> gradient;
      for (size_t f = next++; f < nf; f = next++) {
        Subproblem& s = subs[f];
        for (const auto& [mc, sc] : s.linked) s.lp->set_column_bounds(sc, x[static_cast<size_t>(mc)], x[static_cast<size_t>(mc)]);
        auto value = s.lp->solve(limit);
        if (!value) {
          ok = false;
          continue;
        }
        q_total[f] = *value;
        const std::vector<double> sx = s.lp->x();
        const std::vector<double> price = s.lp->row_duals();
        std::fill(q[f].begin(), q[f].end(), 0.0);
        for (size_t c = 0; c < sx.size(); ++c)
          if (s.column_period[c] >= 0) q[f][static_cast<size_t>(s.column_period[c])] += s.cost[c] * sx[c];
        for (size_t t = 0; t < H; ++t) {
          cuts[f][t].entries.assign(1, {s.theta[t], 1.0});
          cuts[f][t].lower = q[f][t];
        }
        // d Q_t / d (linked column) = - sum over period t's rows of their price x coefficient.
        for (size_t k = 0; k < s.linked.size(); ++k) {
          const int mc = s.linked[k].first;
          std::vector<std::pair<int, double>> by_period;
          for (const auto& [r, v] : s.linked_entries[k]) {
            const int t = s.row_period[static_cast<size_t>(r)];
            const double g = -price[static_cast<size_t>(r)] * v;
            if (g == 0 || t < 0) continue;
            if (!by_period.empty() && by_period.back().first == t) by_period.back().second += g;
            else by_period.push_back({t, g});
          }
          for (const auto& [t, g] : by_period) {
            Cut& cut = cuts[f][static_cast<size_t>(t)];
            cut.entries.push_back({mc, -g});
            cut.lower -= g * x[static_cast<size_t>(mc)];
          }
        }
      }
    };
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    return ok.load();
  };
  auto theta_sum = [&](const std::vector<double>& x, size_t f) {
    double v = 0;
    for (int c : subs[f].theta) v += x[static_cast<size_t>(c)];
    return v;
  };
  // The true objective at x (its recourse just solved into q): the master's, with each theta
  // replaced by the recourse and the CVaR term recomputed.
  auto true_objective = [&](const std::vector<double>& x, double master_objective) {
    double v = master_objective;
    std::vector<std::pair<double, double>> vw;
    for (size_t f = 0; f < nf; ++f) {
      const double w = o.futures[f].weight;
      v += w * (q_total[f] - theta_sum(x, f));
      double cost = out.blocks[f].constant + q_total[f];
      for (const auto& [col, coef] : out.blocks[f].billing) cost += coef * x[static_cast<size_t>(col)];
      vw.push_back({cost, w});
    }
    if (cvar.eta >= 0) {
      double term = x[static_cast<size_t>(cvar.eta)];
      for (size_t f = 0; f < nf; ++f)
        term += o.futures[f].weight * x[static_cast<size_t>(cvar.excess[f])] / (1.0 - o.cvar_alpha);
      v += o.risk_aversion * (discrete_cvar(vw, o.cvar_alpha) - term);
    }
    return v;
  };
  // Adds the cut of each future and period its theta underestimates (to the LP session too).
  auto add_cuts = [&](const std::vector<double>& x, LpSession* session) {
    int added = 0;
    for (size_t f = 0; f < nf; ++f)
      for (size_t t = 0; t < H; ++t) {
        const double theta = x[static_cast<size_t>(subs[f].theta[t])];
        if (q[f][t] <= theta + 1e-9 * std::max(1.0, std::abs(q[f][t]))) continue;
        const Cut& cut = cuts[f][t];
        const int r = m.lp.add_row({fmt::format("cut_{}_{}_{}", f, t, out.cuts), cut.lower, kInf, RowFamily::cvar, static_cast<int>(t),
                                    static_cast<int>(f)});
        for (const auto& [col, v] : cut.entries) m.lp.add(r, col, v);
        if (session) session->add_row(cut.entries, cut.lower, kInf);
        ++added;
        ++out.cuts;
      }
    return added;
  };

  auto keep = [&](const std::vector<double>& x, double value) {
    out.solve.x = x;
    for (size_t f = 0; f < nf; ++f)
      for (size_t t = 0; t < H; ++t) out.solve.x[static_cast<size_t>(subs[f].theta[t])] = q[f][t];
    out.solve.objective = value;
    out.recourse.assign(nf, {});
    for (size_t f = 0; f < nf; ++f) {
      out.recourse[f].usd = q_total[f];
      const std::vector<double> sx = subs[f].lp->x();
      for (const auto& [col, hours] : subs[f].unmet) out.recourse[f].unmet_ref_gpu_hours += sx[static_cast<size_t>(col)] * hours;
    }
  };

  // The LP phase.
  double lower = -kInf, best_upper = kInf;
  LpSession master(m.lp);
  std::vector<double> duals;  // the master LP's row prices at its last solve
  // Solves the master LP (warm); false when it did not solve in time (or is infeasible).
  auto solve_master = [&] {
    auto value = master.solve(std::max(0.01, left()));
    if (!value) return false;
    lower = std::max(lower, *value);
    duals = master.row_duals();
    return true;
  };
  double best = kInf;  // the true cost of the best whole-block plan held
  if (!start.empty() && !evaluate_only) {
    // The start plan completed by the master LP with its whole blocks fixed (no cuts yet: theta
    // at 0), its true cost, and its cuts.
    const auto since = std::chrono::steady_clock::now();
    auto fixed = master.clone();
    for (size_t c = 0; c < start.size(); ++c)
      if (!std::isnan(start[c])) fixed->set_column_bounds(static_cast<int>(c), start[c], start[c]);
    if (fixed->solve(std::max(0.01, left()))) {
      const std::vector<double> x = fixed->x();
      if (solve_futures(x)) {
        best = true_objective(x, fixed->objective());
        keep(x, best);
        add_cuts(x, &master);
      }
    }
    out.solve.passes.push_back({"benders start: the deterministic plan", seconds_since(since), best, -kInf});
    best_upper = best;
  }
  for (;;) {
    if (left() <= 0) break;
    const auto since = std::chrono::steady_clock::now();
    if (!solve_master()) {
      if (master.last_status() == SolveStatus::infeasible) {
        out.solve.status = SolveStatus::infeasible;
        out.solve.words = "the master LP (the forecast's limits) is infeasible";
        return out;
      }
      break;
    }
    ++out.rounds;
    const std::vector<double> x = master.x();
    if (!solve_futures(x)) break;
    const double value = true_objective(x, master.objective());
    best_upper = std::min(best_upper, value);
    if (evaluate_only) {
      keep(x, value);
      out.solve.status = SolveStatus::optimal;
      out.solve.best_bound = out.solve.objective;
      return out;
    }
    out.solve.passes.push_back({fmt::format("benders round {}", out.rounds), seconds_since(since), best, lower});
    if (request.on_pass) request.on_pass(out.solve.passes.back().name, best, lower);
    if ((best_upper - lower) <= 0.5 * request.relative_gap * std::abs(best_upper)) break;
    if (add_cuts(x, &master) == 0) break;
  }
  if (!std::isfinite(lower)) {
    out.solve.status = SolveStatus::time_limit_no_solution;
    out.solve.words = "the master LP did not solve within the time limit";
    return out;
  }

  // The MILP phase. Whole blocks are chosen on the master with the cuts that hold its LP's
  // optimum (search_master: CBC found no plan better than the start in 140 s on the whole
  // master with 100 futures), each plan's true recourse solved in every future and cut into the
  // master LP, whose new optimum gives the next search its cuts.
  std::vector<int> auxiliary;  // theta, the value at risk and the excesses: in no other row
  for (const auto& s : subs) auxiliary.insert(auxiliary.end(), s.theta.begin(), s.theta.end());
  if (cvar.eta >= 0) auxiliary.push_back(cvar.eta);
  auxiliary.insert(auxiliary.end(), cvar.excess.begin(), cvar.excess.end());
  double bound = lower;
  std::string words;
  const size_t search_cuts_from = m.lp.rows().size();
  for (int round = 0; round < 8 && left() > 0; ++round) {
    SolveRequest r = request;
    r.time_limit_s = std::max(0.01, left() * 0.8);
    r.on_pass = nullptr;
    auto milp = solve_model(search_master(m.lp, duals, auxiliary, search_cuts_from), r);
    if (!milp) return fail(milp.error());
    for (auto pass : milp->passes) {
      pass.name = fmt::format("benders plan {}: {}", round + 1, pass.name);
      out.solve.passes.push_back(std::move(pass));
    }
    if (milp->x.empty()) {
      words = milp->words;
      break;
    }
    // The relaxation's optimum is a lower bound on every whole-block plan's cost.
    if (milp->status == SolveStatus::optimal) bound = std::max(bound, std::min(milp->best_bound, milp->objective));
    if (!solve_futures(milp->x)) break;
    const double value = true_objective(milp->x, milp->objective);
    if (value < best) {
      best = value;
      keep(milp->x, value);
    }
    words = milp->words;
    if (request.on_pass) request.on_pass(fmt::format("benders plan {}", round + 1), best, bound);
    if ((best - bound) <= request.relative_gap * std::abs(best)) break;
    if (add_cuts(milp->x, &master) == 0 || left() <= 0 || !solve_master()) break;
    bound = std::max(bound, lower);
  }
  out.solve.best_bound = std::min(bound, best);
  out.solve.solver = fmt::format("CBC and CLP, L-shaped ({} rounds, {} cuts)", out.rounds, out.cuts);
  if (out.solve.x.empty()) {
    out.solve.status = SolveStatus::time_limit_no_solution;
    out.solve.words = words.empty() ? "no plan found within the time limit" : words;
    return out;
  }
  const double gap = std::abs(best) > 0 ? (best - out.solve.best_bound) / std::abs(best) : 0.0;
  out.solve.status = gap <= request.relative_gap ? SolveStatus::optimal : SolveStatus::time_limit;
  out.solve.words = out.solve.status == SolveStatus::optimal ? "optimal within the relative gap (L-shaped)"
                                                             : "stopped on the time limit (L-shaped)";
  out.solve.seconds = seconds_since(t0);
  return out;
}

}  // namespace gpufleet::plan
