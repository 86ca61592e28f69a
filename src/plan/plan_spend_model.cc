// Spend commitments in the plan model (docs/plan-format.md, "Spend commitments"): each
// family (an existing commitment, a spend offer) draws GPUs on its provider's on-demand markets
// at its discount in the periods it may be in force; each instance (an existing commitment, or
// an offer started in one period) has a shortfall column and a spend row per commitment year.
#include "plan/plan_spend_model.h"

#include <algorithm>

#include <fmt/format.h>

namespace gpufleet::plan {

void add_spend_commitments(const PlanInputs& in, const SpendModelContext& ctx, PlanModel& m) {
  const Scenario& sc = in.scenario;
  LpModel& lp = m.lp;
  const int T = ctx.T, horizon = ctx.horizon, calendar = ctx.calendar, modelled_end = ctx.modelled_end;
  const double modelled_end_s = ctx.modelled_end_s, scale = ctx.scale, keep_cost = ctx.keep_cost;
  const std::vector<int>& market_of_pool = ctx.market_of_pool;
  auto cover = [&](int t, double from_s, double to_s) { return modelled_cover(in, m, t, from_s, to_s); };
  auto provider_of_pool = [&](size_t pi) { return sc.sites[static_cast<size_t>(m.pools[pi].site)].provider; };
  for (auto& p : m.pools) p.draws.assign(static_cast<size_t>(T), {});
  // Adds a family and its draw columns in the periods where `in_force(t)` is above 0; the bound
  // is the market's availability times it (existing) or a row on the instances (offers).
  auto add_family = [&](int provider, int offer, int existing, const SpendCommitment& deal, const std::string& tag,
                        const std::vector<double>& in_force, bool bound_by_column) {
    SpendFamily f;
    f.provider = provider;
    f.offer = offer;
    f.existing = existing;
    for (size_t pi = 0; pi < m.pools.size(); ++pi) {
      Pool& p = m.pools[pi];
      if (provider_of_pool(pi) != provider || market_of_pool[pi] < 0) continue;
      const Market& mk = sc.markets[static_cast<size_t>(market_of_pool[pi])];
      if (mk.on_demand_gpus <= 0) continue;
      const double price = spend_usd_per_gpu_hour(deal, mk.on_demand_usd_per_gpu_hour);
      for (int t = 0; t < T; ++t) {
        const auto ti = static_cast<size_t>(t);
        if (in_force[ti] <= 0) continue;
        const double pv_hours = m.modelled_hours[ti] * m.modelled_discount[ti] * scale * keep_cost;
        const double upper = bound_by_column ? static_cast<double>(mk.on_demand_gpus) * in_force[ti] : kInf;
        const int col = lp.add_column({fmt::format("draw_{}_{}_{}", tag, pi, t), 0, upper,
                                       (price + p.held_energy_usd_per_gpu_hour) * pv_hours, false});
        f.draws.push_back({static_cast<int>(pi), t, col, price});
        p.draws[ti].push_back(col);
      }
    }
    m.spend_families.push_back(std::move(f));
    return static_cast<int>(m.spend_families.size()) - 1;
  };
  // Adds an instance of family `fam` for `deal` (taken: its binary column, or -1 when fixed):
  // a shortfall column and a spend row per commitment year.
  auto add_instance = [&](int fam, int start, int taken, const SpendCommitment& deal, bool is_offer) {
    SpendInstance inst;
    inst.family = fam;
    inst.start = start;
    inst.taken = taken;
    inst.deal = deal;
    const auto years = spend_commitment_years(deal, sc.start_unix_s);
    for (size_t k = 0; k < years.size(); ++k) {
      const auto [from, to] = years[k];
      if (!is_offer && from >= modelled_end_s) break;  // an existing commitment's years after the model: not the plan's
      const double committed = spend_committed_usd(deal, sc.start_unix_s, k, is_offer ? kInf : modelled_end_s);
      int due = 0;
      while (due + 1 < calendar && period_start_s(in, due + 1) < to) ++due;
      const bool after_model = due >= modelled_end;
      const double kept = after_model ? 1.0 - in.end.salvage_share : 1.0;
      const int col = lp.add_column({fmt::format("shortfall_{}_{}_{}", fam, start, k), 0, kInf,
                                     deal.shortfall_share * m.discount[static_cast<size_t>(due)] * kept * keep_cost, false});
      const int r = lp.add_row({fmt::format("spend_{}_{}_{}", fam, start, k), is_offer ? 0.0 : committed * scale, kInf,
                                RowFamily::spend, std::min(due, T - 1), fam});
      lp.add(r, col, 1);
      if (is_offer) lp.add(r, taken, -committed * scale);
      std::vector<std::pair<int, double>> in_year;
      const auto& fd = m.spend_families[static_cast<size_t>(fam)].draws;
      for (size_t d = 0; d < fd.size(); ++d) {
        const int t = fd[d].period;
        const double window = cover(t, deal.start_s, deal.end_s);
        if (window <= 0) continue;
        const double part = cover(t, from, to) / window;
        if (part <= 0) continue;
        in_year.push_back({static_cast<int>(d), part});
        lp.add(r, fd[d].column, part * fd[d].usd_per_gpu_hour * m.modelled_hours[static_cast<size_t>(t)] * scale);
      }
      inst.shortfall.push_back(col);
      inst.committed_usd.push_back(committed);
      inst.due_period.push_back(due);
      inst.year_draws.push_back(std::move(in_year));
    }
    m.spend_instances.push_back(std::move(inst));
    m.spend_families[static_cast<size_t>(fam)].instances.push_back(static_cast<int>(m.spend_instances.size()) - 1);
  };
  for (size_t i = 0; i < sc.spend_commitments.size(); ++i) {
    const SpendCommitment& deal = sc.spend_commitments[i];
    std::vector<double> in_force(static_cast<size_t>(T));
    for (int t = 0; t < T; ++t) in_force[static_cast<size_t>(t)] = cover(t, deal.start_s, deal.end_s);
    const int fam = add_family(deal.provider, -1, static_cast<int>(i), deal, fmt::format("e{}", i), in_force, true);
    add_instance(fam, -1, -1, deal, false);
  }
  for (size_t o = 0; o < in.spend_offers.size(); ++o) {
    const SpendOffer& offer = in.spend_offers[o];
    const int tp = offer.years * 12 / in.period_months;
    std::vector<int> starts;
    for (int s = std::max(0, offer.earliest_period); s < horizon; ++s) {
      const SpendCommitment deal = spend_offer_commitment(in, offer, s);
      const bool clash = std::any_of(sc.spend_commitments.begin(), sc.spend_commitments.end(), [&](const SpendCommitment& e) {
        return e.provider == offer.deal.provider && e.start_s < deal.end_s && deal.start_s < e.end_s;
      });
      if (!clash) starts.push_back(s);
    }
    if (starts.empty()) continue;
    std::vector<double> in_force(static_cast<size_t>(T), 0.0);
    for (int s : starts)
      for (int t = 0; t < T; ++t)
        in_force[static_cast<size_t>(t)] = std::max(in_force[static_cast<size_t>(t)], cover(t, period_start_s(in, s), period_start_s(in, s + tp)));
    const int fam = add_family(offer.deal.provider, static_cast<int>(o), -1, offer.deal, fmt::format("o{}", o), in_force, false);
    for (int s : starts) {
      const int z = lp.add_column({fmt::format("spend_{}_{}", offer.name, s), 0, 1, 0, true});
      add_instance(fam, s, z, spend_offer_commitment(in, offer, s), true);
    }
    // Draws only while an instance is in force: draw <= availability x sum of taken x cover.
    for (const auto& d : m.spend_families[static_cast<size_t>(fam)].draws) {
      const Market& mk = sc.markets[static_cast<size_t>(market_of_pool[static_cast<size_t>(d.pool)])];
      const int r = lp.add_row({fmt::format("drawon_{}_{}", d.column, d.period), -kInf, 0, RowFamily::spend, d.period, fam});
      lp.add(r, d.column, 1);
      for (int i : m.spend_families[static_cast<size_t>(fam)].instances) {
        const auto& inst = m.spend_instances[static_cast<size_t>(i)];
        const double f = cover(d.period, inst.deal.start_s, inst.deal.end_s);
        if (f > 0) lp.add(r, inst.taken, -static_cast<double>(mk.on_demand_gpus) * f);
      }
    }
  }
  // One spend commitment in force per provider at once (offers' instances; existing ones are
  // kept apart from the offers' starts above).
  for (size_t prov = 0; prov < sc.providers.size(); ++prov)
    for (int t = 0; t < T; ++t) {
      std::vector<int> here;
      for (const auto& inst : m.spend_instances)
        if (inst.taken >= 0 && m.spend_families[static_cast<size_t>(inst.family)].provider == static_cast<int>(prov) &&
            cover(t, inst.deal.start_s, inst.deal.end_s) > 0)
          here.push_back(inst.taken);
      if (here.size() < 2) continue;
      const int r = lp.add_row({fmt::format("onespend_{}_{}", prov, t), -kInf, 1, RowFamily::spend, t, static_cast<int>(prov)});
      for (int z : here) lp.add(r, z, 1);
    }
  // A market's availability is shared by on-demand and the draws on it.
  for (size_t pi = 0; pi < m.pools.size(); ++pi)
    for (int t = 0; t < T; ++t) {
      const auto ti = static_cast<size_t>(t);
      const Pool& p = m.pools[pi];
      if (p.draws[ti].empty() || p.od[ti] < 0) continue;
      const int r = lp.add_row({fmt::format("market_{}_{}", pi, t), -kInf, lp.columns()[static_cast<size_t>(p.od[ti])].upper,
                                RowFamily::spend, t, static_cast<int>(pi)});
      lp.add(r, p.od[ti], 1);
      for (int col : p.draws[ti]) lp.add(r, col, 1);
    }
}

}  // namespace gpufleet::plan
