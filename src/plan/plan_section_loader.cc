// The `plan:` section of a scenario file (docs/plan-format.md). The model sections are the
// scenario loader's; this file reads only `plan:` and resolves its names against the scenario.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpufleet/plan.h"
#include "io/scenario/scenario_loader.h"
#include "io/yaml_field.h"
#include "util/atomic_file.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

// Bounds of what the plan model carries (the solver is given no number it cannot scale):
// demand per period, GPUs of an offer, growth per year, and a term's price.
constexpr double kMaxTrainingGpuHoursPerPeriod = 1e12;  // ~450 million reference GPUs for a quarter
constexpr double kMaxInferenceGpus = 1e9;
constexpr double kMaxGrowthPerYear = 100;
constexpr int64_t kMaxOfferGpus = int64_t{1} << 32;
constexpr int kMaxPeriods = 1200;

// A demand series: `per_period: [...]` or a first-period value and a yearly growth factor.
// Every value, given or grown, is at most `max`.
Result<std::vector<double>> read_series(const YamlField& f, std::string_view value_key, int periods, int period_months,
                                        double max) {
  std::vector<double> out;
  if (auto list = f.optional("per_period")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    if (static_cast<int>(items->size()) != periods)
      return fail(list->error(fmt::format("expected {} values (one per period), got {}", periods, items->size())));
    for (const auto& item : *items) {
      auto v = item.as_double(0.0, max);
      if (!v) return fail(v.error());
      out.push_back(*v);
    }
    if (f.optional(value_key)) return fail(f.error(fmt::format("give either per_period or {}, not both", value_key)));
    return out;
  }
  auto first = f.required(value_key);
  if (!first) return fail(first.error());
  auto base = first->as_double(0.0, max);
  if (!base) return fail(base.error());
  auto growth = f.get_double("growth_per_year", 1.0, 0.0, kMaxGrowthPerYear);
  if (!growth) return fail(growth.error());
  for (int t = 0; t < periods; ++t) {
    const double v = *base * std::pow(*growth, static_cast<double>(t) * period_months / 12.0);
    if (!(v <= max))
      return fail(f.required("growth_per_year")->error(fmt::format(
          "grows {} to {:.3g} by period {} of {}; expected at most {:g}", value_key, v, t + 1, periods, max)));
    out.push_back(v);
  }
  return out;
}

// A term: whole years "3y", or months "36mo" that make whole years (the model counts terms in
// years). "36m" is minutes everywhere else, so it is refused here, not misread. Errors are
// placed at `at`.
Result<int> read_term_years(const std::string& key, const YamlField& at, int period_months) {
  const bool months = key.ends_with("mo");
  const size_t unit = months ? 2 : 1;
  const auto bad = [&](std::string why) -> Result<int> {
    return fail(at.error(fmt::format("term '{}': {}", key, why)));
  };
  if (key.size() <= unit || (!months && key.back() != 'y')) {
    if (key.size() > 1 && key.back() == 'm')
      return bad("'m' is minutes; write months as 'mo' (36mo) or years as 'y' (3y)");
    return bad("expected whole years like 1y, 3y (or months like 36mo)");
  }
  int64_t count = 0;
  for (size_t i = 0; i + unit < key.size(); ++i) {
    if (key[i] < '0' || key[i] > '9') return bad("expected whole years like 1y, 3y (or months like 36mo)");
    count = count * 10 + (key[i] - '0');
    if (count > 360) return bad("expected 1y to 30y");  // before it can overflow
  }
  const int64_t term_months = months ? count : 12 * count;
  if (term_months < period_months)
    return bad(fmt::format("a term shorter than one period ({} months)", period_months));
  if (term_months % 12 != 0) return bad("expected whole years (12mo, 24mo, 36mo, ...)");
  const int years = static_cast<int>(term_months / 12);
  if (years < 1 || years > 30) return bad("expected 1y to 30y");
  return years;
}

