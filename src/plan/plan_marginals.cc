#include "plan/plan_marginals.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "plan/plan_solution.h"

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

constexpr double kTiny = 1e-9;

// Sums per subject over periods and remembers the period where the value is largest.
struct Accumulator {
  double total = 0;
  double best = 0;
  int best_period = -1;
  void add(double v, int period) {
    total += v;
    if (v > best) {
      best = v;
      best_period = period;
    }
  }
};

void emit(std::vector<MarginalValue>& out, const PlanInputs& in, const std::string& kind, const std::string& what,
          const Accumulator& a, const std::string& basis) {
  if (a.total <= kTiny) return;
  out.push_back({kind, what, "all", a.total, basis});
  if (a.best_period >= 0) out.push_back({kind, what, period_label(in, a.best_period), a.best, basis});
}

}  // namespace

Result<std::vector<MarginalValue>> compute_marginals(const PlanInputs& in, const PlanModel& m,
                                                     const SolveOutcome& solved, const SolveRequest& request) {
  const Scenario& sc = in.scenario;
  const double usd = kUsdPerObjectiveUnit;
  SolveOutcome fixed;
  std::string basis;
  SolveOutcome relaxation;
  if (request.relax) {
    fixed = solved;
    relaxation = solved;
    basis = "LP relaxation";
  } else {
    LpModel lp = m.lp;
    for (size_t c = 0; c < lp.columns().size(); ++c) {
      auto& col = lp.columns()[c];
      if (!col.integer) continue;
      col.lower = col.upper = std::round(solved.x[c]);
      col.integer = false;
    }
    SolveRequest r = request;
    r.relax = true;
    r.want_duals = true;
    auto f = solve_model(lp, r);
    if (!f) return fail(f.error());
    fixed = std::move(*f);
    basis = "LP with block counts fixed at the MILP plan";
    auto rel = solve_model(m.lp, r);
    if (!rel) return fail(rel.error());
    relaxation = std::move(*rel);
  }
  std::vector<MarginalValue> out;
  if (fixed.row_duals.empty()) return out;
  // Limits on what may be committed (power, share, budget, ramp) are valued where the blocks
  // can still move: the LP relaxation. Demand and market supply are valued with the blocks fixed.
  const std::string structural = "LP relaxation";

  const auto& rows = m.lp.rows();
  const HeldCapacity held = held_capacity(in, m, solved.x);
  std::map<int, Accumulator> power, share, budget, demand_inf, ramp;
  Accumulator demand_train;
  for (size_t r = 0; r < rows.size(); ++r) {
    const double pi = fixed.row_duals[r] * usd;  // $ per unit of the row bound
    const double rel = relaxation.row_duals.empty() ? 0.0 : relaxation.row_duals[r] * usd;
    const Row& row = rows[r];
    switch (row.family) {
      case RowFamily::power: power[row.subject].add(-rel, row.period); break;
      case RowFamily::budget: budget[row.subject].add(-rel / usd, row.period); break;
      case RowFamily::demand_training: demand_train.add(pi, row.period); break;
      case RowFamily::demand_inference: demand_inf[row.subject].add(pi, row.period); break;
      case RowFamily::ramp: ramp[row.subject].add(-rel, row.period); break;
      case RowFamily::share: {
        double total = 0;
        for (size_t p = 0; p < m.pools.size(); ++p) total += held.firm[p][u(row.period)] * m.pools[p].speed;
        share[row.subject].add(-rel * 0.01 * total, row.period);
        break;
      }
      default: break;
    }
  }
  for (const auto& [s, a] : power) emit(out, in, "power_mw", sc.sites[u(s)].name, a, structural);
  // Supply: an on-demand or spot column at its availability limit with a negative reduced cost.
  for (const auto& pool : m.pools) {
    Accumulator od, spot;
    for (int t = 0; t < in.periods; ++t) {
      for (auto [col, acc] : {std::pair{pool.od[u(t)], &od}, std::pair{pool.spot[u(t)], &spot}}) {
        if (col < 0) continue;
        const double rc = fixed.reduced_costs[u(col)];
        if (rc < 0) acc->add(-rc * usd, t);
      }
    }
    const std::string name = fmt::format("{} {}", sc.sites[u(pool.site)].name, sc.accelerators[u(pool.accelerator)].name);
    emit(out, in, "supply_gpu", name + " on-demand", od, basis);
    emit(out, in, "supply_gpu", name + " spot", spot, basis);
  }
  for (const auto& [o, a] : ramp) emit(out, in, "ramp_gpu", in.offers[u(o)].name, a, structural);
  for (const auto& [p, a] : share) emit(out, in, "share_point", sc.providers[u(p)].name, a, structural);
  for (const auto& [y, a] : budget)
    emit(out, in, "budget_usd", fmt::format("plan year {}", y + 1), a, structural);
  emit(out, in, "demand_ref_gpu", "training", demand_train, basis);
  for (const auto& [j, a] : demand_inf) emit(out, in, "demand_ref_gpu", in.inference[u(j)].jurisdiction + " inference", a, basis);
  return out;
}

}  // namespace gpufleet::plan
