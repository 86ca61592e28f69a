// The `uncertainty:` section of a scenario file (docs/risk-format.md). The model sections are
// the scenario loader's and `plan:` the planner's; this file reads only `uncertainty:` and
// resolves its names against the plan's scenario and demand.
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpufleet/risk.h"
#include "io/yaml_field.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

// Bounds that keep every draw finite: a yearly volatility of 5 already spans e^±15 in a year.
constexpr double kMaxVolatility = 5.0;
constexpr double kMaxMultiplier = 1000.0;
constexpr double kProbabilityTolerance = 1e-6;
constexpr int kMaxNamedScenarios = 1000;

// Resolves the name at f among `named` (providers or sites, by their .name), or fails naming
// the nearest one.
template <class Named>
Result<int> index_of(const YamlField& f, const std::vector<Named>& named, std::string_view kind) {
  auto name = f.as_string();
  if (!name) return fail(name.error());
  std::vector<std::string_view> names;
  for (size_t i = 0; i < named.size(); ++i) {
    if (named[i].name == *name) return static_cast<int>(i);
    names.push_back(named[i].name);
  }
  const std::string near = nearest_word(*name, names);
  return fail(f.error(fmt::format("unknown {} '{}'{}", kind, *name, near.empty() ? "" : fmt::format("; did you mean '{}'?", near))));
}
Result<int> provider_of(const YamlField& f, const Scenario& sc) { return index_of(f, sc.providers, "provider"); }
Result<int> site_of(const YamlField& f, const Scenario& sc) { return index_of(f, sc.sites, "site"); }

// A yearly volatility at `key` (default 0), from 0 to kMaxVolatility.
Result<double> read_volatility(const YamlField& f, std::string_view key) {
  auto v = f.get_double(key, 0.0);
  if (!v) return fail(v.error());
  if (*v < 0 || *v > kMaxVolatility)
    return fail(f.required(key)->error(fmt::format("volatility {:g}: expected from 0 to {:g} per year", *v, kMaxVolatility)));
  return *v;
}

// A lognormal duration: {median: 90d, sigma: 0.5}.
Result<std::pair<double, double>> read_lognormal_duration(const YamlField& f) {
  if (auto ok = f.check_keys({"median", "sigma"}); !ok) return fail(ok.error());
  auto median_field = f.required("median");
  if (!median_field) return fail(median_field.error());
  auto median = median_field->as_duration_s();
  if (!median) return fail(median.error());
  if (!(*median > 0)) return fail(median_field->error("expected a duration above 0, e.g. 90d"));
  auto sigma = f.get_double("sigma", 0.0, 0.0, kMaxVolatility);
  if (!sigma) return fail(sigma.error());
  return std::make_pair(*median, *sigma);
}

// A multiplier per plan year: one number for every year, or a list of one per year.
Result<std::vector<double>> read_multiplier(const YamlField& f, int years) {
  std::vector<double> out;
  if (f.is_sequence()) {
    auto items = f.items();
    if (!items) return fail(items.error());
    if (static_cast<int>(items->size()) != years)
      return fail(f.error(fmt::format("expected {} values (one per plan year), got {}", years, items->size())));
    for (const auto& item : *items) {
      auto v = item.as_double(0.0, kMaxMultiplier);
      if (!v) return fail(v.error());
      out.push_back(*v);
    }
    return out;
  }
  auto v = f.as_double(0.0, kMaxMultiplier);
  if (!v) return fail(v.error());
  out.assign(static_cast<size_t>(years), *v);
  return out;
}