// A term key and its price: `3y: 5.4`.
Result<TermPrice> read_term(const std::string& key, const YamlField& value, int period_months) {
  auto years = read_term_years(key, value, period_months);
  if (!years) return fail(years.error());
  auto price = value.as_double(0.0, kMaxUsdPerGpuHour);
  if (!price) return fail(price.error());
  return TermPrice{*years, *price};
}

// A spend offer (`spend_offers:` items): a provider, a term, the commitment and its terms.
Result<SpendOffer> read_spend_offer(const YamlField& item, const Scenario& sc, int period_months) {
  if (auto ok = item.check_keys({"name", "provider", "term", "usd", "usd_per_year", "discount", "shortfall_share",
                                 "escalator_per_year", "earliest"});
      !ok)
    return fail(ok.error());
  SpendOffer o;
  auto prov = item.required("provider");
  if (!prov) return fail(prov.error());
  auto prov_name = prov->as_string();
  if (!prov_name) return fail(prov_name.error());
  o.deal.provider = sc.find_provider(*prov_name);
  if (o.deal.provider < 0) return fail(prov->error(fmt::format("unknown provider '{}'", *prov_name)));
  if (!sc.has_on_demand_market(o.deal.provider))
    return fail(prov->error(fmt::format(
        "provider '{}' has no on-demand market (markets: on_demand_gpus at its sites): nothing to spend the commitment on", *prov_name)));
  auto nm = item.get_string("name", *prov_name + "-spend");
  if (!nm) return fail(nm.error());
  o.name = *nm;
  auto term = item.required("term");
  if (!term) return fail(term.error());
  auto term_text = term->as_string();
  if (!term_text) return fail(term_text.error());
  auto years = read_term_years(*term_text, *term, period_months);
  if (!years) return fail(years.error());
  o.years = *years;
  if (auto ok = read_spend_terms(item, std::vector<double>(static_cast<size_t>(o.years), 1.0), o.deal); !ok) return fail(ok.error());
  return o;
}

// The jurisdictions the scenario's sites declare (a job's must be one of them: the scenario
// loader checks), each once, in file order.
std::vector<std::string> declared_jurisdictions(const Scenario& sc) {
  std::vector<std::string> out;
  for (const auto& s : sc.sites)
    if (!s.jurisdiction.empty() && std::find(out.begin(), out.end(), s.jurisdiction) == out.end())
      out.push_back(s.jurisdiction);
  return out;
}

}  // namespace

