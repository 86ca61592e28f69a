#include "plan/plan_marginals.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

constexpr double kTiny = 1e-6;  // $ below which a value is not reported

using Change = LpSession::Change;

// The LP a value is read from, with its duals and solution.
struct Basis {
  std::string name;
  std::vector<double> row_duals, reduced_costs, x;
};

// One limit or one demand over the horizon: the change one unit makes in each period.
struct Subject {
  std::string kind, what;
  int basis = 0;                 // 0: relaxation, 1: blocks fixed
  double sign = 1;               // +1 limit (value = objective saved), -1 demand (value = objective added)
  double usd_per_objective = 1;  // $ of value per objective unit of change
  std::map<int, Change> by_period;
};

void append(Change& into, const Change& c) {
  into.row_shifts.insert(into.row_shifts.end(), c.row_shifts.begin(), c.row_shifts.end());
  into.upper_shifts.insert(into.upper_shifts.end(), c.upper_shifts.begin(), c.upper_shifts.end());
  into.coefficients.insert(into.coefficients.end(), c.coefficients.begin(), c.coefficients.end());
}

Change negated(const Change& c) {
  Change n = c;
  for (auto& [r, d] : n.row_shifts) d = -d;
  for (auto& [col, d] : n.upper_shifts) d = -d;
  for (auto& k : n.coefficients) k.after = k.before - (k.after - k.before);
  return n;
}

// First-order change of the objective under `c`, from the duals of `b`.
double dual_estimate(const Basis& b, const Change& c) {
  double d = 0;
  for (const auto& [r, delta] : c.row_shifts) d += b.row_duals[u(r)] * delta;
  for (const auto& [col, delta] : c.upper_shifts) d += std::min(0.0, b.reduced_costs[u(col)]) * delta;
  for (const auto& k : c.coefficients) d -= b.row_duals[u(k.row)] * (k.after - k.before) * b.x[u(k.column)];
  return d;
}

}  // namespace