Result<DemandUncertainty> read_demand(const YamlField& f, int years, bool with_jurisdiction) {
  if (with_jurisdiction) {
    if (auto ok = f.check_keys({"jurisdiction", "model", "volatility", "correlation", "scenarios"}); !ok) return fail(ok.error());
  } else if (auto ok = f.check_keys({"model", "volatility", "correlation", "scenarios"}); !ok) {
    return fail(ok.error());
  }
  DemandUncertainty d;
  if (auto list = f.optional("scenarios")) {
    for (const char* key : {"model", "volatility", "correlation"})
      if (auto other = f.optional(key)) return fail(other->error("give either scenarios or a model with a volatility, not both"));
    auto items = list->items();
    if (!items) return fail(items.error());
    if (items->empty()) return fail(list->error("expected at least one scenario"));
    if (static_cast<int>(items->size()) > kMaxNamedScenarios)
      return fail(list->error(fmt::format("{} scenarios; at most {}", items->size(), kMaxNamedScenarios)));
    d.model = DemandModel::scenarios;
    double total = 0;
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"name", "probability", "multiplier"}); !ok) return fail(ok.error());
      NamedDemand n;
      auto name = item.get_string("name", fmt::format("scenario {}", d.scenarios.size() + 1));
      if (!name) return fail(name.error());
      n.name = *name;
      for (const auto& other : d.scenarios)
        if (other.name == n.name) return fail(item.error(fmt::format("scenario name '{}' used twice", n.name)));
      auto pf = item.required("probability");
      if (!pf) return fail(pf.error());
      auto p = pf->as_double(0.0, 1.0);
      if (!p) return fail(p.error());
      n.probability = *p;
      total += *p;
      auto mf = item.required("multiplier");
      if (!mf) return fail(mf.error());
      auto m = read_multiplier(*mf, years);
      if (!m) return fail(m.error());
      n.multiplier = std::move(*m);
      d.scenarios.push_back(std::move(n));
    }
    if (std::abs(total - 1.0) > kProbabilityTolerance)
      return fail(list->error(fmt::format("the scenarios' probabilities sum to {:.6g}; expected 1", total)));
    return d;
  }
  auto model = f.get_string("model", "lognormal");
  if (!model) return fail(model.error());
  if (*model == "lognormal") d.model = DemandModel::lognormal;
  else if (*model == "normal") d.model = DemandModel::normal;
  else return fail(f.required("model")->error(fmt::format("'{}': expected lognormal or normal (or give scenarios)", *model)));
  auto vol = read_volatility(f, "volatility");
  if (!vol) return fail(vol.error());
  d.volatility = *vol;
  auto corr = f.get_double("correlation", 0.0);
  if (!corr) return fail(corr.error());
  if (*corr < -1 || *corr > 1)
    return fail(f.required("correlation")->error(fmt::format("correlation {:g}: expected from -1 to 1", *corr)));
  d.correlation = *corr;
  if (d.volatility == 0) d.model = DemandModel::none;
  return d;
}

}  // namespace

std::string_view to_string(DemandModel model) {
  switch (model) {
    case DemandModel::none: return "none";
    case DemandModel::lognormal: return "lognormal";
    case DemandModel::normal: return "normal";
    case DemandModel::scenarios: return "scenarios";
  }
  return "?";
}

bool UncertaintySpec::any() const {
  bool demand = training.model != DemandModel::none;
  for (const auto& d : inference) demand = demand || d.model != DemandModel::none;
  return demand || !delivery.empty() || !power.empty() || !prices.empty() || !disruptions.empty();
}

