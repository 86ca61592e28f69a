// The planning calendar and the checks on PlanInputs that every entry point shares.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "gpufleet/plan.h"
#include "plan/lp_model.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil civil_of(int64_t unix_s) {
  const std::string iso = format_iso_date(unix_s);  // YYYY-MM-DD
  return Civil{std::stoll(iso.substr(0, 4)), std::stoi(iso.substr(5, 2)), std::stoi(iso.substr(8, 2))};
}

Error input_error(std::string field, std::string message) {
  return Error{"<plan>", 0, 0, std::move(field), std::move(message)};
}

}  // namespace

std::string_view to_string(PlanStatus status) {
  switch (status) {
    case PlanStatus::optimal: return "optimal";
    case PlanStatus::time_limit: return "time_limit";
    case PlanStatus::infeasible: return "infeasible";
    case PlanStatus::no_plan_found: return "no_plan_found";
  }
  return "?";
}

Result<void> prepare_plan_inputs(PlanInputs& in) {
  const Scenario& sc = in.scenario;
  if (12 % in.period_months != 0 || in.period_months <= 0)
    return fail(input_error("plan.period", "expected a period of 1, 2, 3, 4, 6 or 12 months"));
  if (in.periods <= 0) return fail(input_error("plan.horizon", "expected at least one period"));
  const auto n = static_cast<size_t>(in.periods);
  if (in.training_ref_gpu_hours.size() != n)
    return fail(input_error("plan.demand.training", fmt::format("expected {} periods of training demand, got {}",
                                                                n, in.training_ref_gpu_hours.size())));
  if (in.training_critical_share < 0 || in.training_critical_share > 1)
    return fail(input_error("plan.demand.training.critical_share", "expected a share in [0, 1]"));
  std::set<std::string> jurisdictions;
  for (size_t j = 0; j < in.inference.size(); ++j) {
    const auto& d = in.inference[j];
    const std::string field = fmt::format("plan.demand.inference[{}]", j);
    if (d.ref_gpus.size() != n)
      return fail(input_error(field, fmt::format("expected {} periods of demand, got {}", n, d.ref_gpus.size())));
    if (d.critical_share < 0 || d.critical_share > 1)
      return fail(input_error(field + ".critical_share", "expected a share in [0, 1]"));
    if (!jurisdictions.insert(d.jurisdiction).second)
      return fail(input_error(field + ".jurisdiction", "jurisdiction listed twice: " + d.jurisdiction));
  }
  int max_term_years = 0;
  std::set<std::string> names;
  for (size_t o = 0; o < in.offers.size(); ++o) {
    const auto& offer = in.offers[o];
    const std::string field = fmt::format("plan.offers[{}]", o);
    if (offer.site < 0 || offer.site >= static_cast<int>(sc.sites.size()))
      return fail(input_error(field + ".site", "expected a site of the scenario"));
    if (offer.accelerator < 0 || offer.accelerator >= static_cast<int>(sc.accelerators.size()))
      return fail(input_error(field + ".accelerator", "expected an accelerator of the scenario"));
    if (offer.block_gpus <= 0) return fail(input_error(field + ".block_gpus", "expected > 0"));
    if (offer.terms.empty()) return fail(input_error(field + ".terms", "expected at least one term"));
    if (!names.insert(offer.name).second)
      return fail(input_error(field + ".name", "offer name used twice: " + offer.name));
    std::set<int> years;
    for (const auto& t : offer.terms) {
      if (t.years <= 0 || !years.insert(t.years).second)
        return fail(input_error(field + ".terms", "expected distinct terms of at least one year"));
      if (t.usd_per_gpu_hour < 0) return fail(input_error(field + ".terms", "expected a price >= 0"));
      max_term_years = std::max(max_term_years, t.years);
    }
  }
  for (size_t o = 0; o < in.spend_offers.size(); ++o) {
    const auto& offer = in.spend_offers[o];
    const std::string field = fmt::format("plan.spend_offers[{}]", o);
    if (offer.deal.provider < 0 || offer.deal.provider >= static_cast<int>(sc.providers.size()))
      return fail(input_error(field + ".provider", "expected a provider of the scenario"));
    if (offer.years < 1 || offer.years > 30) return fail(input_error(field + ".term", "expected 1y to 30y"));
    if (!(offer.deal.usd_per_year > 0)) return fail(input_error(field + ".usd_per_year", "expected a commitment of more than $0"));
    if (!(offer.deal.discount >= 0 && offer.deal.discount < 1)) return fail(input_error(field + ".discount", "expected a share in [0, 1)"));
    if (!(offer.deal.shortfall_share >= 0 && offer.deal.shortfall_share <= 1))
      return fail(input_error(field + ".shortfall_share", "expected a share in [0, 1]"));
    if (!names.insert(offer.name).second) return fail(input_error(field + ".name", "offer name used twice: " + offer.name));
    max_term_years = std::max(max_term_years, offer.years);
  }
  if (in.max_provider_share <= 0 || in.max_provider_share > 1)
    return fail(input_error("plan.policy.max_provider_share", "expected a share in (0, 1]"));
  if (in.n1_share < 0 || in.n1_share > 1)
    return fail(input_error("plan.policy.n1_share", "expected a share in [0, 1]"));

  if (in.end.demand_after != HorizonEnd::Demand::none && (in.end.years < 1 || in.end.years > std::max(1, max_term_years)))
    return fail(input_error("plan.end.years", fmt::format("expected 1 to {} years (the longest term) of demand after the horizon, got {}",
                                                          std::max(1, max_term_years), in.end.years)));
  if (!(in.end.salvage_share >= 0 && in.end.salvage_share <= 1))
    return fail(input_error("plan.end.salvage", "expected a share in [0, 1]"));
  if (in.end.demand_after != HorizonEnd::Demand::none) max_term_years = std::max(max_term_years, in.end.years);

  // The model's size, estimated before anything is built: too large is said here, with the
  // estimate and the limit, instead of running out of memory in the solver.
  {
    const double modelled = in.periods + (in.end.demand_after == HorizonEnd::Demand::none ? 0 : in.end.years);
    std::set<std::pair<int, int>> pools;
    for (const auto& k : sc.contracts) pools.insert({k.site, k.accelerator});
    for (const auto& o : in.offers) pools.insert({o.site, o.accelerator});
    for (const auto& mk : sc.markets) pools.insert({mk.site, mk.accelerator});
    const double P = static_cast<double>(pools.size());
    double columns = P * modelled * 5 + static_cast<double>(sc.contracts.size()) * modelled;
    double nonzeros = columns * 6;
    for (const auto& o : in.offers)
      for (const auto& t : o.terms) {
        columns += modelled;
        nonzeros += modelled * std::min(modelled, static_cast<double>(t.years) * 12.0 / in.period_months);
      }
    const double domains = (in.n1_providers ? static_cast<double>(sc.providers.size()) : 0) + (in.n1_sites ? static_cast<double>(sc.sites.size()) : 0);
    nonzeros += domains * modelled * P * 2 * (1 + static_cast<double>(in.inference.size()));
    if (in.max_provider_share < 1) nonzeros += static_cast<double>(sc.providers.size()) * modelled * P * 2;
    if (columns > plan::kMaxModelColumns || nonzeros > plan::kMaxModelNonzeros)
      return fail(input_error("plan", fmt::format("the model would have about {:.3g} columns and {:.3g} non-zeros; the limits are {:.3g} and "
                                                  "{:.3g} (about 10 GiB in the solver): plan fewer periods (quarters, a shorter horizon "
                                                  "or plan.end.years) or fewer offers",
                                                  columns, nonzeros, plan::kMaxModelColumns, plan::kMaxModelNonzeros)));
  }

  const Civil c = civil_of(sc.start_unix_s);
  if (c.day > 28) return fail(input_error("start", "the planning calendar needs a start on day 1-28 of a month"));
  const int tail = max_term_years * 12 / in.period_months;
  in.period_start_unix_s.clear();
  for (int t = 0; t <= in.periods + tail; ++t) {
    const int64_t months = static_cast<int64_t>(c.month - 1) + static_cast<int64_t>(t) * in.period_months;
    const int64_t year = c.year + months / 12;
    const auto month = static_cast<unsigned>(months % 12 + 1);
    in.period_start_unix_s.push_back(days_from_civil(year, month, static_cast<unsigned>(c.day)) * 86400);
  }
  return {};
}

std::string period_label(const PlanInputs& in, int period) {
  if (period < 0 || period + 1 > static_cast<int>(in.period_start_unix_s.size())) return fmt::format("p{}", period);
  const std::string iso = format_iso_date(in.period_start_unix_s[static_cast<size_t>(period)]);
  const int month = std::stoi(iso.substr(5, 2));
  const bool day1 = iso.substr(8, 2) == "01";
  if (day1 && in.period_months == 3 && (month - 1) % 3 == 0) return fmt::format("{}Q{}", iso.substr(0, 4), (month - 1) / 3 + 1);
  if (day1 && in.period_months == 1) return iso.substr(0, 7);
  if (day1 && in.period_months == 12 && month == 1) return iso.substr(0, 4);
  return iso;
}

}  // namespace gpufleet
