// The capacity side of a scenario: contracts (ramps, terms, take-or-pay, the power check)
// and markets (on-demand and spot per site and accelerator).
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

Result<int> site_ref(const YamlField& item, const Scenario& s) {
  auto name = required_text(item, "site");
  if (!name) return fail(name.error());
  const int i = s.find_site(*name);
  if (i < 0)
    return fail(item.required("site")->error(
        fmt::format("no site named '{}'; sites are: {}", *name, joined_names(s.sites))));
  return i;
}

Result<int> accelerator_ref(const YamlField& item, const Scenario& s) {
  auto name = required_text(item, "accelerator");
  if (!name) return fail(name.error());
  const int i = s.find_accelerator(*name);
  if (i < 0)
    return fail(item.required("accelerator")->error(fmt::format(
        "no accelerator named '{}'; accelerators are: {}", *name, joined_names(s.accelerators))));
  return i;
}

// The UTC date of a simulated time, for messages.
std::string describe_time(double t_s, int64_t start_unix_s) {
  return format_iso_date(start_unix_s + static_cast<int64_t>(t_s));
}

Result<void> parse_ramp(const YamlField& item, const LoadContext& ctx, Contract& c,
                        std::vector<YamlField>& step_fields) {
  const auto ramp = item.optional("ramp");
  const auto flat = item.optional("gpus");
  if (ramp && flat) return fail(flat->error("give either 'ramp' or 'gpus' (a flat contract), not both"));
  if (flat) {
    auto g = flat->as_int(0, int64_t{1} << 40);
    if (!g) return fail(g.error());
    c.ramp.push_back(RampStep{c.start_s, *g});
    step_fields.push_back(*flat);
    return {};
  }
  if (!ramp) {
    Error e = item.error("missing 'ramp' (a list of {at, gpus}) or 'gpus' (a flat contract)");
    e.field = item.path() + ".ramp";
    return fail(e);
  }
  auto steps = ramp->items();
  if (!steps) return fail(steps.error());
  if (steps->empty()) return fail(ramp->error("expected a non-empty list of {at, gpus} steps"));
  for (const auto& step : *steps) {
    if (auto r = step.check_keys({"at", "gpus", "usd_per_gpu_hour"}); !r) return r;
    auto at_f = step.required("at");
    if (!at_f) return fail(at_f.error());
    auto at = at_f->as_time_s(ctx.start_unix_s);
    if (!at) return fail(at.error());
    auto gpus_f = step.required("gpus");
    if (!gpus_f) return fail(gpus_f.error());
    auto gpus = gpus_f->as_int(0, int64_t{1} << 40);
    if (!gpus) return fail(gpus.error());
    if (!c.ramp.empty() && *at < c.ramp.back().at_s)
      return fail(at_f->error(fmt::format("ramp times must not decrease: {} comes after {}",
                                          describe_time(*at, ctx.start_unix_s),
                                          describe_time(c.ramp.back().at_s, ctx.start_unix_s))));
    if (auto price_f = step.optional("usd_per_gpu_hour")) {
      auto price = price_f->as_double(0.0, kMaxUsdPerGpuHour);
      if (!price) return fail(price.error());
      c.prices.push_back(PriceStep{*at, *price});
    }
    c.ramp.push_back(RampStep{*at, *gpus});
    step_fields.push_back(*gpus_f);
  }
  return {};
}

// `termination: {at, fee_usd, exercised}`: the option to end the contract early at a fee.
Result<void> parse_termination(const YamlField& f, const LoadContext& ctx, Contract& c) {
  if (auto r = f.check_keys({"at", "fee_usd", "exercised"}); !r) return r;
  EarlyTermination t;
  auto at_f = f.required("at");
  if (!at_f) return fail(at_f.error());
  auto at = at_f->as_time_s(ctx.start_unix_s);
  if (!at) return fail(at.error());
  if (!(*at > c.start_s && *at < c.end_s))
    return fail(at_f->error(fmt::format("expected a date inside the contract's term ({} to {})",
                                        describe_time(c.start_s, ctx.start_unix_s), describe_time(c.end_s, ctx.start_unix_s))));
  t.at_s = *at;
  auto fee = f.get_double("fee_usd", 0.0, 0.0, kMaxUsd);
  if (!fee) return fail(fee.error());
  t.fee_usd = *fee;
  auto exercised = f.get_bool("exercised", false);
  if (!exercised) return fail(exercised.error());
  t.exercised = *exercised;
  c.termination = t;
  return {};
}

