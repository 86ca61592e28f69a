#include "plan/plan_diagnose.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "plan/plan_model_builder.h"
#include "util/human_format.h"

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

constexpr int kSpelledOut = 3;  // periods spelled out per (family, subject)

struct Finding {
  int period;
  double amount;
  std::string message;
};

// The fewest decimals (1 to 6) that print a difference of `diff` within 0.5% of its value, so
// that "needs X; the cap is Y (+Z)" never reads "+0.0".
int decimals_for(double diff) {
  const double d = std::abs(diff);
  if (!(d > 0) || !std::isfinite(d)) return 1;
  for (int k = 1; k < 6; ++k) {
    const double scale = std::pow(10.0, k);
    if (std::abs(std::round(d * scale) / scale - d) <= 0.005 * d) return k;
  }
  return 6;
}

std::string mw(double v, int decimals) { return fmt::format("{:.{}f} MW", v, decimals); }

// The causes that the slacks of an elastic solution show.
std::vector<InfeasibilityCause> findings_of(const PlanInputs& in, const PlanModel& m, const SolveOutcome& sol, bool from_integrality) {
  const Scenario& sc = in.scenario;
  const auto& rows = m.lp.rows();
  auto slack = [&](size_t row) { return m.slack_of_row[row] < 0 ? 0.0 : sol.x[u(m.slack_of_row[row])]; };
  auto label = [&](int t) { return modelled_period_label(in, m, t); };

  // Findings keyed by (family, subject) so that a long run of periods collapses.
  std::map<std::pair<std::string, std::string>, std::vector<Finding>> found;
  // Power: per (jurisdiction, period), summing the sites over their caps.
  std::map<std::pair<std::string, int>, std::vector<size_t>> power_rows;
  for (size_t row = 0; row < rows.size(); ++row) {
    const double s = slack(row);
    const Row& rw = rows[row];
    const double tol = 1e-6 * std::max(1.0, std::max(std::abs(rw.lower) < 1e300 ? std::abs(rw.lower) : 0.0,
                                                       std::abs(rw.upper) < 1e300 ? std::abs(rw.upper) : 0.0));
    if (s <= std::max(tol, 1e-6)) continue;
    const int t = rw.period;
    switch (rw.family) {
      case RowFamily::power:
        power_rows[{sc.sites[u(rw.subject)].jurisdiction, t}].push_back(row);
        break;
      case RowFamily::demand_training:
        found[{"demand", "training"}].push_back(
            {t, s, fmt::format("training in {}: {} of {} reference GPUs cannot be served by any contract, offer or market",
                               label(t), with_commas(s), with_commas(rw.lower))});
        break;
      case RowFamily::demand_inference: {
        const auto& j = in.inference[u(rw.subject)].jurisdiction;
        found[{"demand", j}].push_back(
            {t, s, fmt::format("{} inference in {}: {} of {} reference GPUs cannot be served in {} sites", j, label(t),
                               with_commas(s), with_commas(rw.lower), j)});
        break;
      }
      case RowFamily::ramp: {
        const auto& offer = in.offers[u(rw.subject)];
        found[{"ramp", offer.name}].push_back(
            {t, s, fmt::format("offer {} in {} must start {} GPUs; its ramp limit is {} per period", offer.name, label(t),
                               with_commas(rw.upper + s), with_commas(rw.upper))});
        break;
      }
      case RowFamily::share: {
        const auto& p = sc.providers[u(rw.subject)].name;
        found[{"share", p}].push_back(
            {t, s, fmt::format("provider {} in {} needs {} reference GPUs more than its cap of {:.0f}% of firm capacity allows",
                               p, label(t), with_commas(s / (1.0 - in.max_provider_share)), 100 * in.max_provider_share)});
        break;
      }
      case RowFamily::n1: {
        const int np = static_cast<int>(sc.providers.size());
        const std::string domain = rw.subject < np ? "provider " + sc.providers[u(rw.subject)].name
                                                   : "site " + sc.sites[u(rw.subject - np)].name;
        const std::string where = rw.scope >= 0 ? " in " + in.inference[u(rw.scope)].jurisdiction : "";
        // The row's bound is the need net of existing capacity; the total need is recomputed.
        double critical = in.training_critical_share * m.training_ref_gpus[u(t)];
        for (size_t j = 0; j < in.inference.size(); ++j) critical += in.inference[j].critical_share * m.inference_ref_gpus[j][u(t)];
        if (rw.scope >= 0) critical = in.inference[u(rw.scope)].critical_share * m.inference_ref_gpus[u(rw.scope)][u(t)];
        const double need = in.n1_share * critical;
        found[{"n1", domain + where}].push_back(
            {t, s, fmt::format("losing {} in {} leaves {} reference GPUs{}; {:.0f}% of critical demand is {}", domain, label(t),
                               with_commas(need - s), where, 100 * in.n1_share, with_commas(need))});
        break;
      }
      case RowFamily::budget:
        found[{"budget", std::to_string(rw.subject)}].push_back(
            {t, s * kUsdPerObjectiveUnit,
             fmt::format("plan year {} ({}) needs ${:.{}f}M; the budget is ${:.{}f}M (+${:.{}f}M)", rw.subject + 1, label(t).substr(0, 4),
                         (in.budget_usd_per_year[u(rw.subject)] + s * kUsdPerObjectiveUnit) / 1e6, std::max(2, decimals_for(s)),
                         in.budget_usd_per_year[u(rw.subject)] / 1e6, std::max(2, decimals_for(s)), s, std::max(2, decimals_for(s)))});
        break;
      case RowFamily::spot_share:
        found[{"spot", "training"}].push_back(
            {t, s, fmt::format("training in {} needs {} reference GPUs of spot beyond its non-critical share", label(t),
                               with_commas(s))});
        break;
      default: break;
    }
  }
  for (const auto& [key, list] : power_rows) {
    const auto& [j, t] = key;
    // Each site over its cap; and the jurisdiction's total when every site there is capped
    // (an uncapped site would take the rest: then the shortage is the site's, not the region's).
    double caps = 0, over = 0;
    bool all_capped = true;
    for (size_t s = 0; s < sc.sites.size(); ++s) {
      if (sc.sites[s].jurisdiction != j) continue;
      bool has_pool = false;
      for (const auto& p : m.pools) has_pool = has_pool || p.site == static_cast<int>(s);
      if (!has_pool) continue;
      if (sc.sites[s].power_cap_mw > 0) caps += sc.sites[s].power_cap_mw;
      else all_capped = false;
    }
    for (size_t row : list) over += slack(row);
    const int d = decimals_for(over);
    for (size_t row : list) {
      const auto& site = sc.sites[u(rows[row].subject)];
      found[{"power", site.name}].push_back(
          {t, slack(row), fmt::format("site {} in {} needs {}; its cap is {} (+{})", site.name, label(t),
                                      mw(site.power_cap_mw + slack(row), d), mw(site.power_cap_mw, d), mw(slack(row), d))});
    }
    if (!all_capped) continue;
    bool has_inference = false;
    for (const auto& dm : in.inference) has_inference = has_inference || dm.jurisdiction == j;
    const std::string what = has_inference ? j + " inference and training" : "Training";
    found[{"power", j}].push_back(
        {t, over, fmt::format("{} in {} needs {} in {} sites; their caps total {} (+{})", what, label(t), mw(caps + over, d), j,
                              mw(caps, d), mw(over, d))});
  }

  std::vector<InfeasibilityCause> causes;
  const std::vector<std::string> order = {"demand", "power", "ramp", "share", "n1", "budget", "spot"};
  for (const auto& family : order) {
    for (auto& [key, list] : found) {
      if (key.first != family) continue;
      std::sort(list.begin(), list.end(), [](const Finding& a, const Finding& b) { return a.period < b.period; });
      for (size_t i = 0; i < list.size() && i < kSpelledOut; ++i)
        causes.push_back({family, label(list[i].period), list[i].message, list[i].amount});
      if (list.size() > kSpelledOut) {
        const auto worst = std::max_element(list.begin(), list.end(), [](const Finding& a, const Finding& b) { return a.amount < b.amount; });
        causes.push_back({family, "", fmt::format("... and {} more periods ({} to {}); the worst is {}: {}", list.size() - kSpelledOut,
                                                  label(list[kSpelledOut].period), label(list.back().period),
                                                  label(worst->period), worst->message),
                          worst->amount});
      }
    }
  }
  if (causes.empty() && from_integrality) {
    causes.push_back({"integrality", "",
                      "the limits can be met with fractional blocks but not with whole ones: block sizes or minimum "
                      "commitments do not fit within the power caps, ramp limits or budget",
                      0});
  } else if (from_integrality) {
    for (auto& c : causes) c.message += " (with whole blocks)";
  }
  return causes;
}

