#include "plan/plan_solution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "util/time_parse.h"

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

double value(const std::vector<double>& x, int column) { return column < 0 ? 0.0 : x[u(column)]; }

int pool_of_offer(const PlanModel& m, const ContractOffer& offer) {
  for (size_t p = 0; p < m.pools.size(); ++p)
    if (m.pools[p].site == offer.site && m.pools[p].accelerator == offer.accelerator) return static_cast<int>(p);
  return -1;
}

}  // namespace

HeldCapacity held_capacity(const PlanInputs& in, const PlanModel& m, const std::vector<double>& x) {
  const size_t T = u(in.periods);
  HeldCapacity h;
  h.committed.assign(m.pools.size(), std::vector<double>(T, 0.0));
  h.spot.assign(m.pools.size(), std::vector<double>(T, 0.0));
  for (size_t p = 0; p < m.pools.size(); ++p)
    for (size_t t = 0; t < T; ++t) {
      h.committed[p][t] = m.pools[p].existing_gpus[t];
      h.spot[p][t] = value(x, m.pools[p].spot[t]);
    }
  for (const auto& e : m.existing)
    if (e.end >= 0)
      for (size_t t = 0; t < T; ++t) h.committed[u(e.pool)][t] -= e.gpus_after_end[t] * x[u(e.end)];
  for (const auto& cv : m.contracts) {
    const double blocks = x[u(cv.column)];
    if (blocks <= 1e-9) continue;
    const auto& offer = in.offers[u(cv.offer)];
    const int p = pool_of_offer(m, offer);
    for (int t = cv.start; t < cv.end_period && t < in.periods; ++t)
      h.committed[u(p)][u(t)] += blocks * static_cast<double>(offer.block_gpus) * contract_var_cover(in, cv, t);
  }
  h.firm = h.committed;
  for (size_t p = 0; p < m.pools.size(); ++p)
    for (size_t t = 0; t < T; ++t) {
      h.firm[p][t] += value(x, m.pools[p].od[t]);
      for (int col : m.pools[p].draws[t]) h.firm[p][t] += x[u(col)];
    }
  return h;
}

