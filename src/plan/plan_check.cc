#include "plan/plan_check.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace gpufleet::plan {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }
double val(const std::vector<double>& x, int c) { return c < 0 ? 0.0 : x[u(c)]; }

// a <= b within a relative tolerance.
bool le(double a, double b) { return a <= b + 1e-6 * std::max({1.0, std::abs(a), std::abs(b)}); }

}  // namespace

std::vector<std::string> check_plan(const PlanInputs& in, const PlanModel& m, const std::vector<double>& x, bool relaxed) {
  std::vector<std::string> bad;
  const Scenario& sc = in.scenario;
  const int T = in.periods;
  auto label = [&](int t) { return period_label(in, t); };
  auto report = [&](std::string s) {
    if (bad.size() < 50) bad.push_back(std::move(s));
  };

  // Bounds and integrality of every column.
  for (size_t c = 0; c < m.lp.columns().size(); ++c) {
    const auto& col = m.lp.columns()[c];
    if (!le(col.lower, x[c]) || !le(x[c], col.upper)) report(fmt::format("{} = {} outside [{}, {}]", col.name, x[c], col.lower, col.upper));
    if (col.integer && !relaxed && std::abs(x[c] - std::round(x[c])) > 1e-6) report(fmt::format("{} = {} is not whole", col.name, x[c]));
  }

  // Capacity held per (site, accelerator, period), recomputed from the contracts.
  const size_t P = m.pools.size();
  std::vector<std::vector<double>> committed(P, std::vector<double>(u(T), 0.0));
  auto pool_at = [&](int site, int acc) {
    for (size_t p = 0; p < P; ++p)
      if (m.pools[p].site == site && m.pools[p].accelerator == acc) return static_cast<int>(p);
    return -1;
  };
  // GPUs drawn under spend commitments per pool and period.
  std::vector<std::vector<double>> drawn(P, std::vector<double>(u(T), 0.0));
  for (size_t p = 0; p < P; ++p)
    for (int t = 0; t < T; ++t)
      for (int col : m.pools[p].draws[u(t)]) drawn[p][u(t)] += x[u(col)];
  // Existing contracts: mean GPUs per period, and the part above each one's take-or-pay share.
  std::vector<std::vector<double>> existing(sc.contracts.size(), std::vector<double>(u(T), 0.0));
  std::vector<std::vector<double>> unpaid(P, std::vector<double>(u(T), 0.0));
  std::vector<std::vector<double>> existing_price(sc.contracts.size(), std::vector<double>(u(T), 0.0));
  for (size_t k = 0; k < sc.contracts.size(); ++k) {
    Contract c = sc.contracts[k];
    // A termination the plan exercises ends the contract at its date.
    if (m.existing[k].end >= 0 && x[u(m.existing[k].end)] > 0.5) c.termination->exercised = true;
    const int p = pool_at(c.site, c.accelerator);
    for (int t = 0; t < T && p >= 0; ++t) {
      const double from = static_cast<double>(in.period_start_unix_s[u(t)] - sc.start_unix_s);
      const double to = static_cast<double>(in.period_start_unix_s[u(t) + 1] - sc.start_unix_s);
      existing[k][u(t)] = c.average_gpus(from, to);
      existing_price[k][u(t)] = existing[k][u(t)] > 0 ? contract_capacity_usd(c, from, to, sc.start_unix_s) /
                                                            (existing[k][u(t)] * (to - from) / 3600.0)
                                                      : 0.0;
      committed[u(p)][u(t)] += existing[k][u(t)];
      unpaid[u(p)][u(t)] += (1.0 - c.take_or_pay_share) * existing[k][u(t)];
    }
  }
  // Contract bill per hour of existing contracts in period t: each pool's use beyond what is
  // paid for anyway (new contracts, take-or-pay shares, on-demand, spot) goes to the cheapest
  // unpaid contract GPUs first.
  auto existing_usd_per_hour = [&](int t) {
    double usd = 0;
    for (size_t p = 0; p < P; ++p) {
      const Pool& pool = m.pools[p];
      const double use = val(x, pool.train[u(t)]) + val(x, pool.inf[u(t)]);
      double above = std::max(0.0, use - (committed[p][u(t)] - unpaid[p][u(t)]) - val(x, pool.od[u(t)]) - drawn[p][u(t)] -
                                       val(x, pool.spot[u(t)]));
      std::vector<size_t> here;
      for (size_t k = 0; k < sc.contracts.size(); ++k)
        if (pool_at(sc.contracts[k].site, sc.contracts[k].accelerator) == static_cast<int>(p)) here.push_back(k);
      std::sort(here.begin(), here.end(), [&](size_t a, size_t b) { return existing_price[a][u(t)] < existing_price[b][u(t)]; });
      for (size_t k : here) {
        const auto& c = sc.contracts[k];
        const double cap = existing[k][u(t)];
        const double extra = std::min(above, (1.0 - c.take_or_pay_share) * cap);
        above -= extra;
        usd += contract_usd_per_hour(existing_price[k][u(t)], c.take_or_pay_share, cap, c.take_or_pay_share * cap + extra);
      }
    }
    return usd;
  };
  std::vector<std::vector<double>> new_per_start(in.offers.size(), std::vector<double>(u(T), 0.0));
  for (const auto& cv : m.contracts) {
    if (cv.in_tail) continue;  // after the horizon: the end treatment's, not the plan's
    const auto& offer = in.offers[u(cv.offer)];
    const double gpus = x[u(cv.column)] * static_cast<double>(offer.block_gpus);
    const int p = pool_at(offer.site, offer.accelerator);
    for (int t = cv.start; t < std::min(T, cv.end_period); ++t) committed[u(p)][u(t)] += gpus * contract_var_cover(in, cv, t);
    new_per_start[u(cv.offer)][u(cv.start)] += gpus;
    // The builder's bound on blocks is a safety margin (twice what any plan needs) unless a
    // ramp limit or site power sets it: a plan that reaches it may be cut off.
    const double upper = m.lp.columns()[u(cv.column)].upper;
    if (!cv.bound_is_physical && x[u(cv.column)] >= upper - 1e-6)
      report(fmt::format("offer {} in {}: {} blocks reach the model's bound; the plan may be cut off (a planner bug)",
                         offer.name, label(cv.start), x[u(cv.column)]));
    if (gpus > 1e-6 && offer.min_gpus > 0 && !relaxed && !le(static_cast<double>(offer.min_gpus), gpus))
      report(fmt::format("offer {} in {}: a contract of {} GPUs is below the minimum {}", offer.name, label(cv.start), gpus, offer.min_gpus));
    if (cv.start < offer.earliest_period && gpus > 1e-6)
      report(fmt::format("offer {}: starts in {} before its earliest period", offer.name, label(cv.start)));
  }

  for (int t = 0; t < T; ++t) {
    const auto ti = u(t);
    // Allocation within what is held; spot carries training only.
    double train_ref = 0, spot_ref = 0;
    std::vector<double> inf_ref(in.inference.size(), 0.0);
    for (size_t p = 0; p < P; ++p) {
      const Pool& pool = m.pools[p];
      const double train = val(x, pool.train[ti]), inf = val(x, pool.inf[ti]);
      const double od = val(x, pool.od[ti]) + drawn[p][ti], spot = val(x, pool.spot[ti]);
      if (!le(train + inf, committed[p][ti] + od + spot))
        report(fmt::format("{}: {} {} uses {} GPUs but holds {}", label(t), sc.sites[u(pool.site)].name,
                           sc.accelerators[u(pool.accelerator)].name, train + inf, committed[p][ti] + od + spot));
      if (!pool.draws[ti].empty() && pool.od[ti] >= 0 && !le(od, m.lp.columns()[u(pool.od[ti])].upper))
        report(fmt::format("{}: {} {} buys {} GPUs on demand (spend commitments included), the market has {}", label(t),
                           sc.sites[u(pool.site)].name, sc.accelerators[u(pool.accelerator)].name, od,
                           m.lp.columns()[u(pool.od[ti])].upper));
      if (!le(spot, train)) report(fmt::format("{}: spot at {} carries inference", label(t), sc.sites[u(pool.site)].name));
      const auto& site = sc.sites[u(pool.site)];
      const double speed = sc.accelerators[u(pool.accelerator)].speed_factor;
      train_ref += train * speed;
      spot_ref += spot * speed;
      for (size_t j = 0; j < in.inference.size(); ++j)
        if (site.jurisdiction == in.inference[j].jurisdiction) inf_ref[j] += inf * speed;
    }
    const double dt = in.training_ref_gpu_hours[ti] / period_hours(in, t);
    if (!le(dt, train_ref) || !le(train_ref, dt)) report(fmt::format("{}: training gets {} reference GPUs, demand is {}", label(t), train_ref, dt));
    for (size_t j = 0; j < in.inference.size(); ++j) {
      const double d = in.inference[j].ref_gpus[ti];
      if (!le(d, inf_ref[j])) report(fmt::format("{}: {} inference gets {} reference GPUs, demand is {}", label(t), in.inference[j].jurisdiction, inf_ref[j], d));
    }
    if (!le(spot_ref, (1 - in.training_critical_share) * dt))
      report(fmt::format("{}: {} reference GPUs of spot exceed the non-critical training {}", label(t), spot_ref, (1 - in.training_critical_share) * dt));

    // Power per site.
    for (size_t s = 0; s < sc.sites.size(); ++s) {
      const auto& site = sc.sites[s];
      if (site.power_cap_mw <= 0) continue;
      double mw = 0;
      for (size_t p = 0; p < P; ++p) {
        if (m.pools[p].site != static_cast<int>(s)) continue;
        const double gpus = committed[p][ti] + val(x, m.pools[p].od[ti]) + drawn[p][ti] + val(x, m.pools[p].spot[ti]);
        mw += gpus * sc.accelerators[u(m.pools[p].accelerator)].board_power_w * site.pue * 1e-6;
      }
      if (!le(mw, site.power_cap_mw)) report(fmt::format("{}: {} draws {:.3f} MW, cap {:.3f} MW", label(t), site.name, mw, site.power_cap_mw));
    }

    // Ramp.
    for (size_t o = 0; o < in.offers.size(); ++o) {
      const auto& offer = in.offers[o];
      if (offer.ramp_gpus_per_period > 0 && !le(new_per_start[o][ti], static_cast<double>(offer.ramp_gpus_per_period)))
        report(fmt::format("{}: offer {} starts {} GPUs, ramp limit {}", label(t), offer.name, new_per_start[o][ti], offer.ramp_gpus_per_period));
    }

    // Firm capacity per pool (reference GPUs): share cap and N-1.
    std::vector<double> firm(P);
    double total = 0;
    for (size_t p = 0; p < P; ++p) {
      firm[p] = (committed[p][ti] + val(x, m.pools[p].od[ti]) + drawn[p][ti]) * sc.accelerators[u(m.pools[p].accelerator)].speed_factor;
      total += firm[p];
    }
    if (in.max_provider_share < 1.0) {
      for (size_t prov = 0; prov < sc.providers.size(); ++prov) {
        double own = 0;
        for (size_t p = 0; p < P; ++p)
          if (sc.sites[u(m.pools[p].site)].provider == static_cast<int>(prov)) own += firm[p];
        if (!le(own, in.max_provider_share * total))
          report(fmt::format("{}: {} holds {:.2f}% of firm capacity, cap {:.2f}%", label(t), sc.providers[prov].name,
                             100 * own / total, 100 * in.max_provider_share));
      }
    }
    if ((in.n1_providers || in.n1_sites) && in.n1_share > 0) {
      double critical = in.training_critical_share * dt;
      for (const auto& d : in.inference) critical += d.critical_share * d.ref_gpus[ti];
      auto check_loss = [&](const std::string& name, auto lost) {
        bool touched = false;
        double rest = 0;
        for (size_t p = 0; p < P; ++p) {
          if (lost(p)) touched = true;
          else rest += firm[p];
        }
        if (!touched) return;
        if (!le(in.n1_share * critical, rest))
          report(fmt::format("{}: without {} {:.1f} reference GPUs remain, {:.1f} needed", label(t), name, rest, in.n1_share * critical));
        for (const auto& d : in.inference) {
          bool here = false;
          double rest_j = 0;
          for (size_t p = 0; p < P; ++p) {
            if (sc.sites[u(m.pools[p].site)].jurisdiction != d.jurisdiction) continue;
            if (lost(p)) here = true;
            else rest_j += firm[p];
          }
          if (here && !le(in.n1_share * d.critical_share * d.ref_gpus[ti], rest_j))
            report(fmt::format("{}: without {} {:.1f} reference GPUs remain in {}, {:.1f} needed", label(t), name, rest_j,
                               d.jurisdiction, in.n1_share * d.critical_share * d.ref_gpus[ti]));
        }
      };
      if (in.n1_providers)
        for (size_t prov = 0; prov < sc.providers.size(); ++prov)
          check_loss("provider " + sc.providers[prov].name,
                     [&](size_t p) { return sc.sites[u(m.pools[p].site)].provider == static_cast<int>(prov); });
      if (in.n1_sites)
        for (size_t s = 0; s < sc.sites.size(); ++s)
          check_loss("site " + sc.sites[s].name, [&](size_t p) { return m.pools[p].site == static_cast<int>(s); });
    }
  }

  // Budget per plan year: everything paid inside the year.
  const int per_year = 12 / in.period_months;
  for (size_t y = 0; y < in.budget_usd_per_year.size(); ++y) {
    const double budget = in.budget_usd_per_year[y];
    if (budget <= 0) continue;
    double spend = 0;
    for (int t = static_cast<int>(y) * per_year; t < std::min(T, static_cast<int>(y + 1) * per_year); ++t) {
      const double h = period_hours(in, t);
      spend += existing_usd_per_hour(t) * h;
      for (const auto& cv : m.contracts) {
        const auto& offer = in.offers[u(cv.offer)];
        if (t < cv.start || t >= cv.end_period) continue;
        spend += x[u(cv.column)] * static_cast<double>(offer.block_gpus) * contract_var_usd_per_gpu(in, cv, t);
      }
      for (const auto& f : m.spend_families)
        for (const auto& d : f.draws)
          if (d.period == t) spend += x[u(d.column)] * d.usd_per_gpu_hour * h;
      for (size_t p = 0; p < P; ++p) {
        const Pool& pool = m.pools[p];
        const auto& site = sc.sites[u(pool.site)];
        const double od = val(x, pool.od[u(t)]), spot = val(x, pool.spot[u(t)]);
        spend += (od * pool.on_demand_usd + spot * pool.spot_usd) * h;
        if (in.bill_energy) {
          const GpuEnergyUsdPerHour e = gpu_energy_usd_per_hour(sc.accelerators[u(pool.accelerator)], site);
          const double busy = val(x, pool.train[u(t)]) + val(x, pool.inf[u(t)]);
          spend += ((committed[p][u(t)] + od + drawn[p][u(t)] + spot) * e.held + busy * e.busy_extra) * h;
        }
      }
    }
    // Spend shortfalls and termination fees due in the year.
    const int first = static_cast<int>(y) * per_year, last = std::min(T, static_cast<int>(y + 1) * per_year);
    for (const auto& inst : m.spend_instances)
      for (size_t k = 0; k < inst.shortfall.size(); ++k)
        if (inst.due_period[k] >= first && inst.due_period[k] < last) spend += inst.deal.shortfall_share * x[u(inst.shortfall[k])] * 1e6;
    for (size_t k = 0; k < sc.contracts.size(); ++k) {
      const auto& e = m.existing[k];
      if (e.end >= 0 && x[u(e.end)] > 0.5 && e.end_period >= first && e.end_period < last) spend += sc.contracts[k].termination->fee_usd;
    }
    if (!le(spend, budget)) report(fmt::format("plan year {}: spends ${:.0f}, budget ${:.0f}", y + 1, spend, budget));
  }
  // Spend commitments: draws only while an instance is taken, one in force per provider, and
  // each year's shortfall at least what was committed and not spent.
  for (const auto& f : m.spend_families) {
    for (const auto& d : f.draws) {
      if (x[u(d.column)] <= 1e-6) continue;
      double in_force = f.existing >= 0 ? 1.0 : 0.0;
      for (int i : f.instances) {
        const auto& inst = m.spend_instances[u(i)];
        const double from = static_cast<double>(in.period_start_unix_s[u(m.calendar_first[u(d.period)])] - sc.start_unix_s);
        if (inst.taken >= 0 && x[u(inst.taken)] > 0.5 && inst.deal.start_s <= from && from < inst.deal.end_s) in_force = 1.0;
      }
      if (in_force == 0)
        report(fmt::format("{}: draws {} GPUs under a spend commitment of {} that is not in force",
                           modelled_period_label(in, m, d.period), x[u(d.column)], sc.providers[u(f.provider)].name));
    }
  }
  for (size_t i = 0; i < m.spend_instances.size(); ++i) {
    const auto& inst = m.spend_instances[i];
    const auto& f = m.spend_families[u(inst.family)];
    const double taken = inst.taken >= 0 ? x[u(inst.taken)] : 1.0;
    for (size_t j = i + 1; j < m.spend_instances.size(); ++j) {
      const auto& other = m.spend_instances[j];
      const double other_taken = other.taken >= 0 ? x[u(other.taken)] : 1.0;
      if (taken > 0.5 && other_taken > 0.5 && m.spend_families[u(other.family)].provider == f.provider &&
          other.deal.start_s < inst.deal.end_s && inst.deal.start_s < other.deal.end_s)
        report(fmt::format("{}: two spend commitments in force at once ({} and {})", sc.providers[u(f.provider)].name, inst.deal.name,
                           other.deal.name));
    }
    for (size_t k = 0; k < inst.shortfall.size(); ++k) {
      double spent = 0;
      for (const auto& [d, part] : inst.year_draws[k])
        spent += part * x[u(f.draws[u(d)].column)] * f.draws[u(d)].usd_per_gpu_hour * m.modelled_hours[u(f.draws[u(d)].period)];
      const double unspent = std::max(0.0, inst.committed_usd[k] * taken - spent);
      if (!le(unspent, x[u(inst.shortfall[k])] * 1e6))
        report(fmt::format("spend commitment {} year {}: ${:.0f} unspent but ${:.0f} of shortfall", inst.deal.name, k + 1, unspent,
                           x[u(inst.shortfall[k])] * 1e6));
    }
  }
  return bad;
}

}  // namespace gpufleet::plan