// The largest capacity the contract reaches while it is in force, and which step sets it.
std::pair<int64_t, size_t> peak_in_force(const Contract& c) {
  int64_t peak = 0;
  size_t at = 0;
  for (size_t i = 0; i < c.ramp.size(); ++i) {
    const double from = c.ramp[i].at_s;
    const double until = i + 1 < c.ramp.size() ? c.ramp[i + 1].at_s : c.end_s;
    const bool in_force = from < c.end_s && until > c.start_s && until > from;
    if (in_force && c.ramp[i].gpus > peak) {
      peak = c.ramp[i].gpus;
      at = i;
    }
  }
  return {peak, at};
}

Result<void> parse_contract(const YamlField& item, const LoadContext& ctx, Scenario& s) {
  if (auto r = item.check_keys({"name", "provider", "site", "accelerator", "usd_per_gpu_hour", "start",
                                "end", "term", "take_or_pay_share", "ramp", "gpus", "escalator_per_year", "termination"});
      !r)
    return r;
  Contract c;
  auto name = required_text(item, "name");
  if (!name) return fail(name.error());
  for (size_t i = 0; i < s.contracts.size(); ++i)
    if (s.contracts[i].name == *name)
      return fail(item.required("name")->error(
          fmt::format("duplicate contract name '{}' (also contracts[{}])", *name, i)));
  c.name = *name;

  auto site = site_ref(item, s);
  if (!site) return fail(site.error());
  c.site = *site;
  const Site& st = s.sites[static_cast<size_t>(c.site)];
  c.provider = st.provider;
  if (auto pf = item.optional("provider")) {
    auto p = pf->as_string();
    if (!p) return fail(p.error());
    const int pi = s.find_provider(*p);
    if (pi < 0)
      return fail(pf->error(fmt::format("no provider named '{}'; providers are: {}", *p,
                                        joined_names(s.providers))));
    if (pi != st.provider)
      return fail(pf->error(fmt::format("provider '{}' differs from the provider of site '{}', which is '{}'",
                                        *p, st.name, s.providers[static_cast<size_t>(st.provider)].name)));
  }
  auto acc = accelerator_ref(item, s);
  if (!acc) return fail(acc.error());
  c.accelerator = *acc;

  auto price_f = item.required("usd_per_gpu_hour");
  if (!price_f) return fail(price_f.error());
  auto price = price_f->as_double(0.0, kMaxUsdPerGpuHour);
  if (!price) return fail(price.error());
  c.usd_per_gpu_hour = *price;
  auto escalator = item.get_double("escalator_per_year", 0.0, kMinEscalator, kMaxEscalator);
  if (!escalator) return fail(escalator.error());
  c.escalator_per_year = *escalator;

  auto span = read_start_end(item, ctx, "contract", "a duration such as 3y", [](const YamlField& term, double start_s) -> Result<double> {
    auto d = term.as_duration_s();
    if (!d) return fail(d.error());
    if (*d <= 0) return fail(term.error("expected a term longer than 0"));
    return start_s + *d;
  });
  if (!span) return fail(span.error());
  std::tie(c.start_s, c.end_s) = *span;

  auto share = item.get_double("take_or_pay_share", 1.0, 0.0, 1.0);
  if (!share) return fail(share.error());
  c.take_or_pay_share = *share;

  std::vector<YamlField> step_fields;
  if (auto r = parse_ramp(item, ctx, c, step_fields); !r) return r;
  if (auto t = item.optional("termination"))
    if (auto r = parse_termination(*t, ctx, c); !r) return r;

  // Power: the contract alone must fit the site's cap.
  const Accelerator& a = s.accelerators[static_cast<size_t>(c.accelerator)];
  if (st.power_cap_mw > 0) {
    const auto [peak, step] = peak_in_force(c);
    const double mw = static_cast<double>(peak) * a.board_power_w * st.pue / 1e6;
    if (mw > st.power_cap_mw)
      return fail(step_fields[step].error(fmt::format(
          "{} GPUs x {} W ({}) x PUE {} = {:.2f} MW exceeds the power cap of site '{}', {} MW",
          peak, a.board_power_w, a.name, st.pue, mw, st.name, st.power_cap_mw)));
  }
  s.contracts.push_back(std::move(c));
  return {};
}