Result<PlanInputs> parse_plan_section(Scenario scenario, const std::string& text, const std::string& name) {
  auto doc = YamlField::parse(text, name);
  if (!doc) return fail(doc.error());
  auto plan = doc->required("plan");
  if (!plan) return fail(plan.error());
  if (auto ok = plan->expect_map(); !ok) return fail(ok.error());
  if (auto ok = plan->check_keys({"horizon", "periods", "period", "discount_rate", "bill_energy", "demand", "offers", "spend_offers", "policy", "end"}); !ok)
    return fail(ok.error());

  PlanInputs in;
  in.scenario = std::move(scenario);
  const Scenario& sc = in.scenario;

  auto period = plan->get_string("period", "quarter");
  if (!period) return fail(period.error());
  if (*period == "quarter") in.period_months = 3;
  else if (*period == "month") in.period_months = 1;
  else if (*period == "year") in.period_months = 12;
  else return fail(plan->required("period")->error(fmt::format("'{}': expected quarter, month or year", *period)));

  if (auto p = plan->optional("periods")) {
    auto n = p->as_int(1, kMaxPeriods);
    if (!n) return fail(n.error());
    in.periods = static_cast<int>(*n);
    if (plan->optional("horizon")) return fail(plan->error("give either horizon or periods, not both"));
  } else {
    auto h = plan->required("horizon");
    if (!h) return fail(h.error());
    auto seconds = h->as_duration_s();
    if (!seconds) return fail(seconds.error());
    const double months = *seconds / (365.0 * 86400.0) * 12.0;
    const double n = months / in.period_months;
    if (std::abs(n - std::round(n)) > 1e-6 || std::round(n) < 1)
      return fail(h->error(fmt::format("expected a whole number of {}s (e.g. 7y or 84mo), got {:.3f}", *period, n)));
    if (n > kMaxPeriods)
      return fail(h->error(fmt::format("{:.0f} {}s; a plan has at most {} periods (100 years of quarters)", n,
                                       *period, kMaxPeriods)));
    in.periods = static_cast<int>(std::round(n));
  }
  auto rate = plan->get_double("discount_rate", 0.0, 0.0, 1.0);
  if (!rate) return fail(rate.error());
  in.discount_rate = *rate;
  // The plan bills as the scenario does unless its own section says otherwise.
  auto energy = plan->get_bool("bill_energy", in.scenario.bill_energy);
  if (!energy) return fail(energy.error());
  in.bill_energy = *energy;

  // Demand.
  auto demand = plan->required("demand");
  if (!demand) return fail(demand.error());
  if (auto ok = demand->check_keys({"training", "inference"}); !ok) return fail(ok.error());
  in.training_ref_gpu_hours.assign(static_cast<size_t>(in.periods), 0.0);
  if (auto tr = demand->optional("training")) {
    if (auto old = tr->optional("gpu_hours"))
      return fail(old->error("renamed gpu_hours_per_period: the training demand is reference GPU-hours in each period"));
    if (auto ok = tr->check_keys({"gpu_hours_per_period", "per_period", "growth_per_year", "critical_share"}); !ok)
      return fail(ok.error());
    auto series = read_series(*tr, "gpu_hours_per_period", in.periods, in.period_months, kMaxTrainingGpuHoursPerPeriod);
    if (!series) return fail(series.error());
    in.training_ref_gpu_hours = std::move(*series);
    auto crit = tr->get_double("critical_share", 0.0, 0.0, 1.0);
    if (!crit) return fail(crit.error());
    in.training_critical_share = *crit;
  }
  if (auto infs = demand->optional("inference")) {
    auto items = infs->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"jurisdiction", "gpus", "per_period", "growth_per_year", "critical_share"}); !ok)
        return fail(ok.error());
      InferenceDemand d;
      auto j = item.required("jurisdiction");
      if (!j) return fail(j.error());
      auto js = j->as_string();
      if (!js) return fail(js.error());
      d.jurisdiction = *js;
      const auto declared = declared_jurisdictions(sc);
      if (std::find(declared.begin(), declared.end(), d.jurisdiction) == declared.end()) {
        const std::vector<std::string_view> names(declared.begin(), declared.end());
        const std::string near = nearest_word(d.jurisdiction, names);
        return fail(j->error(fmt::format("no site is in jurisdiction '{}'; {}", d.jurisdiction,
                                         near.empty() ? fmt::format("the sites' jurisdictions are: {}", fmt::join(declared, ", "))
                                                      : fmt::format("did you mean '{}'?", near))));
      }
      for (const auto& other : in.inference)
        if (other.jurisdiction == d.jurisdiction) return fail(j->error(fmt::format("jurisdiction '{}' listed twice", d.jurisdiction)));
      auto series = read_series(item, "gpus", in.periods, in.period_months, kMaxInferenceGpus);
      if (!series) return fail(series.error());
      d.ref_gpus = std::move(*series);
      auto crit = item.get_double("critical_share", 0.0, 0.0, 1.0);
      if (!crit) return fail(crit.error());
      d.critical_share = *crit;
      in.inference.push_back(std::move(d));
    }
  }

  // Offers.
  auto offers = plan->required("offers");
  if (!offers) return fail(offers.error());
  auto offer_items = offers->items();
  if (!offer_items) return fail(offer_items.error());
  for (const auto& item : *offer_items) {
    if (auto ok = item.check_keys({"name", "site", "accelerator", "terms", "block_gpus", "earliest", "ramp_gpus_per_period", "min_gpus",
                                   "escalator_per_year"});
        !ok)
      return fail(ok.error());
    ContractOffer o;
    auto site = item.required("site");
    if (!site) return fail(site.error());
    auto site_name = site->as_string();
    if (!site_name) return fail(site_name.error());
    o.site = sc.find_site(*site_name);
    if (o.site < 0) return fail(site->error(fmt::format("unknown site '{}'", *site_name)));
    auto acc = item.required("accelerator");
    if (!acc) return fail(acc.error());
    auto acc_name = acc->as_string();
    if (!acc_name) return fail(acc_name.error());
    o.accelerator = sc.find_accelerator(*acc_name);
    if (o.accelerator < 0) return fail(acc->error(fmt::format("unknown accelerator '{}'", *acc_name)));
    auto nm = item.get_string("name", *site_name + "-" + *acc_name);
    if (!nm) return fail(nm.error());
    o.name = *nm;
    for (const auto& other : in.offers)
      if (other.name == o.name) return fail(item.error(fmt::format("offer name '{}' used twice", o.name)));
    auto terms = item.required("terms");
    if (!terms) return fail(terms.error());
    auto entries = terms->entries();
    if (!entries) return fail(entries.error());
    if (entries->empty()) return fail(terms->error("expected at least one term, e.g. {1y: 7.0, 3y: 5.4}"));
    for (const auto& [key, value] : *entries) {
      auto t = read_term(key, value, in.period_months);
      if (!t) return fail(t.error());
      o.terms.push_back(*t);
    }
    auto block = item.get_int("block_gpus", 1024, 1, kMaxOfferGpus);
    if (!block) return fail(block.error());
    o.block_gpus = *block;
    auto ramp = item.get_int("ramp_gpus_per_period", 0, 0, kMaxOfferGpus);
    if (!ramp) return fail(ramp.error());
    o.ramp_gpus_per_period = *ramp;
    auto min = item.get_int("min_gpus", 0, 0, kMaxOfferGpus);
    if (!min) return fail(min.error());
    o.min_gpus = *min;
    auto escalator = item.get_double("escalator_per_year", 0.0, kMinEscalator, kMaxEscalator);
    if (!escalator) return fail(escalator.error());
    o.escalator_per_year = *escalator;
    auto earliest = item.get_time_s("earliest", 0, sc.start_unix_s);
    if (!earliest) return fail(earliest.error());
    o.earliest_period = 0;  // resolved once the calendar exists, below
    in.offers.push_back(std::move(o));
  }

  // Spend offers.
  std::vector<YamlField> spend_items;
  if (auto spend = plan->optional("spend_offers")) {
    auto items = spend->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      auto o = read_spend_offer(item, sc, in.period_months);
      if (!o) return fail(o.error());
      for (const auto& other : in.offers)
        if (other.name == o->name) return fail(item.error(fmt::format("offer name '{}' used twice", o->name)));
      for (const auto& other : in.spend_offers)
        if (other.name == o->name) return fail(item.error(fmt::format("offer name '{}' used twice", o->name)));
      if (auto earliest = item.get_time_s("earliest", 0, sc.start_unix_s); !earliest) return fail(earliest.error());
      in.spend_offers.push_back(std::move(*o));
      spend_items.push_back(item);
    }
  }

  // Policy.
  if (auto policy = plan->optional("policy")) {
    if (auto ok = policy->check_keys({"max_provider_share", "n1", "n1_share", "budget_usd_per_year"}); !ok) return fail(ok.error());
    auto share = policy->get_double("max_provider_share", 1.0, 0.0, 1.0);
    if (!share) return fail(share.error());
    if (*share <= 0) return fail(policy->required("max_provider_share")->error("expected a share in (0, 1]"));
    in.max_provider_share = *share;
    if (auto n1 = policy->optional("n1")) {
      auto list = n1->as_string_list();
      if (!list) return fail(list.error());
      for (const auto& what : *list) {
        if (what == "providers") in.n1_providers = true;
        else if (what == "sites") in.n1_sites = true;
        else return fail(n1->error(fmt::format("'{}': expected providers, sites or both", what)));
      }
    }
    auto n1_share = policy->get_double("n1_share", 1.0, 0.0, 1.0);
    if (!n1_share) return fail(n1_share.error());
    in.n1_share = *n1_share;
    if (auto b = policy->optional("budget_usd_per_year")) {
      const int years = (in.periods * in.period_months + 11) / 12;
      if (b->is_sequence()) {
        auto items = b->items();
        if (!items) return fail(items.error());
        if (static_cast<int>(items->size()) != years)
          return fail(b->error(fmt::format("expected {} values (one per plan year), got {}", years, items->size())));
        for (const auto& item : *items) {
          auto v = item.as_double(0.0);
          if (!v) return fail(v.error());
          in.budget_usd_per_year.push_back(*v);
        }
      } else {
        auto v = b->as_double(0.0);
        if (!v) return fail(v.error());
        in.budget_usd_per_year.assign(static_cast<size_t>(years), *v);
      }
    }
  }
  // The horizon's end: by default the last period's demand holds for the longest term, so that
  // every contract is valued for all of its term.
  int longest_term_years = 1;
  for (const auto& o : in.offers)
    for (const auto& t : o.terms) longest_term_years = std::max(longest_term_years, t.years);
  for (const auto& o : in.spend_offers) longest_term_years = std::max(longest_term_years, o.years);
  in.end.demand_after = HorizonEnd::Demand::hold;
  in.end.years = longest_term_years;
  if (auto end = plan->optional("end")) {
    if (auto ok = end->check_keys({"demand_after", "years", "salvage"}); !ok) return fail(ok.error());
    auto after = end->get_string("demand_after", "hold");
    if (!after) return fail(after.error());
    if (*after == "hold") in.end.demand_after = HorizonEnd::Demand::hold;
    else if (*after == "grow") in.end.demand_after = HorizonEnd::Demand::grow;
    else if (*after == "none") in.end.demand_after = HorizonEnd::Demand::none;
    else return fail(end->required("demand_after")->error(fmt::format("'{}': expected hold, grow or none", *after)));
    auto years = end->get_int("years", longest_term_years, 1, longest_term_years);
    if (!years) return fail(years.error());
    in.end.years = in.end.demand_after == HorizonEnd::Demand::none ? 0 : static_cast<int>(*years);
    auto salvage = end->get_double("salvage", 0.0, 0.0, 1.0);
    if (!salvage) return fail(salvage.error());
    in.end.salvage_share = *salvage;
  }
  if (auto ok = prepare_plan_inputs(in); !ok) {
    Error e = ok.error();
    e.file = name;
    return fail(e);
  }
  // Earliest start: the period the offer's `earliest` time falls in (a contract starting
  // there begins at that time and counts pro rata), or after the horizon.
  for (size_t o = 0; o < in.offers.size(); ++o) {
    auto earliest = (*offer_items)[o].get_time_s("earliest", 0, sc.start_unix_s);
    const auto at = sc.start_unix_s + static_cast<int64_t>(*earliest);
    int p = 0;
    while (p < in.periods && in.period_start_unix_s[static_cast<size_t>(p) + 1] <= at) ++p;
    in.offers[o].earliest_period = p;
    in.offers[o].earliest_s = static_cast<double>(at - sc.start_unix_s);
  }
  // A spend offer starts at a period start at or after its `earliest`.
  for (size_t o = 0; o < in.spend_offers.size(); ++o) {
    auto earliest = spend_items[o].get_time_s("earliest", 0, sc.start_unix_s);
    const auto at = sc.start_unix_s + static_cast<int64_t>(*earliest);
    int p = 0;
    while (p < in.periods && in.period_start_unix_s[static_cast<size_t>(p)] < at) ++p;
    in.spend_offers[o].earliest_period = p;
  }
  return in;
}

Result<PlanInputs> load_plan_text(const std::string& text, const std::string& name, const std::string& base_dir) {
  auto scenario = load_scenario_text(text, name, base_dir);
  if (!scenario) return fail(scenario.error());
  auto in = parse_plan_section(std::move(*scenario), text, name);
  if (in) {
    in->scenario_text = text;
    in->base_dir = base_dir;
  }
  return in;
}

Result<PlanInputs> load_plan_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return load_plan_text(*text, path, dir.empty() ? "." : dir);
}

}  // namespace gpufleet