// The kinds of limit a user sets, each with the row families it covers and its unit.
struct LimitKind {
  const char* name;
  std::vector<RowFamily> rows;
  const char* what;
};
const std::vector<LimitKind>& limit_kinds() {
  static const std::vector<LimitKind> kinds = {
      {"power", {RowFamily::power}, "site power caps"},
      {"ramp", {RowFamily::ramp}, "offers' ramp limits"},
      {"share", {RowFamily::share}, "provider share cap"},
      {"n1", {RowFamily::n1}, "N-1 requirement"},
      {"budget", {RowFamily::budget}, "yearly budget"},
      {"spot", {RowFamily::spot_share}, "critical share of training (off spot)"},
  };
  return kinds;
}

}  // namespace

Result<std::vector<InfeasibilityCause>> diagnose_infeasibility(const PlanInputs& in, const SolveRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  auto left = [&] { return request.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  // Every limit elastic at once (demand last): which limits, and whether integrality is the cause.
  PlanModel m = build_plan_model(in, BuildOptions{.elastic = true, .elastic_only = {}});
  SolveRequest r = request;
  r.relax = true;
  r.time_limit_s = std::max(0.1, left());
  auto lp = solve_model(m.lp, r);
  if (!lp) return fail(lp.error());
  if (lp->status != SolveStatus::optimal)
    return std::vector<InfeasibilityCause>{{"time", "", fmt::format("no diagnosis: the elastic model did not solve in time ({})", lp->words), 0}};
  SolveOutcome sol = std::move(*lp);
  if (sol.objective <= 1e-7) {
    r.relax = false;
    r.time_limit_s = std::max(0.1, left());
    auto mip = solve_model(m.lp, r);
    if (!mip) return fail(mip.error());
    if (!mip->x.empty()) sol = std::move(*mip);
    return findings_of(in, m, sol, true);
  }

  // Each kind of limit alone: does relaxing it (and nothing else) give a plan, and by how much?
  std::vector<InfeasibilityCause> causes;
  for (const auto& kind : limit_kinds()) {
    if (left() <= 0) break;
    PlanModel alone = build_plan_model(in, BuildOptions{.elastic = true, .elastic_only = kind.rows});
    bool any = false;
    for (int col : alone.slack_of_row) any = any || col >= 0;
    if (!any) continue;
    SolveRequest ra = r;
    ra.relax = true;
    ra.time_limit_s = std::max(0.1, left());
    auto solved = solve_model(alone.lp, ra);
    if (!solved) return fail(solved.error());
    if (solved->status != SolveStatus::optimal) continue;
    auto found = findings_of(in, alone, *solved, false);
    if (found.empty()) continue;
    causes.push_back({kind.name, "", fmt::format("relaxing the {} alone gives a plan, as follows:", kind.what), solved->objective});
    for (auto& f : found) causes.push_back(std::move(f));
  }
  if (!causes.empty()) return causes;
  // No one kind of limit explains it (or only meeting less demand does): all of them together.
  causes.push_back({"several", "", "no one kind of limit alone explains it; relaxed together, at penalties per unit:", 0});
  for (auto& f : findings_of(in, m, sol, false)) causes.push_back(std::move(f));
  return causes;
}

}  // namespace gpufleet::plan
