#include "plan/plan_model_builder.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "plan/plan_spend_model.h"
#include "util/time_parse.h"

namespace gpufleet::plan {

namespace {

constexpr double kSecondsPerYear = 365.25 * 86400.0;

// Elastic penalty per unit of slack, in each family's row unit. Demand is the last resort
// (the goal itself); the limits are roughly on a par per reference GPU (1 MW ~ 1,000 GPUs,
// $1M ~ 100 GPU-quarters).
double elastic_weight(RowFamily family) {
  switch (family) {
    case RowFamily::demand_training:
    case RowFamily::demand_inference: return 100.0;
    case RowFamily::power: return 1000.0;
    case RowFamily::budget: return 100.0;
    case RowFamily::ramp:
    case RowFamily::share:
    case RowFamily::n1:
    case RowFamily::spot_share: return 1.0;
    default: return -1;  // not elastic
  }
}

}  // namespace

double period_hours(const PlanInputs& in, int t) {
  const auto i = static_cast<size_t>(t);
  return static_cast<double>(in.period_start_unix_s[i + 1] - in.period_start_unix_s[i]) / 3600.0;
}

double period_discount(const PlanInputs& in, int t) {
  const double years = static_cast<double>(in.period_start_unix_s[static_cast<size_t>(t)] - in.period_start_unix_s[0]) / kSecondsPerYear;
  return std::pow(1.0 + in.discount_rate, -years);
}

double period_start_s(const PlanInputs& in, int t) {
  return static_cast<double>(in.period_start_unix_s[static_cast<size_t>(t)] - in.scenario.start_unix_s);
}

Contract offer_contract(const PlanInputs& in, const ContractOffer& offer, int term, double from_s, double to_s) {
  Contract c;
  c.name = offer.name;
  c.site = offer.site;
  c.provider = in.scenario.sites[static_cast<size_t>(offer.site)].provider;
  c.accelerator = offer.accelerator;
  c.usd_per_gpu_hour = offer.terms[static_cast<size_t>(term)].usd_per_gpu_hour;
  c.escalator_per_year = offer.escalator_per_year;
  c.start_s = from_s;
  c.end_s = to_s;
  return c;
}

double contract_var_cover(const PlanInputs& in, const ContractVar& cv, int t) {
  const double lo = period_start_s(in, t), hi = period_start_s(in, t + 1);
  const double a = std::max(lo, cv.from_s), b = std::min(hi, cv.to_s);
  return b > a ? (b - a) / (hi - lo) : 0.0;
}

double contract_var_usd_per_gpu(const PlanInputs& in, const ContractVar& cv, int t) {
  const ContractOffer& offer = in.offers[static_cast<size_t>(cv.offer)];
  const double price = offer.terms[static_cast<size_t>(cv.term)].usd_per_gpu_hour;
  if (offer.escalator_per_year == 0) return price * period_hours(in, t) * contract_var_cover(in, cv, t);
  const double lo = std::max(cv.from_s, period_start_s(in, t)), hi = std::min(cv.to_s, period_start_s(in, t + 1));
  if (!(hi > lo)) return 0;
  return contract_usd_per_gpu(offer_contract(in, offer, cv.term, cv.from_s, cv.to_s), lo, hi, in.scenario.start_unix_s);
}

SpendCommitment spend_offer_commitment(const PlanInputs& in, const SpendOffer& offer, int start) {
  SpendCommitment c = offer.deal;
  c.name = offer.name;
  c.start_s = period_start_s(in, start);
  c.end_s = period_start_s(in, start + offer.years * 12 / in.period_months);
  return c;
}

double modelled_cover(const PlanInputs& in, const PlanModel& m, int t, double from_s, double to_s) {
  const double lo = period_start_s(in, m.calendar_first[static_cast<size_t>(t)]);
  const double hi = period_start_s(in, m.calendar_last[static_cast<size_t>(t)]);
  const double a = std::max(lo, from_s), b = std::min(hi, to_s);
  return b > a ? (b - a) / (hi - lo) : 0.0;
}

std::string modelled_period_label(const PlanInputs& in, const PlanModel& m, int t) {
  if (t < m.horizon_periods || t >= static_cast<int>(m.calendar_first.size())) return period_label(in, t);
  const int first = m.calendar_first[static_cast<size_t>(t)];
  return fmt::format("{} (after the horizon)", period_label(in, first).substr(0, 4));
}

PlanModel build_plan_model(const PlanInputs& in, const BuildOptions& options) {
  const Scenario& sc = in.scenario;
  // T: the periods modelled: the horizon's, then one per year of the tail after it (demand held
  // or grown, PlanInputs::end). The horizon alone is where the plan's contracts start and
  // budgets apply. Contracts and calendar are counted in horizon periods; a tail year spans
  // per_year of them.
  const int horizon = in.periods;
  const int per_year = 12 / in.period_months;
  const int tail = in.end.demand_after == HorizonEnd::Demand::none ? 0 : in.end.years;
  const int T = horizon + tail;
  const int calendar = static_cast<int>(in.period_start_unix_s.size()) - 1;
  const int modelled_end = horizon + tail * per_year;  // calendar period after the last modelled one
  PlanModel m;
  m.elastic = options.elastic;
  LpModel& lp = m.lp;
  const double scale = 1.0 / kUsdPerObjectiveUnit;
  const double keep_cost = options.elastic ? 0.0 : 1.0;
  const double horizon_cost = options.futures_price_horizon ? kForecastWeight : 1.0;  // inside the horizon

  for (int t = 0; t < calendar; ++t) {
    m.hours.push_back(period_hours(in, t));
    m.discount.push_back(period_discount(in, t));
  }
  m.horizon_periods = horizon;
  m.tail_periods = tail;
  for (int t = 0; t < T; ++t) {
    const int first = t < horizon ? t : horizon + (t - horizon) * per_year;
    const int last = t < horizon ? t + 1 : first + per_year;
    m.calendar_first.push_back(first);
    m.calendar_last.push_back(last);
    double h = 0;
    for (int c = first; c < last; ++c) h += m.hours[static_cast<size_t>(c)];
    m.modelled_hours.push_back(h);
    m.modelled_discount.push_back(m.discount[static_cast<size_t>(first)]);
  }
  for (int t = 0; t < horizon; ++t) m.training_ref_gpus.push_back(in.training_ref_gpu_hours[static_cast<size_t>(t)] / m.hours[static_cast<size_t>(t)]);
  for (const auto& d : in.inference) {
    m.jurisdictions.push_back(d.jurisdiction);
    m.inference_ref_gpus.push_back(d.ref_gpus);
  }
  // The tail's demand: the last period's, held or grown at the horizon's last yearly growth.
  auto extend = [&](std::vector<double>& series) {
    const double last = series.back();
    double growth = 1.0;  // per year
    if (in.end.demand_after == HorizonEnd::Demand::grow && horizon > per_year && series[static_cast<size_t>(horizon - 1 - per_year)] > 0)
      growth = last / series[static_cast<size_t>(horizon - 1 - per_year)];
    for (int t = horizon; t < T; ++t) series.push_back(last * std::pow(growth, t - horizon + 1));
  };
  if (tail > 0) {
    extend(m.training_ref_gpus);
    for (auto& d : m.inference_ref_gpus) extend(d);
  }

  // Pools: every (site, accelerator) that existing contracts, offers or markets mention.
  std::map<std::pair<int, int>, int> pool_of;
  auto pool_index = [&](int site, int acc) {
    auto [it, added] = pool_of.emplace(std::make_pair(site, acc), static_cast<int>(m.pools.size()));
    if (added) {
      Pool p;
      p.site = site;
      p.accelerator = acc;
      const auto& s = sc.sites[static_cast<size_t>(site)];
      const auto& a = sc.accelerators[static_cast<size_t>(acc)];
      p.speed = a.speed_factor;
      p.mw_per_gpu = a.board_power_w * s.pue * 1e-6;
      if (in.bill_energy) {
        const GpuEnergyUsdPerHour e = gpu_energy_usd_per_hour(a, s);
        p.held_energy_usd_per_gpu_hour = e.held;
        p.busy_energy_usd_per_gpu_hour = e.busy_extra;
      }
      p.existing_gpus.assign(static_cast<size_t>(T), 0.0);
      m.pools.push_back(std::move(p));
    }
    return it->second;
  };
  // Existing contracts: their mean capacity over each period (steps, starts and ends inside a
  // period count pro rata) and their mean price over it (the account's: step prices and the
  // escalator). A termination option inside the modelled periods gets a binary column; what it
  // removes is its capacity after the date.
  const double modelled_end_s = period_start_s(in, modelled_end);
  for (const auto& c : sc.contracts) {
    ExistingContract e;
    e.pool = pool_index(c.site, c.accelerator);
    Pool& p = m.pools[static_cast<size_t>(e.pool)];
    const bool option = c.termination && !c.termination->exercised && c.termination->at_s < modelled_end_s &&
                        c.termination->at_s > period_start_s(in, 0);
    Contract ended = c;
    if (option) ended.termination->exercised = true;
    for (int t = 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      const double from = period_start_s(in, m.calendar_first[ti]), to = period_start_s(in, m.calendar_last[ti]);
      const double g = c.average_gpus(from, to);
      const double hours = (to - from) / 3600.0;
      e.gpus.push_back(g);
      e.usd_per_gpu_hour.push_back(g > 0 ? contract_capacity_usd(c, from, to, sc.start_unix_s) / (g * hours)
                                         : contract_usd_per_gpu(c, from, to, sc.start_unix_s) / hours);
      e.gpus_after_end.push_back(option ? g - ended.average_gpus(from, to) : 0.0);
      p.existing_gpus[ti] += e.gpus.back();
    }
    if (option) {
      e.end = lp.add_column({fmt::format("end_{}", c.name), 0, 1, 0, true});
      int at = 0;
      while (at + 1 < calendar && period_start_s(in, at + 1) <= c.termination->at_s) ++at;
      e.end_period = at;
    }
    e.above_share.assign(static_cast<size_t>(T), -1);
    m.existing.push_back(std::move(e));
  }
  for (const auto& o : in.offers) pool_index(o.site, o.accelerator);
  std::vector<int> market_of_pool;
  for (size_t k = 0; k < sc.markets.size(); ++k) {
    const auto& mk = sc.markets[k];
    if (mk.on_demand_gpus <= 0 && mk.spot_gpus <= 0) continue;
    pool_index(mk.site, mk.accelerator);
  }
  market_of_pool.assign(m.pools.size(), -1);
  for (size_t k = 0; k < sc.markets.size(); ++k) {
    auto it = pool_of.find({sc.markets[k].site, sc.markets[k].accelerator});
    if (it != pool_of.end()) market_of_pool[static_cast<size_t>(it->second)] = static_cast<int>(k);
  }

  auto jurisdiction_of_site = [&](int site) -> int {
    for (size_t j = 0; j < m.jurisdictions.size(); ++j)
      if (m.jurisdictions[j] == sc.sites[static_cast<size_t>(site)].jurisdiction) return static_cast<int>(j);
    return -1;
  };
  // What no plan needs more of in any period: all demand, plus the firm capacity that the
  // provider share cap forces beside the existing contracts (existing / share), in ref GPUs.
  double max_needed_ref = 0;
  for (int t = 0; t < T; ++t) {
    const auto ti = static_cast<size_t>(t);
    double d = m.training_ref_gpus[ti];
    for (const auto& inf : m.inference_ref_gpus) d += inf[ti];
    double existing_ref = 0;
    for (const auto& p : m.pools) existing_ref += p.existing_gpus[ti] * p.speed;
    max_needed_ref = std::max(max_needed_ref, d + existing_ref / in.max_provider_share);
  }

  // Pool columns per period.
  for (size_t pi = 0; pi < m.pools.size(); ++pi) {
    Pool& p = m.pools[pi];
    const auto& site = sc.sites[static_cast<size_t>(p.site)];
    const std::string tag = fmt::format("{}_{}", site.name, sc.accelerators[static_cast<size_t>(p.accelerator)].name);
    const int j = jurisdiction_of_site(p.site);
    const Market* mk = market_of_pool[pi] >= 0 ? &sc.markets[static_cast<size_t>(market_of_pool[pi])] : nullptr;
    if (mk) {
      p.on_demand_usd = mk->on_demand_usd_per_gpu_hour;
      p.spot_usd = mk->spot_usd_per_gpu_hour;
    }
    p.train.assign(static_cast<size_t>(T), -1);
    p.inf.assign(static_cast<size_t>(T), -1);
    p.od.assign(static_cast<size_t>(T), -1);
    p.spot.assign(static_cast<size_t>(T), -1);
    for (int t = 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      const double pv_hours = m.modelled_hours[ti] * m.modelled_discount[ti] * scale * keep_cost * (t < horizon ? horizon_cost : 1.0);
      // GPUs carrying demand draw full power: the busy part of their electricity.
      const double busy_energy = p.busy_energy_usd_per_gpu_hour * pv_hours;
      p.train[ti] = lp.add_column({fmt::format("train_{}_{}", tag, t), 0, kInf, busy_energy, false});
      if (j >= 0) p.inf[ti] = lp.add_column({fmt::format("inf_{}_{}", tag, t), 0, kInf, busy_energy, false});
      if (mk && mk->on_demand_gpus > 0)
        p.od[ti] = lp.add_column({fmt::format("od_{}_{}", tag, t), 0, static_cast<double>(mk->on_demand_gpus),
                                  (p.on_demand_usd + p.held_energy_usd_per_gpu_hour) * pv_hours, false});
      if (mk && mk->spot_gpus > 0)
        p.spot[ti] = lp.add_column({fmt::format("spot_{}_{}", tag, t), 0, static_cast<double>(mk->spot_gpus),
                                    (p.spot_usd + p.held_energy_usd_per_gpu_hour) * pv_hours, false});
    }
  }

  // The share of modelled period t inside [from_s, to_s).
  auto cover = [&](int t, double from_s, double to_s) { return modelled_cover(in, m, t, from_s, to_s); };
  auto provider_of_pool = [&](size_t pi) { return sc.sites[static_cast<size_t>(m.pools[pi].site)].provider; };
  add_spend_commitments(in, {T, horizon, calendar, modelled_end, modelled_end_s, scale, keep_cost, market_of_pool}, m);

  // Calendar periods where an offer's contracts may start: each horizon period from its
  // earliest, then the first of each tail year.
  auto start_periods = [&](const ContractOffer& offer) {
    std::vector<int> starts;
    for (int s = std::max(0, offer.earliest_period); s < horizon; ++s) starts.push_back(s);
    for (int y = 0; y < tail; ++y) starts.push_back(horizon + y * per_year);
    return starts;
  };

  // Contract columns.
  for (size_t o = 0; o < in.offers.size(); ++o) {
    const auto& offer = in.offers[o];
    const Pool& p = m.pools[static_cast<size_t>(pool_of.at({offer.site, offer.accelerator}))];
    const double block = static_cast<double>(offer.block_gpus);
    // An upper bound on blocks per contract that cuts off no plan: twice what could ever be
    // needed (max_needed_ref), and, outside the elastic model, one block above what the ramp
    // limit or the site's power allows. Ramp and power stay rows (their duals carry the
    // marginal values, and the elastic model relaxes them), so the column bound never binds
    // before them; check_plan reports a plan at a bound that is not physical.
    const double min_blocks = offer.min_gpus > offer.block_gpus ? std::ceil(static_cast<double>(offer.min_gpus) / block) : 1.0;
    const double safe_blocks = std::max(std::ceil(2.0 * max_needed_ref / p.speed / block) + 1, min_blocks);
    double max_blocks = safe_blocks;
    bool physical = false;
    if (!options.elastic) {
      double limit = kInf;
      if (offer.ramp_gpus_per_period > 0) limit = std::floor(static_cast<double>(offer.ramp_gpus_per_period) / block) + 1;
      const double cap = sc.sites[static_cast<size_t>(p.site)].power_cap_mw;
      if (cap > 0 && p.mw_per_gpu > 0) limit = std::min(limit, std::floor(cap / p.mw_per_gpu / block) + 1);
      if (limit < max_blocks) {
        max_blocks = std::max(limit, min_blocks);
        physical = true;
      }
    }
    // Contracts starting in the horizon are the plan (whole blocks). Those starting in the
    // tail are how the tail's demand is served at contract prices: continuous, and paid only
    // within the modelled periods (the tail values a late commitment against what renewing
    // would cost; they are not part of the plan).
    for (int s : start_periods(offer)) {
      const bool in_tail = s >= horizon;
      for (size_t k = 0; k < offer.terms.size(); ++k) {
        const int tp = offer.terms[k].years * 12 / in.period_months;
        ContractVar cv;
        cv.offer = static_cast<int>(o);
        cv.start = s;
        cv.term = static_cast<int>(k);
        cv.term_periods = tp;
        // A tail contract may run past the calendar (which covers the horizon and the tail):
        // nothing after it is modelled.
        cv.end_period = std::min(calendar, s + tp);
        cv.from_s = period_start_s(in, s);
        cv.to_s = period_start_s(in, cv.end_period);
        // `earliest` inside the first start period: that contract begins then, ends on its
        // anniversary, and counts pro rata in the periods it covers in part.
        if (!in_tail && s == offer.earliest_period && offer.earliest_s > cv.from_s) {
          const int64_t from_unix = sc.start_unix_s + static_cast<int64_t>(offer.earliest_s);
          cv.from_s = offer.earliest_s;
          cv.to_s = static_cast<double>(add_calendar_years(from_unix, offer.terms[k].years) - sc.start_unix_s);
          cv.end_period = std::min(calendar, s + tp + 1);
        }
        double pv = 0;
        // Beyond the modelled periods a contract's cost counts less the salvage share.
        for (int t = s; t < cv.end_period && t < calendar; ++t) {
          const auto ti = static_cast<size_t>(t);
          const double kept = t < horizon ? (options.futures_price_horizon ? 0.0 : 1.0) : t < modelled_end ? 1.0 : in_tail ? 0.0 : 1.0 - in.end.salvage_share;
          pv += kept * (contract_var_usd_per_gpu(in, cv, t) + p.held_energy_usd_per_gpu_hour * m.hours[ti] * contract_var_cover(in, cv, t)) *
                m.discount[ti];
        }
        cv.in_tail = in_tail;
        cv.bound_is_physical = physical && !in_tail;
        cv.safe_upper = safe_blocks;
        const int years = offer.terms[k].years;
        cv.column = lp.add_column({fmt::format("{}_{}_{}_{}y", in_tail ? "tail" : "x", offer.name, s, years), 0,
                                   in_tail ? safe_blocks : max_blocks, pv * block * scale * keep_cost, !in_tail});
        if (!in_tail && min_blocks > 1 && max_blocks >= min_blocks)
          cv.taken = lp.add_column({fmt::format("y_{}_{}_{}y", offer.name, s, years), 0, 1, 0, true});
        m.contracts.push_back(cv);
      }
    }
  }
  // Contracts in force per (offer, modelled period) with the share of the period they cover
  // (whole in the horizon; a tail year may be covered in part).
  std::vector<std::vector<std::vector<std::pair<int, double>>>> active(
      in.offers.size(), std::vector<std::vector<std::pair<int, double>>>(static_cast<size_t>(T)));
  for (size_t c = 0; c < m.contracts.size(); ++c) {
    const auto& cv = m.contracts[c];
    for (int t = 0; t < T; ++t) {
      if (m.calendar_last[static_cast<size_t>(t)] <= cv.start || m.calendar_first[static_cast<size_t>(t)] >= cv.end_period) continue;
      const double f = cover(t, cv.from_s, cv.to_s);
      if (f > 0) active[static_cast<size_t>(cv.offer)][static_cast<size_t>(t)].push_back({static_cast<int>(c), f});
    }
  }
  std::vector<std::vector<int>> offers_of_pool(m.pools.size());
  for (size_t o = 0; o < in.offers.size(); ++o)
    offers_of_pool[static_cast<size_t>(pool_of.at({in.offers[o].site, in.offers[o].accelerator}))].push_back(static_cast<int>(o));

  // Committed GPUs per pool and period: committed[p,t] - sum of blocks in force = existing.
  for (size_t pi = 0; pi < m.pools.size(); ++pi) {
    Pool& p = m.pools[pi];
    for (int t = 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      const int col = lp.add_column({fmt::format("committed_{}_{}", pi, t), 0, kInf, 0, false});
      p.committed.push_back(col);
      const int r = lp.add_row({fmt::format("commit_{}_{}", pi, t), p.existing_gpus[ti], p.existing_gpus[ti], RowFamily::committed, t,
                                static_cast<int>(pi)});
      lp.add(r, col, 1);
      for (size_t c = 0; c < sc.contracts.size(); ++c) {
        const ExistingContract& e = m.existing[c];
        if (e.pool == static_cast<int>(pi) && e.end >= 0 && e.gpus_after_end[ti] > 0) lp.add(r, e.end, e.gpus_after_end[ti]);
      }
      for (int o : offers_of_pool[pi])
        for (const auto& [c, f] : active[static_cast<size_t>(o)][ti])
          lp.add(r, m.contracts[static_cast<size_t>(c)].column, -f * static_cast<double>(in.offers[static_cast<size_t>(o)].block_gpus));
    }
  }

  // Adds the capacity held at pool p in period t (committed + on-demand [+ spot]), times
  // factor, to row r. Returns the constant part for the row bound (none: existing GPUs are in
  // the committed column).
  auto add_held = [&](int r, size_t pi, int t, double factor, bool with_spot) {
    const Pool& p = m.pools[pi];
    const auto ti = static_cast<size_t>(t);
    lp.add(r, p.committed[ti], factor);
    if (p.od[ti] >= 0) lp.add(r, p.od[ti], factor);
    for (int col : p.draws[ti]) lp.add(r, col, factor);
    if (with_spot && p.spot[ti] >= 0) lp.add(r, p.spot[ti], factor);
    return 0.0;
  };

  // Capacity and spot use. An existing contract's GPUs above its take-or-pay share are usable
  // only through its above-share column, which pays the contract price for each GPU-hour used
  // (contract_usd_per_hour: price x max(share x capacity, used)).
  for (size_t pi = 0; pi < m.pools.size(); ++pi) {
    Pool& p = m.pools[pi];
    for (int t = 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      const int r = lp.add_row({fmt::format("cap_{}_{}", pi, t), -kInf, 0, RowFamily::capacity, t, static_cast<int>(pi)});
      lp.add(r, p.train[ti], 1);
      if (p.inf[ti] >= 0) lp.add(r, p.inf[ti], 1);
      add_held(r, pi, t, -1.0, true);
      double unpaid = 0;
      for (size_t c = 0; c < sc.contracts.size(); ++c) {
        ExistingContract& e = m.existing[c];
        const double share = sc.contracts[c].take_or_pay_share;
        const double above = (1.0 - share) * e.gpus[ti];
        if (e.pool != static_cast<int>(pi) || above <= 0) continue;
        const double pv_hours = m.modelled_hours[ti] * m.modelled_discount[ti] * scale * keep_cost * (t < horizon ? horizon_cost : 1.0);
        e.above_share[ti] = lp.add_column({fmt::format("above_{}_{}", c, t), 0, above,
                                           e.usd_per_gpu_hour[ti] * pv_hours, false});
        lp.add(r, e.above_share[ti], -1);
        unpaid += above;
        // An exercised termination takes its GPUs after the date from the unpaid part too.
        const double after = (1.0 - share) * e.gpus_after_end[ti];
        if (e.end >= 0 && after > 0) {
          lp.add(r, e.end, -after);
          const int ra = lp.add_row({fmt::format("aboveend_{}_{}", c, t), -kInf, above, RowFamily::capacity, t, static_cast<int>(pi)});
          lp.add(ra, e.above_share[ti], 1);
          lp.add(ra, e.end, after);
        }
      }
      lp.rows()[static_cast<size_t>(r)].upper = -unpaid;
      p.capacity_row.push_back(r);
      if (p.spot[ti] >= 0) {
        const int rs = lp.add_row({fmt::format("spotuse_{}_{}", pi, t), -kInf, 0, RowFamily::spot_use, t, static_cast<int>(pi)});
        lp.add(rs, p.spot[ti], 1);
        lp.add(rs, p.train[ti], -1);
      }
    }
  }

  // Demand.
  for (int t = 0; t < T; ++t) {
    const auto ti = static_cast<size_t>(t);
    const double d = m.training_ref_gpus[ti];
    const int r = lp.add_row({fmt::format("train_{}", t), d, d, RowFamily::demand_training, t, -1});
    m.demand_training_row.push_back(r);
    // The stochastic plan's forecast: its demand may go unmet, inside the horizon at
    // kForecastWeight of the penalty (the futures price what is unmet), after it at the penalty.
    auto unmet_free = [&](int row) {
      if (!options.futures_price_horizon) return;
      const double usd = options.forecast_unmet_usd_per_ref_gpu_hour * (t < horizon ? kForecastWeight : 1.0) * m.modelled_hours[ti] *
                         m.modelled_discount[ti] * scale;
      lp.add(row, lp.add_column({fmt::format("forecast_unmet_{}", row), 0, kInf, usd, false}), 1);
    };
    unmet_free(r);
    for (const auto& p : m.pools) lp.add(r, p.train[ti], p.speed);
    for (size_t j = 0; j < in.inference.size(); ++j) {
      const double dj = m.inference_ref_gpus[j][ti];
      const int rj = lp.add_row({fmt::format("inf_{}_{}", in.inference[j].jurisdiction, t), dj, dj,
                                 RowFamily::demand_inference, t, static_cast<int>(j)});
      unmet_free(rj);
      for (const auto& p : m.pools)
        if (p.inf[ti] >= 0 && sc.sites[static_cast<size_t>(p.site)].jurisdiction == in.inference[j].jurisdiction)
          lp.add(rj, p.inf[ti], p.speed);
    }
    bool any_spot = false;
    for (const auto& p : m.pools) any_spot = any_spot || p.spot[ti] >= 0;
    if (any_spot) {
      const int rs = lp.add_row({fmt::format("spotshare_{}", t), -kInf, (1.0 - in.training_critical_share) * d,
                                 RowFamily::spot_share, t, -1});
      for (const auto& p : m.pools)
        if (p.spot[ti] >= 0) lp.add(rs, p.spot[ti], p.speed);
    }
  }

  // Site power.
  for (size_t s = 0; s < sc.sites.size(); ++s) {
    const double cap = sc.sites[s].power_cap_mw;
    if (cap <= 0) continue;
    std::vector<size_t> here;
    for (size_t pi = 0; pi < m.pools.size(); ++pi)
      if (m.pools[pi].site == static_cast<int>(s)) here.push_back(pi);
    if (here.empty()) continue;
    for (int t = 0; t < T; ++t) {
      const int r = lp.add_row({fmt::format("power_{}_{}", sc.sites[s].name, t), -kInf, 0, RowFamily::power, t, static_cast<int>(s)});
      double existing_mw = 0;
      for (size_t pi : here) existing_mw += add_held(r, pi, t, m.pools[pi].mw_per_gpu, true);
      lp.rows()[static_cast<size_t>(r)].upper = cap - existing_mw;
    }
  }

  // Ramp: GPUs of new contracts starting in one period.
  for (size_t o = 0; o < in.offers.size(); ++o) {
    const auto& offer = in.offers[o];
    if (offer.ramp_gpus_per_period <= 0) continue;
    for (int s : start_periods(offer)) {
      // A tail year's starts may use a year of deliveries; its row is about modelled period t.
      const bool in_tail = s >= horizon;
      const int t = in_tail ? horizon + (s - horizon) / per_year : s;
      const int r = lp.add_row({fmt::format("ramp_{}_{}", offer.name, s), -kInf,
                                static_cast<double>(offer.ramp_gpus_per_period) * (in_tail ? per_year : 1), RowFamily::ramp, t,
                                static_cast<int>(o)});
      for (const auto& cv : m.contracts)
        if (cv.offer == static_cast<int>(o) && cv.start == s) lp.add(r, cv.column, static_cast<double>(offer.block_gpus));
    }
  }

  // Minimum commitment: x in {0} or [min_blocks, max_blocks].
  for (size_t c = 0; c < m.contracts.size(); ++c) {
    const auto& cv = m.contracts[c];
    if (cv.taken < 0) continue;
    const auto& offer = in.offers[static_cast<size_t>(cv.offer)];
    const double min_blocks = std::ceil(static_cast<double>(offer.min_gpus) / static_cast<double>(offer.block_gpus));
    const double max_blocks = lp.columns()[static_cast<size_t>(cv.column)].upper;
    const int lo = lp.add_row({fmt::format("minc_{}", c), 0, kInf, RowFamily::min_commit, cv.start, static_cast<int>(c)});
    lp.add(lo, cv.column, 1);
    lp.add(lo, cv.taken, -min_blocks);
    const int hi = lp.add_row({fmt::format("maxc_{}", c), -kInf, 0, RowFamily::min_commit, cv.start, static_cast<int>(c)});
    lp.add(hi, cv.column, 1);
    lp.add(hi, cv.taken, -max_blocks);
  }

  // Firm capacity (commitments + on-demand, drawn under spend commitments or not) in
  // reference GPUs, for share and N-1 rows (provider_of_pool above).

  if (in.max_provider_share < 1.0) {
    const double s = in.max_provider_share;
    for (size_t prov = 0; prov < sc.providers.size(); ++prov) {
      bool has = false;
      for (size_t pi = 0; pi < m.pools.size(); ++pi) has = has || provider_of_pool(pi) == static_cast<int>(prov);
      if (!has) continue;
      for (int t = 0; t < T; ++t) {
        const int r = lp.add_row({fmt::format("share_{}_{}", sc.providers[prov].name, t), -kInf, 0, RowFamily::share, t,
                                  static_cast<int>(prov)});
        double constant = 0;
        for (size_t pi = 0; pi < m.pools.size(); ++pi) {
          const double own = provider_of_pool(pi) == static_cast<int>(prov) ? 1.0 : 0.0;
          constant += add_held(r, pi, t, m.pools[pi].speed * (own - s), false);
        }
        lp.rows()[static_cast<size_t>(r)].upper = -constant;
      }
    }
  }

  // N-1: losing one domain (a provider, or a site) leaves n1_share of critical demand, overall
  // and in each jurisdiction the domain serves. subject = provider or (providers + site).
  if ((in.n1_providers || in.n1_sites) && in.n1_share > 0) {
    struct Domain {
      std::string name;
      int subject;
      std::vector<bool> pool_in;
    };
    std::vector<Domain> domains;
    if (in.n1_providers)
      for (size_t prov = 0; prov < sc.providers.size(); ++prov) {
        Domain d{"provider " + sc.providers[prov].name, static_cast<int>(prov), std::vector<bool>(m.pools.size())};
        for (size_t pi = 0; pi < m.pools.size(); ++pi) d.pool_in[pi] = provider_of_pool(pi) == static_cast<int>(prov);
        domains.push_back(std::move(d));
      }
    if (in.n1_sites)
      for (size_t s = 0; s < sc.sites.size(); ++s) {
        Domain d{"site " + sc.sites[s].name, static_cast<int>(sc.providers.size() + s), std::vector<bool>(m.pools.size())};
        for (size_t pi = 0; pi < m.pools.size(); ++pi) d.pool_in[pi] = m.pools[pi].site == static_cast<int>(s);
        domains.push_back(std::move(d));
      }
    for (const auto& d : domains) {
      bool any = false;
      std::vector<bool> touches(in.inference.size(), false);
      for (size_t pi = 0; pi < m.pools.size(); ++pi) {
        if (!d.pool_in[pi]) continue;
        any = true;
        const int j = jurisdiction_of_site(m.pools[pi].site);
        if (j >= 0) touches[static_cast<size_t>(j)] = true;
      }
      if (!any) continue;
      for (int t = 0; t < T; ++t) {
        const auto ti = static_cast<size_t>(t);
        double critical = in.training_critical_share * m.training_ref_gpus[ti];
        for (size_t j = 0; j < in.inference.size(); ++j) critical += in.inference[j].critical_share * m.inference_ref_gpus[j][ti];
        // scope -1: overall; scope j: jurisdiction j.
        for (int scope = -1; scope < static_cast<int>(in.inference.size()); ++scope) {
          double need = critical;
          if (scope >= 0) {
            if (!touches[static_cast<size_t>(scope)]) continue;
            need = in.inference[static_cast<size_t>(scope)].critical_share * m.inference_ref_gpus[static_cast<size_t>(scope)][ti];
          }
          need *= in.n1_share;
          if (need <= 0) continue;
          Row row{fmt::format("n1_{}_{}_{}", d.subject, scope, t), need, kInf, RowFamily::n1, t, d.subject};
          row.scope = scope;
          const int r = lp.add_row(std::move(row));
          double constant = 0;
          for (size_t pi = 0; pi < m.pools.size(); ++pi) {
            if (d.pool_in[pi]) continue;
            if (scope >= 0 && jurisdiction_of_site(m.pools[pi].site) != scope) continue;
            constant += add_held(r, pi, t, m.pools[pi].speed, false);
          }
          lp.rows()[static_cast<size_t>(r)].lower = need - constant;
        }
      }
    }
  }

  // Budget per plan year (undiscounted spend inside the year, $M).
  const int periods_per_year = per_year;
  for (size_t y = 0; y < in.budget_usd_per_year.size(); ++y) {
    const double budget = in.budget_usd_per_year[y];
    const int first = static_cast<int>(y) * periods_per_year;
    if (budget <= 0 || first >= horizon) continue;
    const int last = std::min(horizon, first + periods_per_year);
    const int r = lp.add_row({fmt::format("budget_{}", y), -kInf, 0, RowFamily::budget, first, static_cast<int>(y)});
    std::vector<double> coef(m.contracts.size(), 0.0), end_coef(sc.contracts.size(), 0.0);
    double constant = 0;
    for (int t = first; t < last; ++t) {
      const auto ti = static_cast<size_t>(t);
      for (size_t c = 0; c < m.contracts.size(); ++c) {
        const auto& cv = m.contracts[c];
        if (t < cv.start || t >= cv.end_period) continue;
        const auto& offer = in.offers[static_cast<size_t>(cv.offer)];
        const Pool& p = m.pools[static_cast<size_t>(pool_of.at({offer.site, offer.accelerator}))];
        coef[c] += static_cast<double>(offer.block_gpus) *
                   (contract_var_usd_per_gpu(in, cv, t) + p.held_energy_usd_per_gpu_hour * m.hours[ti] * contract_var_cover(in, cv, t)) * scale;
      }
      for (const auto& f : m.spend_families)
        for (const auto& d : f.draws)
          if (d.period == t)
            lp.add(r, d.column, (d.usd_per_gpu_hour + m.pools[static_cast<size_t>(d.pool)].held_energy_usd_per_gpu_hour) * m.hours[ti] * scale);
      for (const auto& p : m.pools) {
        if (p.od[ti] >= 0) lp.add(r, p.od[ti], (p.on_demand_usd + p.held_energy_usd_per_gpu_hour) * m.hours[ti] * scale);
        if (p.spot[ti] >= 0) lp.add(r, p.spot[ti], (p.spot_usd + p.held_energy_usd_per_gpu_hour) * m.hours[ti] * scale);
        if (p.busy_energy_usd_per_gpu_hour > 0) {
          lp.add(r, p.train[ti], p.busy_energy_usd_per_gpu_hour * m.hours[ti] * scale);
          if (p.inf[ti] >= 0) lp.add(r, p.inf[ti], p.busy_energy_usd_per_gpu_hour * m.hours[ti] * scale);
        }
        constant += p.existing_gpus[ti] * p.held_energy_usd_per_gpu_hour * m.hours[ti] * scale;
      }
      for (size_t c = 0; c < sc.contracts.size(); ++c) {
        const Contract& k = sc.contracts[c];
        const ExistingContract& e = m.existing[c];
        constant += e.gpus[ti] * e.usd_per_gpu_hour[ti] * k.take_or_pay_share * m.hours[ti] * scale;
        if (e.above_share[ti] >= 0) lp.add(r, e.above_share[ti], e.usd_per_gpu_hour[ti] * m.hours[ti] * scale);
        if (e.end >= 0) end_coef[c] -= e.gpus_after_end[ti] * (e.usd_per_gpu_hour[ti] * k.take_or_pay_share +
                                                              m.pools[static_cast<size_t>(e.pool)].held_energy_usd_per_gpu_hour) * m.hours[ti] * scale;
      }
    }
    // Termination fees and spend shortfalls due inside the year.
    for (size_t c = 0; c < sc.contracts.size(); ++c) {
      const ExistingContract& e = m.existing[c];
      if (e.end < 0) continue;
      if (e.end_period >= first && e.end_period < last) end_coef[c] += sc.contracts[c].termination->fee_usd * scale;
      if (end_coef[c] != 0) lp.add(r, e.end, end_coef[c]);
    }
    for (const auto& inst : m.spend_instances)
      for (size_t k = 0; k < inst.shortfall.size(); ++k)
        if (inst.due_period[k] >= first && inst.due_period[k] < last) lp.add(r, inst.shortfall[k], inst.deal.shortfall_share);
    for (size_t c = 0; c < m.contracts.size(); ++c)
      if (coef[c] != 0) lp.add(r, m.contracts[c].column, coef[c]);
    lp.rows()[static_cast<size_t>(r)].upper = budget * scale - constant;
  }

  // The fixed cost of existing contracts (take-or-pay share of capacity) and of their energy.
  if (!options.elastic) {
    for (int t = options.futures_price_horizon ? horizon : 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      for (size_t c = 0; c < sc.contracts.size(); ++c) {
        const ExistingContract& e = m.existing[c];
        const double pv_hours = m.modelled_hours[ti] * m.modelled_discount[ti] * scale;
        lp.objective_offset += e.gpus[ti] * e.usd_per_gpu_hour[ti] * sc.contracts[c].take_or_pay_share * pv_hours;
        // Exercising a termination saves the take-or-pay and energy after it.
        if (e.end >= 0)
          lp.columns()[static_cast<size_t>(e.end)].cost -=
              e.gpus_after_end[ti] *
              (e.usd_per_gpu_hour[ti] * sc.contracts[c].take_or_pay_share + m.pools[static_cast<size_t>(e.pool)].held_energy_usd_per_gpu_hour) *
              pv_hours;
      }
      for (const auto& p : m.pools)
        lp.objective_offset += p.existing_gpus[ti] * p.held_energy_usd_per_gpu_hour * m.modelled_hours[ti] * m.modelled_discount[ti] * scale;
    }
    for (size_t c = 0; c < sc.contracts.size(); ++c) {
      const ExistingContract& e = m.existing[c];
      if (e.end >= 0)
        lp.columns()[static_cast<size_t>(e.end)].cost +=
            sc.contracts[c].termination->fee_usd * m.discount[static_cast<size_t>(e.end_period)] * scale;
    }
  }

  // Elastic slack columns.
  m.slack_of_row.assign(lp.rows().size(), -1);
  if (options.elastic) {
    const size_t nrows = lp.rows().size();
    for (size_t r = 0; r < nrows; ++r) {
      const Row& row = lp.rows()[r];
      double w = elastic_weight(row.family);
      if (!options.elastic_only.empty())
        w = std::find(options.elastic_only.begin(), options.elastic_only.end(), row.family) != options.elastic_only.end() ? 1.0 : -1.0;
      if (w < 0) continue;
      // Equality (demand) rows: the slack is unmet demand; >= rows: shortfall; <= rows: excess.
      const double sign = std::isfinite(row.lower) ? 1.0 : -1.0;
      const int col = lp.add_column({"slack_" + row.name, 0, kInf, w, false});
      lp.add(static_cast<int>(r), col, sign);
      m.slack_of_row[r] = col;
    }
  }
  return m;
}

}  // namespace gpufleet::plan