// Power: everything under contract at a site at one instant must fit the site's cap. The
// draw only changes at a contract's start or a ramp step, so those instants are enough. The
// error is placed at the contract (in file order, the last in force) that takes it over.
Result<void> check_site_power(const std::vector<YamlField>& items, const LoadContext& ctx, const Scenario& s) {
  for (size_t si = 0; si < s.sites.size(); ++si) {
    const Site& st = s.sites[si];
    if (st.power_cap_mw <= 0) continue;
    std::vector<double> instants;
    for (const Contract& c : s.contracts) {
      if (c.site != static_cast<int>(si)) continue;
      instants.push_back(c.start_s);
      for (const RampStep& step : c.ramp) instants.push_back(std::max(step.at_s, c.start_s));
    }
    for (double t : instants) {
      double mw = 0;
      size_t last = 0;
      int in_force = 0;
      for (size_t ci = 0; ci < s.contracts.size(); ++ci) {
        const Contract& c = s.contracts[ci];
        if (c.site != static_cast<int>(si)) continue;
        const int64_t gpus = c.gpus_at(t);
        if (gpus == 0) continue;
        mw += static_cast<double>(gpus) * s.accelerators[static_cast<size_t>(c.accelerator)].board_power_w * st.pue / 1e6;
        last = ci;
        ++in_force;
      }
      if (in_force > 1 && mw > st.power_cap_mw)
        return fail(items[last].error(fmt::format(
            "on {} the {} contracts at site '{}' draw {:.2f} MW together (GPUs x board power x PUE {}), more "
            "than its power cap of {} MW",
            describe_time(t, ctx.start_unix_s), in_force, st.name, mw, st.pue, st.power_cap_mw)));
    }
  }
  return {};
}

// Nodes are what the simulator allocates per GPU offered: the fleet's largest possible size
// is checked before anything is built.
Result<void> check_fleet_size(const YamlField& at, const Scenario& s) {
  double nodes = 0;
  for (const Contract& c : s.contracts) {
    int64_t peak = 0;
    for (const RampStep& step : c.ramp) peak = std::max(peak, step.gpus);
    nodes += std::ceil(static_cast<double>(peak) / s.sites[static_cast<size_t>(c.site)].gpus_per_node);
  }
  for (const Market& m : s.markets)
    nodes += std::ceil(static_cast<double>(m.on_demand_gpus + m.spot_gpus) / s.sites[static_cast<size_t>(m.site)].gpus_per_node);
  if (nodes > kMaxFleetNodes)
    return fail(at.error(fmt::format("the contracts and markets offer up to {:.0f} nodes; the simulator holds at most "
                                     "{} nodes (about {} GB of fleet state)",
                                     nodes, kMaxFleetNodes, kMaxFleetNodes * 64 / 1000000000.0)));
  return {};
}

}  // namespace

