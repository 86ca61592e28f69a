#include "plan/plan_futures.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace gpufleet::plan {

Result<void> check_stochastic_inputs(const PlanInputs& in, const StochasticOptions& o) {
  const Scenario& sc = in.scenario;
  const std::string where = "<stochastic plan>";
  if (!in.spend_offers.empty() || !sc.spend_commitments.empty())
    return fail(where, 0, 0, "spend_offers", "the stochastic plan does not weigh spend commitments yet; plan them deterministically");
  for (const auto& c : sc.contracts)
    if (c.termination && !c.termination->exercised)
      return fail(where, 0, 0, "contracts",
                  fmt::format("contract {} has an early-termination option; the stochastic plan does not weigh it yet", c.name));
  if (o.futures.empty()) return fail(where, 0, 0, "futures", "expected at least one future");
  if (!(o.shortfall_usd_per_ref_gpu_hour > 0) || !std::isfinite(o.shortfall_usd_per_ref_gpu_hour))
    return fail(where, 0, 0, "shortfall_penalty_usd_per_ref_gpu_hour", "expected a positive penalty for unmet demand");
  if (!(o.risk_aversion >= 0) || !std::isfinite(o.risk_aversion)) return fail(where, 0, 0, "risk_aversion", "expected >= 0");
  if (!(o.cvar_alpha >= 0 && o.cvar_alpha < 1)) return fail(where, 0, 0, "cvar_alpha", "expected in [0, 1)");
  const size_t streams = 1 + in.inference.size(), periods = static_cast<size_t>(in.periods);
  double total = 0;
  for (size_t f = 0; f < o.futures.size(); ++f) {
    const PlanFuture& u = o.futures[f];
    auto bad = [&](const char* field, const std::string& what) { return fail(where, 0, 0, field, fmt::format("future {}: {}", f, what)); };
    if (!(u.weight >= 0) || !std::isfinite(u.weight)) return bad("weight", "expected >= 0");
    total += u.weight;
    if (u.demand.size() != streams) return bad("demand", fmt::format("expected {} streams", streams));
    for (const auto& s : u.demand) {
      if (s.size() != periods) return bad("demand", fmt::format("expected {} periods", periods));
      for (double v : s)
        if (!(v >= 0) || !std::isfinite(v)) return bad("demand", "expected multipliers >= 0");
    }
    if (u.delivery_delay_s.size() != sc.providers.size()) return bad("delivery_delay_s", "expected one per provider");
    if (u.unavailable.size() != sc.sites.size()) return bad("unavailable", "expected one row per site");
    for (const auto& s : u.unavailable)
      if (s.size() != periods) return bad("unavailable", fmt::format("expected {} periods", periods));
    for (const auto* prices : {&u.on_demand_price, &u.spot_price}) {
      if (prices->size() != sc.providers.size()) return bad("prices", "expected one row per provider");
      for (const auto& s : *prices)
        if (s.size() != periods) return bad("prices", fmt::format("expected {} periods", periods));
    }
  }
  if (std::abs(total - 1.0) > 1e-6) return fail(where, 0, 0, "weight", fmt::format("the futures' weights sum to {}, expected 1", total));
  return {};
}

Result<void> check_stochastic_size(const PlanInputs& in, const PlanModel& m, const PlanFuture& sample, size_t futures,
                                   double shortfall_usd_per_ref_gpu_hour) {
  PlanModel scratch = m;
  LpModel one;
  BlockTarget target = BlockTarget::own(one);
  add_future_block(in, scratch, sample, shortfall_usd_per_ref_gpu_hour, 0, target);
  const double n = static_cast<double>(futures);
  const double columns = static_cast<double>(m.lp.columns().size()) + n * static_cast<double>(one.columns().size());
  const double nonzeros = static_cast<double>(m.lp.nonzeros()) + n * static_cast<double>(one.nonzeros());
  if (columns <= kMaxModelColumns && nonzeros <= kMaxModelNonzeros) return {};
  return fail("<stochastic plan>", 0, 0, "futures",
              fmt::format("{} futures would make a model of about {:.3g} columns and {:.3g} non-zeros ({} columns and {} non-zeros a "
                          "future); the limits are {:.3g} and {:.3g} (about 10 GiB in the solver): plan fewer futures or periods",
                          futures, columns, nonzeros, one.columns().size(), one.nonzeros(), kMaxModelColumns,
                          kMaxModelNonzeros));
}