Result<UncertaintySpec> parse_uncertainty_section(const PlanInputs& in, const std::string& text, const std::string& name) {
  UncertaintySpec spec;
  auto doc = YamlField::parse(text, name);
  if (!doc) return fail(doc.error());
  auto root = doc->optional("uncertainty");
  if (!root || root->is_null()) return spec;
  if (auto ok = root->check_keys({"demand", "delivery", "power", "prices", "disruptions", "shortfall_penalty_usd_per_ref_gpu_hour"}); !ok)
    return fail(ok.error());
  if (root->optional("shortfall_penalty_usd_per_ref_gpu_hour")) {
    auto penalty = root->get_double("shortfall_penalty_usd_per_ref_gpu_hour", 0.0, 1e-6, 1e6);
    if (!penalty) return fail(penalty.error());
    spec.shortfall_penalty_usd_per_ref_gpu_hour = *penalty;
  }
  const Scenario& sc = in.scenario;
  const int years = (in.periods * in.period_months + 11) / 12;

  if (auto demand = root->optional("demand")) {
    if (auto ok = demand->check_keys({"training", "inference"}); !ok) return fail(ok.error());
    if (auto tr = demand->optional("training")) {
      auto d = read_demand(*tr, years, false);
      if (!d) return fail(d.error());
      spec.training = std::move(*d);
    }
    if (auto infs = demand->optional("inference")) {
      auto items = infs->items();
      if (!items) return fail(items.error());
      for (const auto& item : *items) {
        auto d = read_demand(item, years, true);
        if (!d) return fail(d.error());
        auto jf = item.required("jurisdiction");
        if (!jf) return fail(jf.error());
        auto j = jf->as_string();
        if (!j) return fail(j.error());
        bool planned = false;
        std::vector<std::string_view> names;
        for (const auto& x : in.inference) {
          planned = planned || x.jurisdiction == *j;
          names.push_back(x.jurisdiction);
        }
        if (!planned) {
          const std::string near = nearest_word(*j, names);
          return fail(jf->error(fmt::format("the plan has no inference demand in '{}'{}", *j,
                                            near.empty() ? fmt::format(" (it has: {})", fmt::join(names, ", "))
                                                         : fmt::format("; did you mean '{}'?", near))));
        }
        for (const auto& other : spec.inference)
          if (other.jurisdiction == *j) return fail(jf->error(fmt::format("jurisdiction '{}' listed twice", *j)));
        d->jurisdiction = *j;
        spec.inference.push_back(std::move(*d));
      }
    }
  }

  if (auto list = root->optional("delivery")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"provider", "probability", "delay"}); !ok) return fail(ok.error());
      DeliverySlip s;
      auto pf = item.required("provider");
      if (!pf) return fail(pf.error());
      auto p = provider_of(*pf, sc);
      if (!p) return fail(p.error());
      s.provider = *p;
      for (const auto& other : spec.delivery)
        if (other.provider == s.provider) return fail(pf->error("provider listed twice"));
      auto prob = item.get_double("probability", 1.0, 0.0, 1.0);
      if (!prob) return fail(prob.error());
      s.probability = *prob;
      auto df = item.required("delay");
      if (!df) return fail(df.error());
      auto delay = read_lognormal_duration(*df);
      if (!delay) return fail(delay.error());
      s.median_delay_s = delay->first;
      s.delay_sigma = delay->second;
      spec.delivery.push_back(s);
    }
  }

  if (auto list = root->optional("power")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"site", "probability", "min_share", "max_share"}); !ok) return fail(ok.error());
      PowerShortfall s;
      auto sf = item.required("site");
      if (!sf) return fail(sf.error());
      auto site = site_of(*sf, sc);
      if (!site) return fail(site.error());
      s.site = *site;
      for (const auto& other : spec.power)
        if (other.site == s.site) return fail(sf->error("site listed twice"));
      auto prob = item.get_double("probability", 1.0, 0.0, 1.0);
      if (!prob) return fail(prob.error());
      s.probability = *prob;
      auto hi_field = item.required("max_share");
      if (!hi_field) return fail(hi_field.error());
      auto hi = hi_field->as_double(0.0, 1.0);
      if (!hi) return fail(hi.error());
      auto lo = item.get_double("min_share", *hi, 0.0, 1.0);
      if (!lo) return fail(lo.error());
      if (*lo > *hi) return fail(item.required("min_share")->error(fmt::format("min_share {:g} above max_share {:g}", *lo, *hi)));
      s.min_share = *lo;
      s.max_share = *hi;
      spec.power.push_back(s);
    }
  }

  if (auto list = root->optional("prices")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"provider", "on_demand_volatility", "spot_volatility"}); !ok) return fail(ok.error());
      PricePath s;
      auto pf = item.required("provider");
      if (!pf) return fail(pf.error());
      auto p = provider_of(*pf, sc);
      if (!p) return fail(p.error());
      s.provider = *p;
      for (const auto& other : spec.prices)
        if (other.provider == s.provider) return fail(pf->error("provider listed twice"));
      for (auto [key, target] : {std::pair{"on_demand_volatility", &s.on_demand_volatility}, std::pair{"spot_volatility", &s.spot_volatility}}) {
        auto v = read_volatility(item, key);
        if (!v) return fail(v.error());
        *target = *v;
      }
      spec.prices.push_back(s);
    }
  }

  if (auto list = root->optional("disruptions")) {
    auto items = list->items();
    if (!items) return fail(items.error());
    for (const auto& item : *items) {
      if (auto ok = item.check_keys({"provider", "jurisdiction", "probability_per_year", "duration"}); !ok) return fail(ok.error());
      Disruption s;
      const auto pf = item.optional("provider");
      const auto jf = item.optional("jurisdiction");
      if (pf.has_value() == jf.has_value()) return fail(item.error("expected one of provider or jurisdiction"));
      if (pf) {
        auto p = provider_of(*pf, sc);
        if (!p) return fail(p.error());
        s.provider = *p;
      } else {
        auto j = jf->as_string();
        if (!j) return fail(j.error());
        std::vector<std::string_view> names;
        bool known = false;
        for (const auto& site : sc.sites) {
          known = known || site.jurisdiction == *j;
          names.push_back(site.jurisdiction);
        }
        if (!known) {
          const std::string near = nearest_word(*j, names);
          return fail(jf->error(fmt::format("no site is in jurisdiction '{}'{}", *j, near.empty() ? "" : fmt::format("; did you mean '{}'?", near))));
        }
        s.jurisdiction = *j;
      }
      auto prob = item.get_double("probability_per_year", 0.0, 0.0, 1.0);
      if (!prob) return fail(prob.error());
      s.probability_per_year = *prob;
      auto df = item.required("duration");
      if (!df) return fail(df.error());
      auto duration = read_lognormal_duration(*df);
      if (!duration) return fail(duration.error());
      s.median_duration_s = duration->first;
      s.duration_sigma = duration->second;
      spec.disruptions.push_back(s);
    }
  }
  return spec;
}

}  // namespace gpufleet
