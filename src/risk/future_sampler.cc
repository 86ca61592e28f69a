#include "risk/future_sampler.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "util/rng.h"

namespace gpufleet::risk {

namespace {

// Labels of the sub-streams of one future: each source of uncertainty draws from its own, so
// that adding a source to the scenario leaves the draws of the others unchanged.
enum Stream : uint64_t { kDemand = 1, kDelivery = 2, kPower = 3, kPrices = 4, kDisruptions = 5 };
// Keeps risk's streams apart from those the simulator derives from the same seed.
constexpr uint64_t kRiskSalt = 0x7269736b66757475ULL;  // "riskfutu"

// Multipliers per plan year of one demand stream.
std::vector<double> yearly_multiplier(const DemandUncertainty& d, int years, Rng& rng, int& scenario) {
  std::vector<double> m(static_cast<size_t>(years), 1.0);
  scenario = -1;
  if (d.model == DemandModel::scenarios) {
    const double u = rng.uniform();
    double cum = 0;
    scenario = static_cast<int>(d.scenarios.size()) - 1;  // probabilities may sum to 1 - 1e-6
    for (size_t i = 0; i < d.scenarios.size(); ++i) {
      cum += d.scenarios[i].probability;
      if (u < cum) {
        scenario = static_cast<int>(i);
        break;
      }
    }
    return d.scenarios[static_cast<size_t>(scenario)].multiplier;
  }
  if (d.model == DemandModel::none) return m;
  const double rho = d.correlation, innovation = std::sqrt(std::max(0.0, 1.0 - rho * rho)), v = d.volatility;
  double e = 0, level = 1;
  for (int y = 0; y < years; ++y) {
    const double z = rng.normal();
    e = y == 0 ? z : rho * e + innovation * z;
    const double growth = d.model == DemandModel::lognormal ? std::exp(v * e - 0.5 * v * v) : std::max(0.0, 1.0 + v * e);
    level *= growth;
    m[static_cast<size_t>(y)] = level;
  }
  return m;
}

}  // namespace

FutureDraws sample_future(const UncertaintySpec& spec, const Book& book, uint64_t seed, int64_t future) {
  const Calendar& cal = book.calendar;
  const Scenario& sc = *book.scenario;
  const auto periods = static_cast<size_t>(cal.periods);
  const uint64_t future_seed = Rng::derived(seed ^ kRiskSalt, static_cast<uint64_t>(future)).next_u64();
  FutureDraws f;

  Rng demand_rng = Rng::derived(future_seed, kDemand);
  for (size_t k = 0; k < book.streams.size(); ++k) {
    const DemandUncertainty* d = k == 0 ? &spec.training : nullptr;
    for (const auto& x : spec.inference)
      if (k > 0 && x.jurisdiction == book.stream_jurisdiction[k]) d = &x;
    int scenario = -1;
    const std::vector<double> yearly = d ? yearly_multiplier(*d, cal.years, demand_rng, scenario) : std::vector<double>(static_cast<size_t>(cal.years), 1.0);
    std::vector<double> per_period(periods);
    for (size_t t = 0; t < periods; ++t) per_period[t] = yearly[static_cast<size_t>(cal.year_of_period[t])];
    f.demand.push_back(std::move(per_period));
    f.demand_scenario.push_back(scenario);
  }

  Rng delivery_rng = Rng::derived(future_seed, kDelivery);
  f.delivery_delay_s.assign(sc.providers.size(), 0.0);
  for (const auto& s : spec.delivery) {
    const double u = delivery_rng.uniform();
    const double delay = delivery_rng.lognormal(s.median_delay_s, s.delay_sigma);
    if (u < s.probability) f.delivery_delay_s[static_cast<size_t>(s.provider)] = delay;
  }

  Rng power_rng = Rng::derived(future_seed, kPower);
  f.power_shortfall.assign(sc.sites.size(), 0.0);
  for (const auto& s : spec.power) {
    const double u = power_rng.uniform();
    const double share = s.min_share + (s.max_share - s.min_share) * power_rng.uniform();
    if (u < s.probability) f.power_shortfall[static_cast<size_t>(s.site)] = share;
  }

  Rng price_rng = Rng::derived(future_seed, kPrices);
  f.on_demand_price.assign(sc.providers.size(), std::vector<double>(periods, 1.0));
  f.spot_price.assign(sc.providers.size(), std::vector<double>(periods, 1.0));
  for (const auto& s : spec.prices) {
    for (auto [vol, path] : {std::pair{s.on_demand_volatility, &f.on_demand_price}, std::pair{s.spot_volatility, &f.spot_price}}) {
      const double step = vol * std::sqrt(cal.period_years);
      auto& m = (*path)[static_cast<size_t>(s.provider)];
      for (size_t t = 1; t < periods; ++t) m[t] = m[t - 1] * std::exp(step * price_rng.normal() - 0.5 * step * step);
    }
  }

  // Disruptions: intervals per site, merged, then the share of each period they cover.
  Rng disruption_rng = Rng::derived(future_seed, kDisruptions);
  std::vector<std::vector<std::pair<double, double>>> down(sc.sites.size());
  const int per_year = cal.periods > 0 ? std::max(1, static_cast<int>(std::lround(1.0 / cal.period_years))) : 1;
  for (const auto& s : spec.disruptions) {
    for (int y = 0; y < cal.years; ++y) {
      const auto first = static_cast<size_t>(y * per_year);
      const auto last = std::min(periods, first + static_cast<size_t>(per_year)) - 1;
      const double year_start = cal.start_s[first], year_end = cal.end_s[last];
      const double u = disruption_rng.uniform();
      const double at = year_start + (year_end - year_start) * disruption_rng.uniform();
      const double duration = disruption_rng.lognormal(s.median_duration_s, s.duration_sigma);
      if (!(u < s.probability_per_year)) continue;
      for (size_t site = 0; site < sc.sites.size(); ++site) {
        const Site& x = sc.sites[site];
        if (s.provider >= 0 ? x.provider == s.provider : x.jurisdiction == s.jurisdiction) down[site].emplace_back(at, at + duration);
      }
    }
  }
  f.unavailable.assign(sc.sites.size(), std::vector<double>(periods, 0.0));
  f.down.resize(sc.sites.size());
  for (size_t site = 0; site < sc.sites.size(); ++site) {
    auto& iv = down[site];
    if (iv.empty()) continue;
    std::sort(iv.begin(), iv.end());
    std::vector<std::pair<double, double>> merged;
    for (const auto& x : iv) {
      if (!merged.empty() && x.first <= merged.back().second) merged.back().second = std::max(merged.back().second, x.second);
      else merged.push_back(x);
    }
    for (size_t t = 0; t < periods; ++t) {
      double covered = 0;
      for (const auto& [a, b] : merged) covered += std::max(0.0, std::min(b, cal.end_s[t]) - std::max(a, cal.start_s[t]));
      f.unavailable[site][t] = std::min(1.0, covered / (cal.end_s[t] - cal.start_s[t]));
    }
    f.down[site] = std::move(merged);
  }
  return f;
}

void record_draws(const Book& b, const FutureDraws& d, FutureOutcome& out) {
  const Calendar& cal = b.calendar;
  const size_t periods = static_cast<size_t>(cal.periods), ns = b.streams.size();
  const size_t nprov = b.scenario->providers.size(), nsites = b.scenario->sites.size();
  for (size_t k = 0; k < ns; ++k) out.demand_multiplier_final.push_back(periods ? d.demand[k][periods - 1] : 1.0);
  out.demand_scenario = d.demand_scenario;
  for (size_t p = 0; p < nprov; ++p) {
    out.delivery_delay_days.push_back(d.delivery_delay_s[p] / kSecondsPerDay);
    out.on_demand_price_final.push_back(periods ? d.on_demand_price[p][periods - 1] : 1.0);
  }
  out.power_shortfall_share = d.power_shortfall;
  for (size_t s = 0; s < nsites; ++s) {
    double days = 0;
    for (size_t t = 0; t < periods; ++t) days += d.unavailable[s][t] * (cal.end_s[t] - cal.start_s[t]) / kSecondsPerDay;
    out.disrupted_days.push_back(days);
  }
}

}  // namespace gpufleet::risk