void summarise_futures(const StochasticOptions& o, const std::vector<FutureBlock>& blocks, const std::vector<double>& x,
                       const std::vector<SolvedRecourse>& solved, PlanResult& result) {
  std::vector<double> own(blocks.size());
  std::vector<std::pair<double, double>> vw;
  double expected_own = 0, unmet = 0;
  for (size_t f = 0; f < blocks.size(); ++f) {
    const FutureBlock& b = blocks[f];
    double usd = b.constant, hours = 0;
    for (const auto& [col, coef] : b.billing) usd += coef * x[static_cast<size_t>(col)];
    if (solved.empty()) {
      for (const auto& [col, coef] : b.recourse) usd += coef * x[static_cast<size_t>(col)];
      for (const auto& [col, h] : b.unmet) hours += x[static_cast<size_t>(col)] * h;
    } else {
      usd += solved[f].usd;
      hours = solved[f].unmet_ref_gpu_hours;
    }
    own[f] = usd * kUsdPerObjectiveUnit;
    expected_own += o.futures[f].weight * own[f];
    unmet += o.futures[f].weight * hours;
  }
  for (size_t f = 0; f < blocks.size(); ++f) vw.push_back({own[f], o.futures[f].weight});
  const double cvar_own = discrete_cvar(vw, o.cvar_alpha);
  // The objective is common + E[own] + lambda CVaR(own).
  const double common = result.objective_usd - expected_own - o.risk_aversion * cvar_own;
  result.future_cost_usd.clear();
  for (double v : own) result.future_cost_usd.push_back(common + v);
  result.expected_cost_usd = common + expected_own;
  result.cvar_usd = common + cvar_own;
  result.expected_shortfall_ref_gpu_hours = unmet;
}

