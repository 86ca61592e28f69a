#include "plan/plan_binding.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "util/human_format.h"

namespace gpufleet::plan {

namespace {

// "$146M", and for values under a dollar (a dollar of budget) cents.
std::string usd_text(double usd) { return std::abs(usd) < 10 ? fmt::format("${:.2f}", usd) : human_usd(usd); }

// "40%" with no needless decimals.
std::string percent(double share) {
  const double p = 100 * share;
  return std::abs(p - std::round(p)) < 1e-9 ? fmt::format("{:.0f}%", p) : fmt::format("{:.1f}%", p);
}

// The limit and its unit either way, in words: {subject, one more, one less}.
struct Words {
  std::string limit, more, less;
};

Words words_for(const MarginalValue& m, const PlanInputs& in) {
  if (m.kind == "share_point") {
    const double cap = in.max_provider_share;
    return {fmt::format("The {} provider share cap binds for {}", percent(cap), m.what),
            fmt::format("one point more ({})", percent(cap + 0.01)), fmt::format("one point less ({})", percent(cap - 0.01))};
  }
  if (m.kind == "power_mw") {
    double cap = 0;
    for (const Site& s : in.scenario.sites)
      if (s.name == m.what) cap = s.power_cap_mw;
    const std::string at = cap > 0 ? fmt::format("The {:g} MW power cap at {} binds", cap, m.what)
                                   : fmt::format("The power cap at {} binds", m.what);
    return {at, "one MW more in every period", "one MW less"};
  }
  if (m.kind == "ramp_gpu")
    return {fmt::format("The delivery limit of offer {} binds", m.what), "one more GPU deliverable in every period", "one GPU less"};
  if (m.kind == "supply_gpu")
    return {fmt::format("The market supply of {} binds", m.what), "one more GPU available in every period", "one GPU less"};
  if (m.kind == "budget_usd")
    return {fmt::format("The budget of {} binds", m.what), "one dollar more", "one dollar less"};
  return {fmt::format("{} {} binds", m.kind, m.what), "one unit more", "one unit less"};
}

}  // namespace

std::vector<BindingChoice> binding_choices(const PlanResult& r, const PlanInputs& in, size_t limit) {
  std::vector<BindingChoice> out;
  const double material = 1e-6 * std::abs(r.objective_usd);
  for (const MarginalValue& m : r.marginals) {
    if (m.period != "all" || m.kind == "demand_ref_gpu") continue;
    const double worth = std::max(m.usd, m.less_feasible ? m.usd_less : m.usd);
    const bool is_material = m.kind == "budget_usd" ? worth >= 1e-3 : worth >= material && worth > 0;
    if (!is_material && m.less_feasible) continue;
    BindingChoice c{m.kind, m.what, m.usd, m.usd_less, m.less_feasible, m.exact, ""};
    const Words w = words_for(m, in);
    const std::string how = m.exact ? "" : " (estimated from the LP's duals)";
    const std::string less = !m.less_feasible ? fmt::format("{} leaves no plan that meets every limit", w.less)
                             : m.exact        ? fmt::format("{} costs {}", w.less, usd_text(m.usd_less))
                                              : "";
    c.sentence = fmt::format("{}: {} saves {} in present value over the horizon{}{}.", w.limit, w.more, usd_text(m.usd), how,
                             less.empty() ? "" : "; " + less);
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const BindingChoice& a, const BindingChoice& b) {
    const auto key = [](const BindingChoice& c) { return c.kind == "budget_usd" ? 0.0 : std::max(c.usd_more, c.usd_less); };
    return key(a) > key(b);
  });
  if (out.size() > limit) out.resize(limit);
  // The whole cap, when it was re-solved without it: first.
  if (r.share_cap_cost_usd >= 0) {
    BindingChoice whole{"share_cap", "all providers", r.share_cap_cost_usd, 0, true, true, ""};
    whole.sentence = fmt::format(
        "The {} provider share cap as a whole costs {} in present value over the horizon (the LP relaxation solved with "
        "and without it).",
        percent(in.max_provider_share), usd_text(r.share_cap_cost_usd));
    out.insert(out.begin(), std::move(whole));
  }
  return out;
}

}  // namespace gpufleet::plan