Result<std::vector<MarginalValue>> compute_marginals(const PlanInputs& in, const PlanModel& m, const SolveOutcome& solved,
                                                     const SolveRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  auto left = [&] { return request.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const Scenario& sc = in.scenario;
  const double usd = kUsdPerObjectiveUnit;
  const auto& rows = m.lp.rows();

  // The two LPs: the relaxation (block counts keep only the bound that cuts off no plan: the
  // builder's tighter one sits one block above the very power and ramp limits valued here) and
  // the one with block counts fixed at the plan. Both start from the search's LP basis when
  // there is one (warm re-solves), else from scratch.
  std::unique_ptr<LpSession> sessions[2];
  sessions[0] = solved.relaxation ? solved.relaxation->clone() : std::make_unique<LpSession>(m.lp);
  for (const auto& cv : m.contracts) sessions[0]->set_column_bounds(cv.column, 0, cv.safe_upper);
  std::optional<double> base_objective[2];
  base_objective[0] = sessions[0]->solve(std::max(0.01, left()));
  if (!base_objective[0]) return std::vector<MarginalValue>{};
  sessions[1] = sessions[0]->clone();
  // (With --relax there are no whole blocks to fix: both are the relaxation.)
  for (size_t c = 0; c < m.lp.columns().size() && !request.relax; ++c)
    if (m.lp.columns()[c].integer) sessions[1]->set_column_bounds(static_cast<int>(c), std::round(solved.x[c]), std::round(solved.x[c]));
  base_objective[1] = request.relax ? base_objective[0] : sessions[1]->solve(std::max(0.01, left()));
  if (!base_objective[1]) return std::vector<MarginalValue>{};
  Basis bases[2];
  for (int k = 0; k < 2; ++k) {
    bases[k].name = k == 0 || request.relax ? "LP relaxation" : "LP with block counts fixed at the MILP plan";
    bases[k].row_duals = sessions[k]->row_duals();
    bases[k].reduced_costs = sessions[k]->reduced_costs();
    bases[k].x = sessions[k]->x();
  }

  // Subjects.
  std::map<std::pair<std::string, std::string>, Subject> subjects;
  auto subject = [&](const std::string& kind, const std::string& what, int basis, double sign) -> Subject& {
    Subject& s = subjects[{kind, what}];
    s.kind = kind;
    s.what = what;
    s.basis = basis;
    s.sign = sign;
    s.usd_per_objective = kind == "budget_usd" ? 1.0 : usd;  // budget: $1M more, valued per dollar
    return s;
  };
  // Rows of each share row, for the share-point coefficient changes.
  std::map<int, std::vector<std::pair<int, double>>> share_entries;
  for (size_t k = 0; k < m.lp.entry_values().size(); ++k)
    if (rows[u(m.lp.entry_rows()[k])].family == RowFamily::share)
      share_entries[m.lp.entry_rows()[k]].push_back({m.lp.entry_columns()[k], m.lp.entry_values()[k]});
  const double s_cap = in.max_provider_share;
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    const Row& row = rows[ri];
    const int rr = static_cast<int>(ri);
    if (row.period >= in.periods) continue;  // the tail after the horizon (PlanInputs::end) is no limit to value
    switch (row.family) {
      case RowFamily::power:
        subject("power_mw", sc.sites[u(row.subject)].name, 0, 1).by_period[row.period].row_shifts.push_back({rr, 1.0});
        break;
      case RowFamily::ramp:
        subject("ramp_gpu", in.offers[u(row.subject)].name, 0, 1).by_period[row.period].row_shifts.push_back({rr, 1.0});
        break;
      case RowFamily::budget:
        subject("budget_usd", fmt::format("plan year {}", row.subject + 1), 0, 1).by_period[row.period].row_shifts.push_back({rr, 1.0});
        break;
      case RowFamily::share: {
        // One point more: each coefficient speed x (own - s) becomes speed x (own - s - 0.01).
        Change& c = subject("share_point", sc.providers[u(row.subject)].name, 0, 1).by_period[row.period];
        for (const auto& [col, a] : share_entries[rr]) {
          const double speed = a > 0 ? a / (1.0 - s_cap) : -a / s_cap;
          c.coefficients.push_back({rr, col, a, a - 0.01 * speed});
        }
        break;
      }
      case RowFamily::demand_training:
        subject("demand_ref_gpu", "training", 1, -1).by_period[row.period].row_shifts.push_back({rr, 1.0});
        break;
      case RowFamily::demand_inference:
        subject("demand_ref_gpu", in.inference[u(row.subject)].jurisdiction + " inference", 1, -1)
            .by_period[row.period].row_shifts.push_back({rr, 1.0});
        break;
      case RowFamily::spot_share:
        // Its bound is (1 - critical share) x training demand.
        subject("demand_ref_gpu", "training", 1, -1).by_period[row.period].row_shifts.push_back({rr, 1.0 - in.training_critical_share});
        break;
      case RowFamily::n1: {
        // Its bound is n1_share x critical demand, overall (scope -1) or in one jurisdiction.
        if (row.scope < 0) {
          subject("demand_ref_gpu", "training", 1, -1)
              .by_period[row.period].row_shifts.push_back({rr, in.n1_share * in.training_critical_share});
          for (const auto& d : in.inference)
            subject("demand_ref_gpu", d.jurisdiction + " inference", 1, -1)
                .by_period[row.period].row_shifts.push_back({rr, in.n1_share * d.critical_share});
        } else {
          const auto& d = in.inference[u(row.scope)];
          subject("demand_ref_gpu", d.jurisdiction + " inference", 1, -1)
              .by_period[row.period].row_shifts.push_back({rr, in.n1_share * d.critical_share});
        }
        break;
      }
      default: break;
    }
  }
  for (const auto& pool : m.pools) {
    const std::string name = fmt::format("{} {}", sc.sites[u(pool.site)].name, sc.accelerators[u(pool.accelerator)].name);
    for (int t = 0; t < in.periods; ++t) {
      if (pool.od[u(t)] >= 0) subject("supply_gpu", name + " on-demand", 1, 1).by_period[t].upper_shifts.push_back({pool.od[u(t)], 1.0});
      if (pool.spot[u(t)] >= 0) subject("supply_gpu", name + " spot", 1, 1).by_period[t].upper_shifts.push_back({pool.spot[u(t)], 1.0});
    }
  }

  // Dual estimates: per period, and for the unit in every period.
  struct Value {
    const Subject* s;
    Change all;
    double all_usd = 0;
    int best_period = -1;
    double best_usd = 0;
  };
  std::vector<Value> values;
  for (const auto& [key, s] : subjects) {
    Value v{&s, {}, 0, -1, 0};
    const Basis& b = bases[s.basis];
    for (const auto& [t, c] : s.by_period) {
      append(v.all, c);
      const double value = -s.sign * dual_estimate(b, c) * s.usd_per_objective;
      v.all_usd += value;
      if (v.best_period < 0 || value > v.best_usd) {
        v.best_period = t;
        v.best_usd = value;
      }
    }
    values.push_back(std::move(v));
  }

  // Exact values, largest first per kind, while time is left.
  std::vector<MarginalValue> out;
  std::map<std::string, int> measured;
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a].all_usd > values[b].all_usd; });
  for (size_t i : order) {
    const Value& v = values[i];
    const Subject& s = *v.s;
    MarginalValue all{s.kind, s.what, "all", v.all_usd, v.all_usd, true, false, bases[s.basis].name + " (duals)"};
    MarginalValue one{s.kind, s.what, v.best_period >= 0 ? period_label(in, v.best_period) : "", v.best_usd, v.best_usd, true, false,
                      all.basis};
    if (measured[s.kind] < kExactMarginalsPerKind && left() > 0) {
      ++measured[s.kind];
      const double f0 = *base_objective[s.basis];
      const auto more = sessions[s.basis]->probe(v.all, left());
      const auto less = sessions[s.basis]->probe(negated(v.all), left());
      // Either not solved in time: the dual estimate stays.
      if (more.status == SolveStatus::optimal &&
          (less.status == SolveStatus::optimal || less.status == SolveStatus::infeasible)) {
        all.usd = s.sign * (f0 - more.objective) * s.usd_per_objective;
        all.less_feasible = less.status == SolveStatus::optimal;
        all.usd_less = all.less_feasible ? -s.sign * (f0 - less.objective) * s.usd_per_objective : 0.0;
        all.exact = true;
        all.basis = bases[s.basis].name + " (re-solved)";
      }
    }
    if (std::abs(all.usd) <= kTiny && std::abs(all.usd_less) <= kTiny && all.less_feasible) continue;
    out.push_back(all);
    if (v.best_period >= 0) out.push_back(one);
  }
  return out;
}

}  // namespace gpufleet::plan