double discrete_cvar(std::vector<std::pair<double, double>> vw, double alpha) {
  std::sort(vw.begin(), vw.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const double tail = 1.0 - alpha;
  double mass = 0, sum = 0;
  for (const auto& [v, w] : vw) {
    const double take = std::min(w, tail - mass);
    if (take <= 0) break;
    sum += take * v;
    mass += take;
  }
  return mass > 0 ? sum / mass : (vw.empty() ? 0.0 : vw.front().first);
}

BlockTarget BlockTarget::extensive(LpModel& model, double weight) {
  BlockTarget t(model, weight);
  t.own_ = false;
  return t;
}

BlockTarget BlockTarget::own(LpModel& sub) {
  BlockTarget t(sub, 1.0);
  t.own_ = true;
  return t;
}

int BlockTarget::column(const LpModel& model, int model_column) {
  if (!own_) return model_column;
  auto [it, added] = local_.emplace(model_column, 0);
  if (added) {
    const Column& c = model.columns()[static_cast<size_t>(model_column)];
    it->second = lp.add_column({c.name, c.lower, c.upper, 0, false});
    linked.push_back({model_column, it->second});
  }
  return it->second;
}

FutureBlock add_future_block(const PlanInputs& in, PlanModel& m, const PlanFuture& u, double penalty, int f, BlockTarget& target) {
  const Scenario& sc = in.scenario;
  LpModel& lp = m.lp;
  const int H = m.horizon_periods;
  const double scale = 1.0 / kUsdPerObjectiveUnit;
  const int64_t epoch = sc.start_unix_s;
  const size_t np = m.pools.size();

  std::map<std::pair<int, int>, size_t> pool_of;
  for (size_t pi = 0; pi < np; ++pi) pool_of[{m.pools[pi].site, m.pools[pi].accelerator}] = pi;
  auto jurisdiction_of_site = [&](int site) -> int {
    for (size_t j = 0; j < in.inference.size(); ++j)
      if (in.inference[j].jurisdiction == sc.sites[static_cast<size_t>(site)].jurisdiction) return static_cast<int>(j);
    return -1;
  };
  std::vector<double> start(static_cast<size_t>(H) + 1);
  for (int t = 0; t <= H; ++t) start[static_cast<size_t>(t)] = period_start_s(in, t);

  // The plan's contract variables in the horizon as contracts of one block each, as `risk`
  // reads a plan's commitments (plan.json), and their pools.
  struct Var {
    int column;
    size_t pool;
    Contract contract;
  };
  std::vector<Var> vars;
  for (const auto& cv : m.contracts) {
    if (cv.in_tail) continue;
    const ContractOffer& offer = in.offers[static_cast<size_t>(cv.offer)];
    Contract k = offer_contract(in, offer, cv.term, cv.from_s, cv.to_s);
    k.ramp = {{cv.from_s, offer.block_gpus}};
    vars.push_back({cv.column, pool_of.at({offer.site, offer.accelerator}), std::move(k)});
  }

  {
    const double w = u.weight;
    LpModel& blp = target.lp;
    FutureBlock fb;
    // A contract's bill is the model's (first stage); the recourse is the block's.
    auto billed = [&](int col, double coef) {
      if (coef == 0) return;
      fb.billing.push_back({col, coef});
      lp.columns()[static_cast<size_t>(col)].cost += w * coef;
    };
    auto priced = [&](int col, double coef) {
      if (coef == 0) return;
      fb.recourse.push_back({col, coef});
      blp.columns()[static_cast<size_t>(col)].cost += target.weight * coef;
    };
    auto linked = [&](int model_column) { return target.column(lp, model_column); };
    auto usable = [&](int site, int t) { return 1.0 - u.unavailable[static_cast<size_t>(site)][static_cast<size_t>(t)]; };

    // New contracts: their bill and energy as delivered in this future, and where delivery is
    // late, the GPUs each block lacks against its nominal ramp ([pool][period] corrections).
    std::vector<std::vector<std::vector<std::pair<int, double>>>> late_gpus(np, std::vector<std::vector<std::pair<int, double>>>(static_cast<size_t>(H)));
    for (const Var& v : vars) {
      const Pool& p = m.pools[v.pool];
      const double delay = u.delivery_delay_s[static_cast<size_t>(v.contract.provider)];
      const Contract d = delivered_late(v.contract, delay);
      double usd = 0;
      for (int t = 0; t < H; ++t) {
        const auto ti = static_cast<size_t>(t);
        const double g = d.average_gpus(start[ti], start[ti + 1]);
        const double hours = m.hours[ti];
        usd += (contract_capacity_usd(d, start[ti], start[ti + 1], epoch) + g * usable(p.site, t) * p.held_energy_usd_per_gpu_hour * hours) *
               m.discount[ti];
        const double lost = v.contract.average_gpus(start[ti], start[ti + 1]) - g;
        if (lost != 0) late_gpus[v.pool][ti].push_back({v.column, lost});
      }
      billed(v.column, usd * scale);
    }

    // Existing contracts as delivered: per pool and period, the nominal GPUs (in the committed
    // column), the delivered ones, and the paid share of them; their fixed bill and energy.
    std::vector<std::vector<double>> nominal(np, std::vector<double>(static_cast<size_t>(H), 0.0));
    std::vector<std::vector<double>> delivered = nominal, paid = nominal;
    struct Above {
      size_t contract;
      std::vector<double> gpus, usd_per_gpu_hour;
    };
    std::vector<std::vector<Above>> above_of_pool(np);
    for (size_t c = 0; c < sc.contracts.size(); ++c) {
      const Contract& e = sc.contracts[c];
      const auto pi = static_cast<size_t>(m.existing[c].pool);
      const Pool& p = m.pools[pi];
      const Contract d = delivered_late(e, u.delivery_delay_s[static_cast<size_t>(e.provider)]);
      Above above{c, {}, {}};
      for (int t = 0; t < H; ++t) {
        const auto ti = static_cast<size_t>(t);
        const double hours = m.hours[ti];
        const double g = d.average_gpus(start[ti], start[ti + 1]);
        const double price = contract_price_is_flat(d) || !(g > 0) ? d.usd_per_gpu_hour
                                                                  : contract_capacity_usd(d, start[ti], start[ti + 1], epoch) / (g * hours);
        const double a = usable(p.site, t);
        nominal[pi][ti] += e.average_gpus(start[ti], start[ti + 1]);
        delivered[pi][ti] += g;
        paid[pi][ti] += e.take_or_pay_share * g;
        fb.constant += (e.take_or_pay_share * g * price + g * a * p.held_energy_usd_per_gpu_hour) * hours * m.discount[ti] * scale;
        above.gpus.push_back((1.0 - e.take_or_pay_share) * g * a);
        above.usd_per_gpu_hour.push_back(price);
      }
      if (e.take_or_pay_share < 1.0) above_of_pool[pi].push_back(std::move(above));
    }
    lp.objective_offset += w * fb.constant;

    // Recourse columns and rows, period by period.
    const std::string tag = fmt::format("f{}", f);
    for (int t = 0; t < H; ++t) {
      const auto ti = static_cast<size_t>(t);
      const double pv_hours = m.hours[ti] * m.discount[ti] * scale;
      std::vector<int> train(np, -1), inf(np, -1), od(np, -1), spot(np, -1);
      // The master's commitments reach a subproblem within the solver's tolerances (a contract's
      // GPUs a millionth above the committed column that sums them): each capacity and power row
      // may be exceeded at ten times the unmet-demand penalty, so that a block is always
      // feasible; with consistent commitments (and in the extensive form) it never is.
      auto tolerance = [&](int row, double ref_gpus_per_unit) {
        const int col = blp.add_column({fmt::format("{}_excess_{}", tag, row), 0, kInf, 0, false});
        priced(col, 10 * penalty * ref_gpus_per_unit * pv_hours);
        blp.add(row, col, -1);
      };
      for (size_t pi = 0; pi < np; ++pi) {
        const Pool& p = m.pools[pi];
        const int prov = sc.sites[static_cast<size_t>(p.site)].provider;
        const double a = usable(p.site, t);
        train[pi] = blp.add_column({fmt::format("{}_train_{}_{}", tag, pi, t), 0, kInf, 0, false});
        priced(train[pi], p.busy_energy_usd_per_gpu_hour * pv_hours);  // GPUs carrying demand draw full power
        if (jurisdiction_of_site(p.site) >= 0) {
          inf[pi] = blp.add_column({fmt::format("{}_inf_{}_{}", tag, pi, t), 0, kInf, 0, false});
          priced(inf[pi], p.busy_energy_usd_per_gpu_hour * pv_hours);
        }
        if (p.od[ti] >= 0) {
          od[pi] = blp.add_column({fmt::format("{}_od_{}_{}", tag, pi, t), 0, lp.columns()[static_cast<size_t>(p.od[ti])].upper * a, 0, false});
          priced(od[pi], (p.on_demand_usd * u.on_demand_price[static_cast<size_t>(prov)][ti] + p.held_energy_usd_per_gpu_hour) * pv_hours);
        }
        if (p.spot[ti] >= 0) {
          spot[pi] = blp.add_column({fmt::format("{}_spot_{}_{}", tag, pi, t), 0, lp.columns()[static_cast<size_t>(p.spot[ti])].upper * a, 0, false});
          priced(spot[pi], (p.spot_usd * u.spot_price[static_cast<size_t>(prov)][ti] + p.held_energy_usd_per_gpu_hour) * pv_hours);
        }
        // Capacity: train + inf <= usable paid contract GPUs + above share + on-demand + spot.
        const double rhs = a * (paid[pi][ti] - nominal[pi][ti]);
        const int r = blp.add_row({fmt::format("{}_cap_{}_{}", tag, pi, t), -kInf, rhs, RowFamily::capacity, t, static_cast<int>(pi)});
        tolerance(r, p.speed);
        blp.add(r, train[pi], 1);
        if (inf[pi] >= 0) blp.add(r, inf[pi], 1);
        if (od[pi] >= 0) blp.add(r, od[pi], -1);
        if (spot[pi] >= 0) blp.add(r, spot[pi], -1);
        blp.add(r, linked(p.committed[ti]), -a);
        for (const auto& [col, lost] : late_gpus[pi][ti]) blp.add(r, linked(col), a * lost);
        for (const Above& ab : above_of_pool[pi]) {
          if (!(ab.gpus[ti] > 0)) continue;
          const int col = blp.add_column({fmt::format("{}_above_{}_{}", tag, ab.contract, t), 0, ab.gpus[ti], 0, false});
          priced(col, ab.usd_per_gpu_hour[ti] * pv_hours);
          blp.add(r, col, -1);
        }
        if (spot[pi] >= 0) {
          const int rs = blp.add_row({fmt::format("{}_spotuse_{}_{}", tag, pi, t), -kInf, 0, RowFamily::spot_use, t, static_cast<int>(pi)});
          blp.add(rs, spot[pi], 1);
          blp.add(rs, train[pi], -1);
        }
      }
      // Demand, with what goes unmet at the penalty.
      auto unmet = [&](int row, const std::string& name) {
        const int col = blp.add_column({name, 0, kInf, 0, false});
        priced(col, penalty * pv_hours);
        fb.unmet.push_back({col, m.hours[ti]});
        blp.add(row, col, 1);
      };
      const double d0 = m.training_ref_gpus[ti] * u.demand[0][ti];
      const int rt = blp.add_row({fmt::format("{}_train_{}", tag, t), d0, d0, RowFamily::demand_training, t, -1});
      for (size_t pi = 0; pi < np; ++pi) blp.add(rt, train[pi], m.pools[pi].speed);
      unmet(rt, fmt::format("{}_unmet_train_{}", tag, t));
      for (size_t j = 0; j < in.inference.size(); ++j) {
        const double dj = m.inference_ref_gpus[j][ti] * u.demand[j + 1][ti];
        const int rj = blp.add_row({fmt::format("{}_inf_{}_{}", tag, j, t), dj, dj, RowFamily::demand_inference, t, static_cast<int>(j)});
        for (size_t pi = 0; pi < np; ++pi)
          if (inf[pi] >= 0 && jurisdiction_of_site(m.pools[pi].site) == static_cast<int>(j)) blp.add(rj, inf[pi], m.pools[pi].speed);
        unmet(rj, fmt::format("{}_unmet_inf_{}_{}", tag, j, t));
      }
      bool any_spot = false;
      for (int c : spot) any_spot = any_spot || c >= 0;
      if (any_spot) {
        const int rs = blp.add_row({fmt::format("{}_spotshare_{}", tag, t), -kInf, (1.0 - in.training_critical_share) * d0,
                                   RowFamily::spot_share, t, -1});
        for (size_t pi = 0; pi < np; ++pi)
          if (spot[pi] >= 0) blp.add(rs, spot[pi], m.pools[pi].speed);
      }
      // Power: the contracts' delivered GPUs first, the markets within what is left.
      for (size_t s = 0; s < sc.sites.size(); ++s) {
        const double cap = sc.sites[s].power_cap_mw;
        if (!(cap > 0)) continue;
        double constant = 0;
        bool any_market = false;
        for (size_t pi = 0; pi < np; ++pi)
          if (m.pools[pi].site == static_cast<int>(s) && (od[pi] >= 0 || spot[pi] >= 0)) any_market = true;
        if (!any_market) continue;
        const int r = blp.add_row({fmt::format("{}_power_{}_{}", tag, s, t), -kInf, 0, RowFamily::power, t, static_cast<int>(s)});
        tolerance(r, 1e3);  // a MW carries about a thousand reference GPUs
        for (size_t pi = 0; pi < np; ++pi) {
          const Pool& p = m.pools[pi];
          if (p.site != static_cast<int>(s) || !(p.mw_per_gpu > 0)) continue;
          if (od[pi] >= 0) blp.add(r, od[pi], p.mw_per_gpu);
          if (spot[pi] >= 0) blp.add(r, spot[pi], p.mw_per_gpu);
          blp.add(r, linked(p.committed[ti]), p.mw_per_gpu);
          for (const auto& [col, lost] : late_gpus[pi][ti]) blp.add(r, linked(col), -p.mw_per_gpu * lost);
          constant += p.mw_per_gpu * (delivered[pi][ti] - nominal[pi][ti]);
        }
        blp.rows()[static_cast<size_t>(r)].upper = cap - constant;
      }
    }
    return fb;
  }
}

CvarColumns add_cvar(LpModel& lp, const StochasticOptions& o, const std::vector<FutureBlock>& blocks,
                     const std::vector<std::vector<std::pair<int, double>>>& cost_of) {
  CvarColumns out;
  if (!(o.risk_aversion > 0)) return out;
  const double lambda = o.risk_aversion;
  const int eta = lp.add_column({"cvar_eta", 0, kInf, lambda, false});
  out.eta = eta;
  for (size_t f = 0; f < blocks.size(); ++f) {
    const int excess = lp.add_column({fmt::format("cvar_excess_{}", f), 0, kInf, lambda * o.futures[f].weight / (1.0 - o.cvar_alpha), false});
    out.excess.push_back(excess);
    const int r = lp.add_row({fmt::format("cvar_{}", f), blocks[f].constant, kInf, RowFamily::cvar, -1, static_cast<int>(f)});
    lp.add(r, excess, 1);
    lp.add(r, eta, 1);
    std::map<int, double> merged;
    for (const auto& [col, coef] : cost_of[f]) merged[col] -= coef;
    for (const auto& [col, coef] : merged) lp.add(r, col, coef);
  }
  return out;
}

std::vector<FutureBlock> add_future_blocks(const PlanInputs& in, PlanModel& m, const StochasticOptions& o) {
  std::vector<FutureBlock> blocks;
  std::vector<std::vector<std::pair<int, double>>> cost_of;
  for (size_t f = 0; f < o.futures.size(); ++f) {
    BlockTarget target = BlockTarget::extensive(m.lp, o.futures[f].weight);
    blocks.push_back(add_future_block(in, m, o.futures[f], o.shortfall_usd_per_ref_gpu_hour, static_cast<int>(f), target));
    auto cost = blocks.back().billing;
    cost.insert(cost.end(), blocks.back().recourse.begin(), blocks.back().recourse.end());
    cost_of.push_back(std::move(cost));
  }
  add_cvar(m.lp, o, blocks, cost_of);
  return blocks;
}

}  // namespace gpufleet::plan