void fill_plan_result(const PlanInputs& in, const PlanModel& m, const std::vector<double>& x, PlanResult& r) {
  const Scenario& sc = in.scenario;
  const int T = in.periods;
  const int per_year = 12 / in.period_months;
  const int years = (T + per_year - 1) / per_year;
  const HeldCapacity held = held_capacity(in, m, x);

  // Commitments.
  r.commitments.clear();
  r.commitments_beyond_horizon_usd = 0;
  r.energy_beyond_horizon_usd = 0;
  std::vector<CostBreakdown> by_year(u(years));
  std::vector<CostBreakdown> by_provider(sc.providers.size());
  for (int y = 0; y < years; ++y)
    by_year[u(y)].label = format_iso_date(in.period_start_unix_s[u(y * per_year)]).substr(0, 4);
  for (size_t p = 0; p < sc.providers.size(); ++p) by_provider[p].label = sc.providers[p].name;
  r.bill.clear();
  const auto line = [&](PlanCharge::Kind kind, int period, int provider, int site, int accelerator,
                        std::string commitment, double usd, double gpu_hours) {
    PlanCharge c;
    c.kind = kind;
    c.start_unix_s = in.period_start_unix_s[u(period)];
    c.end_unix_s = in.period_start_unix_s[u(period) + 1];
    c.provider = sc.providers[u(provider)].name;
    if (site >= 0) c.site = sc.sites[u(site)].name;
    if (accelerator >= 0) c.accelerator = sc.accelerators[u(accelerator)].name;
    c.commitment = std::move(commitment);
    c.usd = usd;
    c.gpu_hours = gpu_hours;
    r.bill.push_back(std::move(c));
  };
  const auto spend_name = [&](const SpendFamily& f) {
    return f.offer >= 0 ? in.spend_offers[u(f.offer)].name
                        : f.existing >= 0 ? sc.spend_commitments[u(f.existing)].name : std::string();
  };

  for (const auto& cv : m.contracts) {
    const double blocks = x[u(cv.column)];
    if (blocks <= 1e-6 || cv.in_tail) continue;
    const auto& offer = in.offers[u(cv.offer)];
    const auto& site = sc.sites[u(offer.site)];
    const double price = offer.terms[u(cv.term)].usd_per_gpu_hour;
    const double gpus = blocks * static_cast<double>(offer.block_gpus);
    Commitment c;
    c.offer = cv.offer;
    c.provider = sc.providers[u(site.provider)].name;
    c.site = site.name;
    c.accelerator = sc.accelerators[u(offer.accelerator)].name;
    c.start_period = cv.start;
    c.term_years = offer.terms[u(cv.term)].years;
    c.gpus = static_cast<int64_t>(std::llround(gpus));
    c.usd_per_gpu_hour = price;
    c.escalator_per_year = offer.escalator_per_year;
    c.start_unix_s = sc.start_unix_s + static_cast<int64_t>(cv.from_s);
    c.end_unix_s = sc.start_unix_s + static_cast<int64_t>(cv.to_s);
    c.ref_gpus = static_cast<double>(c.gpus) * sc.accelerators[u(offer.accelerator)].speed_factor;
    for (int t = cv.start; t < cv.end_period; ++t) {
      const double usd = gpus * contract_var_usd_per_gpu(in, cv, t);
      c.total_usd += usd;
      c.present_value_usd += usd * period_discount(in, t);
      if (t >= T) {
        r.commitments_beyond_horizon_usd += usd;
        // Beyond the modelled periods no demand is known: the GPUs held are taken as busy (at
        // full power), what they were bought for.
        const Pool& pool = m.pools[u(pool_of_offer(m, offer))];
        r.energy_beyond_horizon_usd += gpus * (pool.held_energy_usd_per_gpu_hour + pool.busy_energy_usd_per_gpu_hour) *
                                       m.hours[u(t)] * contract_var_cover(in, cv, t);
      } else {
        by_year[u(t / per_year)].commitments_usd += usd;
        by_provider[u(site.provider)].commitments_usd += usd;
        line(PlanCharge::Kind::contract, t, site.provider, offer.site, offer.accelerator,
             fmt::format("{}/{} {}y from {}", site.name, c.accelerator, c.term_years, period_label(in, cv.start)), usd,
             gpus * m.hours[u(t)] * contract_var_cover(in, cv, t));
      }
    }
    r.commitments.push_back(std::move(c));
  }
  // Spend commitments: what each instance drew and what its years' shortfalls bill.
  // Returns whether it fell inside the horizon (and so in cost_by_provider and the bill).
  auto book_spend = [&](int provider, int calendar_period, double usd) {
    if (calendar_period < T) {
      by_year[u(calendar_period / per_year)].commitments_usd += usd;
      by_provider[u(provider)].commitments_usd += usd;
      return true;
    } else if (calendar_period < (m.calendar_last.empty() ? 0 : m.calendar_last.back())) {
      r.after_horizon.commitments_usd += usd;
    } else {
      r.commitments_beyond_horizon_usd += usd;
    }
    return false;
  };
  r.after_horizon = CostBreakdown{};
  for (const auto& f : m.spend_families)
    for (const auto& d : f.draws) {
      const double usd = x[u(d.column)] * d.usd_per_gpu_hour * m.modelled_hours[u(d.period)];
      if (book_spend(f.provider, m.calendar_first[u(d.period)], usd) && usd != 0) {
        const Pool& pool = m.pools[u(d.pool)];
        line(PlanCharge::Kind::spend_drawn, m.calendar_first[u(d.period)], f.provider, pool.site, pool.accelerator,
             spend_name(f), usd, x[u(d.column)] * m.modelled_hours[u(d.period)]);
      }
    }
  for (const auto& inst : m.spend_instances) {
    const SpendFamily& f = m.spend_families[u(inst.family)];
    const double taken = inst.taken >= 0 ? x[u(inst.taken)] : 1.0;
    if (taken <= 1e-6) continue;
    Commitment c;
    c.kind = Commitment::Kind::spend;
    c.offer = f.offer;
    c.provider = sc.providers[u(f.provider)].name;
    c.start_period = inst.start;
    c.start_unix_s = sc.start_unix_s + static_cast<int64_t>(inst.deal.start_s);
    c.end_unix_s = sc.start_unix_s + static_cast<int64_t>(inst.deal.end_s);
    c.discount = inst.deal.discount;
    c.escalator_per_year = inst.deal.escalator_per_year;
    for (size_t k = 0; k < inst.shortfall.size(); ++k) {
      double spent = 0;
      for (const auto& [d, part] : inst.year_draws[k])
        spent += part * x[u(f.draws[u(d)].column)] * f.draws[u(d)].usd_per_gpu_hour * m.modelled_hours[u(f.draws[u(d)].period)];
      const double committed = inst.committed_usd[k] * taken;
      const double shortfall = spend_shortfall_usd(inst.deal, committed, spent);
      c.commit_usd += committed;
      c.spent_usd += spent;
      c.shortfall_usd += shortfall;
      if (book_spend(f.provider, inst.due_period[k], shortfall) && shortfall != 0) {
        // Billed at the end of the period the commitment year ends in.
        line(PlanCharge::Kind::spend_shortfall, inst.due_period[k], f.provider, -1, -1, spend_name(f), shortfall, 0);
        r.bill.back().start_unix_s = r.bill.back().end_unix_s - 1;
        r.bill.back().end_unix_s = r.bill.back().start_unix_s;
      }
    }
    c.total_usd = c.spent_usd + c.shortfall_usd;
    if (f.offer < 0) continue;  // an existing commitment: billed above, not a new commitment
    c.term_years = in.spend_offers[u(f.offer)].years;
    r.commitments.push_back(std::move(c));
  }
  // Early terminations: the option of each existing contract, the fee where exercised.
  r.terminations.clear();
  for (size_t k = 0; k < sc.contracts.size(); ++k) {
    const Contract& c = sc.contracts[k];
    if (!c.termination) continue;
    TerminationChoice choice;
    choice.contract = c.name;
    choice.at = format_iso_date(sc.start_unix_s + static_cast<int64_t>(c.termination->at_s));
    choice.fee_usd = c.termination->fee_usd;
    const ExistingContract& e = m.existing[k];
    choice.decided_by_plan = e.end >= 0;
    choice.exercised = c.termination->exercised || (e.end >= 0 && x[u(e.end)] > 0.5);
    if (choice.exercised && c.termination->at_s < period_start_s(in, T)) {
      int at = 0;
      while (at + 1 < T && period_start_s(in, at + 1) <= c.termination->at_s) ++at;
      if (book_spend(c.provider, at, c.termination->fee_usd)) {
        line(PlanCharge::Kind::termination_fee, at, c.provider, -1, -1, c.name, c.termination->fee_usd, 0);
        r.bill.back().start_unix_s = r.bill.back().end_unix_s = sc.start_unix_s + static_cast<int64_t>(c.termination->at_s);
      }
    }
    r.terminations.push_back(std::move(choice));
  }
  std::sort(r.commitments.begin(), r.commitments.end(), [](const Commitment& a, const Commitment& b) {
    return std::tie(a.start_period, a.provider, a.site, a.accelerator, a.term_years) <
           std::tie(b.start_period, b.provider, b.site, b.accelerator, b.term_years);
  });

  // Existing contracts (an exercised termination applied), markets and energy.
  auto existing_gpus = [&](size_t k, int t) {
    const ExistingContract& e = m.existing[k];
    return e.gpus[u(t)] - (e.end >= 0 ? e.gpus_after_end[u(t)] * x[u(e.end)] : 0.0);
  };
  r.existing_contract_usd.assign(sc.contracts.size(), 0.0);
  r.existing_contract_present_usd.assign(sc.contracts.size(), 0.0);
  for (int t = 0; t < T; ++t) {
    const double h = m.hours[u(t)];
    for (size_t k = 0; k < sc.contracts.size(); ++k) {
      const Contract& c = sc.contracts[k];
      const double g = existing_gpus(k, t);
      const double used = c.take_or_pay_share * g + value(x, m.existing[k].above_share[u(t)]);
      const double usd = contract_usd_per_hour(m.existing[k].usd_per_gpu_hour[u(t)], c.take_or_pay_share, g, used) * h;
      by_year[u(t / per_year)].commitments_usd += usd;
      by_provider[u(c.provider)].commitments_usd += usd;
      r.existing_contract_usd[k] += usd;
      r.existing_contract_present_usd[k] += usd * m.discount[u(t)];
      if (usd != 0) line(PlanCharge::Kind::contract, t, c.provider, c.site, c.accelerator, c.name, usd, std::max(c.take_or_pay_share * g, used) * h);
    }
    for (size_t p = 0; p < m.pools.size(); ++p) {
      const Pool& pool = m.pools[p];
      const int prov = sc.sites[u(pool.site)].provider;
      const double od = value(x, pool.od[u(t)]), spot = value(x, pool.spot[u(t)]);
      double drawn = 0;
      for (int col : pool.draws[u(t)]) drawn += x[u(col)];
      const double busy = value(x, pool.train[u(t)]) + value(x, pool.inf[u(t)]);
      const double energy = ((held.committed[p][u(t)] + od + drawn + spot) * pool.held_energy_usd_per_gpu_hour +
                             busy * pool.busy_energy_usd_per_gpu_hour) * h;
      for (auto* b : {&by_year[u(t / per_year)], &by_provider[u(prov)]}) {
        b->on_demand_usd += od * pool.on_demand_usd * h;
        b->spot_usd += spot * pool.spot_usd * h;
        b->energy_usd += energy;
      }
      if (od * pool.on_demand_usd != 0)
        line(PlanCharge::Kind::on_demand, t, prov, pool.site, pool.accelerator, "", od * pool.on_demand_usd * h, od * h);
      if (spot * pool.spot_usd != 0)
        line(PlanCharge::Kind::spot, t, prov, pool.site, pool.accelerator, "", spot * pool.spot_usd * h, spot * h);
      if (energy != 0)
        line(PlanCharge::Kind::energy, t, prov, pool.site, pool.accelerator, "", energy,
             (held.committed[p][u(t)] + od + drawn + spot) * h);
    }
  }
  // After the horizon: the modelled tail's spend, one period per year.
  r.after_horizon.label = m.tail_periods > 0 ? fmt::format("{} years", m.tail_periods) : "";
  for (int t = T; t < T + m.tail_periods; ++t) {
    const double h = m.modelled_hours[u(t)];
    const int first = m.calendar_first[u(t)], last = m.calendar_last[u(t)];
    std::vector<double> committed(m.pools.size());
    for (size_t p = 0; p < m.pools.size(); ++p) committed[p] = m.pools[p].existing_gpus[u(t)];
    for (size_t k = 0; k < sc.contracts.size(); ++k) committed[u(m.existing[k].pool)] -= m.existing[k].gpus[u(t)] - existing_gpus(k, t);
    for (const auto& cv : m.contracts) {
      const auto& offer = in.offers[u(cv.offer)];
      const double gpus = x[u(cv.column)] * static_cast<double>(offer.block_gpus);
      for (int c = std::max(first, cv.start); c < std::min(last, cv.end_period); ++c) {
        committed[u(pool_of_offer(m, offer))] += gpus * m.hours[u(c)] * contract_var_cover(in, cv, c) / h;
        r.after_horizon.commitments_usd += gpus * contract_var_usd_per_gpu(in, cv, c);
      }
    }
    for (size_t k = 0; k < sc.contracts.size(); ++k) {
      const Contract& c = sc.contracts[k];
      const double g = existing_gpus(k, t);
      const double used = c.take_or_pay_share * g + value(x, m.existing[k].above_share[u(t)]);
      r.after_horizon.commitments_usd += contract_usd_per_hour(m.existing[k].usd_per_gpu_hour[u(t)], c.take_or_pay_share, g, used) * h;
    }
    for (size_t p = 0; p < m.pools.size(); ++p) {
      const Pool& pool = m.pools[p];
      const double od = value(x, pool.od[u(t)]), spot = value(x, pool.spot[u(t)]);
      double drawn = 0;
      for (int col : pool.draws[u(t)]) drawn += x[u(col)];
      r.after_horizon.on_demand_usd += od * pool.on_demand_usd * h;
      r.after_horizon.spot_usd += spot * pool.spot_usd * h;
      const double busy = value(x, pool.train[u(t)]) + value(x, pool.inf[u(t)]);
      r.after_horizon.energy_usd +=
          ((committed[p] + od + drawn + spot) * pool.held_energy_usd_per_gpu_hour + busy * pool.busy_energy_usd_per_gpu_hour) * h;
    }
  }
  r.cost_by_year = std::move(by_year);
  r.cost_by_provider = std::move(by_provider);

  // Periods.
  r.periods.clear();
  for (int t = 0; t < T; ++t) {
    const auto ti = u(t);
    PlanPeriod row;
    row.label = period_label(in, t);
    row.training_ref_gpus = m.training_ref_gpus[ti];
    for (const auto& d : in.inference) row.inference_ref_gpus += d.ref_gpus[ti];
    double used_committed = 0;
    row.committed_ref_gpus_by_provider.assign(sc.providers.size(), 0.0);
    row.committed_ref_gpus_by_site.assign(sc.sites.size(), 0.0);
    row.power_mw_by_site.assign(sc.sites.size(), 0.0);
    for (size_t p = 0; p < m.pools.size(); ++p) {
      const Pool& pool = m.pools[p];
      const double committed = held.committed[p][ti];
      row.committed_ref_gpus += committed * pool.speed;
      row.committed_ref_gpus_by_provider[u(sc.sites[u(pool.site)].provider)] += committed * pool.speed;
      row.committed_ref_gpus_by_site[u(pool.site)] += committed * pool.speed;
      double drawn = 0;
      for (int col : pool.draws[ti]) drawn += x[u(col)];
      row.power_mw_by_site[u(pool.site)] +=
          (committed + value(x, pool.od[ti]) + drawn + value(x, pool.spot[ti])) * pool.mw_per_gpu;
      row.on_demand_ref_gpus += (value(x, pool.od[ti]) + drawn) * pool.speed;
      row.spend_ref_gpus += drawn * pool.speed;
      row.spot_ref_gpus += value(x, pool.spot[ti]) * pool.speed;
      const double used = value(x, pool.train[ti]) + value(x, pool.inf[ti]);
      used_committed += std::min(committed, used) * pool.speed;
      row.power_mw += (committed + value(x, pool.od[ti]) + drawn + value(x, pool.spot[ti])) * pool.mw_per_gpu;
    }
    row.utilisation = row.committed_ref_gpus > 0 ? std::min(1.0, used_committed / row.committed_ref_gpus) : 0.0;
    r.periods.push_back(std::move(row));
  }

  // Shares of firm capacity (reference GPUs).
  auto shares = [&](auto group_of_pool, const std::vector<std::string>& names) {
    std::vector<ShareRow> rows(names.size());
    for (size_t g = 0; g < names.size(); ++g) rows[g].name = names[g];
    for (int t = 0; t < T; ++t) {
      std::vector<double> part(names.size(), 0.0);
      double total = 0;
      for (size_t p = 0; p < m.pools.size(); ++p) {
        const double f = held.firm[p][u(t)] * m.pools[p].speed;
        part[u(group_of_pool(p))] += f;
        total += f;
      }
      if (total <= 0) continue;
      for (size_t g = 0; g < names.size(); ++g) {
        const double s = part[g] / total;
        if (s > rows[g].max_share) {
          rows[g].max_share = s;
          rows[g].max_period = period_label(in, t);
        }
        if (t == T - 1) rows[g].final_share = s;
      }
    }
    return rows;
  };
  std::vector<std::string> provider_names;
  for (const auto& p : sc.providers) provider_names.push_back(p.name);
  r.provider_shares = shares([&](size_t p) { return sc.sites[u(m.pools[p].site)].provider; }, provider_names);
  std::vector<std::string> jnames;
  for (const auto& s : sc.sites)
    if (std::find(jnames.begin(), jnames.end(), s.jurisdiction) == jnames.end()) jnames.push_back(s.jurisdiction);
  r.jurisdiction_shares = shares(
      [&](size_t p) {
        return static_cast<int>(std::find(jnames.begin(), jnames.end(), sc.sites[u(m.pools[p].site)].jurisdiction) - jnames.begin());
      },
      jnames);

  // Resilience: for every provider and site, the tightest period (overall and per jurisdiction).
  r.resilience.clear();
  auto check_domain = [&](const std::string& kind, const std::string& name, auto in_domain) {
    ResilienceRow best;
    best.kind = kind;
    best.name = name;
    double best_ratio = std::numeric_limits<double>::infinity();
    bool touches = false;
    for (size_t p = 0; p < m.pools.size(); ++p) touches = touches || in_domain(p);
    if (!touches) return;
    for (int t = 0; t < T; ++t) {
      const auto ti = u(t);
      double critical = in.training_critical_share * m.training_ref_gpus[ti];
      for (const auto& d : in.inference) critical += d.critical_share * d.ref_gpus[ti];
      for (int scope = -1; scope < static_cast<int>(in.inference.size()); ++scope) {
        double need = critical;
        if (scope >= 0) need = in.inference[u(scope)].critical_share * in.inference[u(scope)].ref_gpus[ti];
        double remaining = 0;
        bool scope_touched = scope < 0;
        for (size_t p = 0; p < m.pools.size(); ++p) {
          const bool in_scope = scope < 0 || sc.sites[u(m.pools[p].site)].jurisdiction == in.inference[u(scope)].jurisdiction;
          if (!in_scope) continue;
          if (in_domain(p)) {
            scope_touched = true;
            continue;
          }
          remaining += held.firm[p][ti] * m.pools[p].speed;
        }
        if (!scope_touched || need <= 0) continue;
        const double ratio = remaining / need;
        if (ratio < best_ratio) {
          best_ratio = ratio;
          best.period = period_label(in, t) + (scope >= 0 ? " " + in.inference[u(scope)].jurisdiction + " inference" : "");
          best.remaining_ref_gpus = remaining;
          best.critical_ref_gpus = need;
          best.required_ref_gpus = need * in.n1_share;
        }
      }
    }
    if (!std::isfinite(best_ratio)) return;
    best.ok = best.remaining_ref_gpus + 1e-6 * std::max(1.0, best.required_ref_gpus) >= best.required_ref_gpus;
    r.resilience.push_back(std::move(best));
  };
  for (size_t prov = 0; prov < sc.providers.size(); ++prov)
    check_domain("provider", sc.providers[prov].name,
                 [&](size_t p) { return sc.sites[u(m.pools[p].site)].provider == static_cast<int>(prov); });
  for (size_t s = 0; s < sc.sites.size(); ++s)
    check_domain("site", sc.sites[s].name, [&](size_t p) { return m.pools[p].site == static_cast<int>(s); });
}

}  // namespace gpufleet::plan