Result<std::pair<double, double>> read_start_end(
    const YamlField& item, const LoadContext& ctx, std::string_view what, std::string_view term_words,
    const std::function<Result<double>(const YamlField& term, double start_s)>& end_of_term) {
  auto start_f = item.required("start");
  if (!start_f) return fail(start_f.error());
  auto start = start_f->as_time_s(ctx.start_unix_s);
  if (!start) return fail(start.error());
  const auto end_f = item.optional("end");
  const auto term_f = item.optional("term");
  if (end_f && term_f) return fail(term_f->error(fmt::format("give either 'end' (a time) or 'term' ({}), not both", term_words)));
  if (end_f) {
    auto end = end_f->as_time_s(ctx.start_unix_s);
    if (!end) return fail(end.error());
    if (*end <= *start)
      return fail(end_f->error(fmt::format("expected an end after the {}'s start ({})", what, start_f->node().Scalar())));
    return std::pair{*start, *end};
  }
  if (term_f) {
    auto end = end_of_term(*term_f, *start);
    if (!end) return fail(end.error());
    return std::pair{*start, *end};
  }
  Error e = item.error(fmt::format("missing 'end' (a time) or 'term' ({})", term_words));
  e.field = item.path() + ".end";
  return fail(e);
}

Result<void> parse_contracts(const YamlField& list, const LoadContext& ctx, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items)
    if (auto r = parse_contract(item, ctx, s); !r) return r;
  if (auto r = check_site_power(*items, ctx, s); !r) return r;
  return check_fleet_size(list, s);
}

Result<void> parse_markets(const YamlField& list, const LoadContext& ctx, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items) {
    if (item.is_map() && item.optional("from_catalog")) continue;  // after every written entry
    if (auto r = item.check_keys({"site", "accelerator", "on_demand_usd_per_gpu_hour", "on_demand_gpus",
                                  "spot_usd_per_gpu_hour", "spot_gpus", "spot_preemptions_per_node_hour"});
        !r)
      return r;
    Market m;
    auto site = site_ref(item, s);
    if (!site) return fail(site.error());
    m.site = *site;
    auto acc = accelerator_ref(item, s);
    if (!acc) return fail(acc.error());
    m.accelerator = *acc;
    for (size_t i = 0; i < s.markets.size(); ++i)
      if (s.markets[i].site == m.site && s.markets[i].accelerator == m.accelerator)
        return fail(item.error(fmt::format("a second market for site '{}' and accelerator '{}' (also markets[{}]); expected one per pair",
                                           s.sites[static_cast<size_t>(m.site)].name,
                                           s.accelerators[static_cast<size_t>(m.accelerator)].name, i)));

    // A price is required wherever GPUs are offered: free capacity is almost surely a typo.
    auto offer = [&item](std::string_view gpus_key, std::string_view price_key, int64_t& gpus,
                         double& price) -> Result<void> {
      auto g = item.get_int(gpus_key, 0, 0, int64_t{1} << 40);
      if (!g) return fail(g.error());
      gpus = *g;
      auto pf = item.optional(price_key);
      if (!pf) {
        if (gpus == 0) return {};
        Error e = item.error(fmt::format("missing '{}': {} is {}", price_key, gpus_key, gpus));
        e.field = fmt::format("{}.{}", item.path(), price_key);
        return fail(e);
      }
      auto p = pf->as_double(0.0);
      if (!p) return fail(p.error());
      price = *p;
      return {};
    };
    if (auto r = offer("on_demand_gpus", "on_demand_usd_per_gpu_hour", m.on_demand_gpus,
                       m.on_demand_usd_per_gpu_hour);
        !r)
      return r;
    if (auto r = offer("spot_gpus", "spot_usd_per_gpu_hour", m.spot_gpus, m.spot_usd_per_gpu_hour); !r)
      return r;
    auto rate = item.get_double("spot_preemptions_per_node_hour", 0.0, 0.0, 3600.0);
    if (!rate) return fail(rate.error());
    m.spot_preemptions_per_node_hour = *rate;
    s.markets.push_back(m);
  }
  const size_t written = s.markets.size();
  for (const auto& item : *items)
    if (item.is_map() && item.optional("from_catalog"))
      if (auto r = add_catalog_markets(item, ctx, written, s); !r) return r;
  return check_fleet_size(list, s);
}

}  // namespace gpufleet
