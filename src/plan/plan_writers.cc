// The plan's outputs: a terminal report, plan.json, plan.csv (one row per commitment) and
// plan_focus.csv (plan_focus_writer).
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/plan.h"
#include "io/catalog/catalog_provenance.h"
#include "plan/plan_binding.h"
#include "plan/plan_focus_writer.h"
#include "util/atomic_file.h"
#include "util/csv_cell.h"
#include "util/human_format.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

const char* kMarginalUnit(const std::string& kind) {
  if (kind == "power_mw") return "one more MW at the site";
  if (kind == "supply_gpu") return "one more GPU available";
  if (kind == "ramp_gpu") return "one more GPU deliverable";
  if (kind == "share_point") return "one more point of the share cap";
  if (kind == "budget_usd") return "one more dollar of budget";
  if (kind == "demand_ref_gpu") return "one more reference GPU of demand (cost)";
  return "";
}

}  // namespace

std::string format_plan_report(const PlanResult& r, const PlanInputs& in) {
  std::string out;
  auto line = [&out](std::string s) { out += s + "\n"; };
  line(fmt::format("Plan: {} | {} periods of {} months from {} | status: {}{}", in.scenario.name, in.periods, in.period_months,
                   period_label(in, 0), to_string(r.status), r.relaxed ? " (LP relaxation: fractional blocks)" : ""));
  const bool have_plan = r.status == PlanStatus::optimal || r.status == PlanStatus::time_limit;
  line(fmt::format("Solver: {}: {} | objective {} | bound {} | gap {}", r.solver, r.solver_status,
                   have_plan ? human_usd(r.objective_usd) + " (present value)" : "none (no plan)",
                   r.best_bound_usd > 0 || have_plan ? human_usd(r.best_bound_usd) : "none",
                   have_plan ? fmt::format("{:.3f}%", 100 * r.gap) : "n/a"));
  line(fmt::format("Model: {} rows, {} columns ({} integer), {} non-zeros", r.size.rows, r.size.columns, r.size.integers,
                   with_commas(static_cast<double>(r.size.nonzeros))));
  std::string passes;
  for (const auto& p : r.timings) passes += fmt::format("{}{} {:.3f}s", passes.empty() ? "" : ", ", p.name, p.seconds);
  line("Passes: " + passes);
  if (!r.search.empty()) {
    std::string search;
    for (const auto& p : r.search)
      search += fmt::format("{}{} {:.2f}s (plan {}, bound {})", search.empty() ? "" : ", ", p.name, p.seconds,
                            p.incumbent_usd < 0 ? "none" : human_usd(p.incumbent_usd), p.bound_usd < 0 ? "none" : human_usd(p.bound_usd));
    line("Search: " + search);
  }
  for (const auto& n : r.notes) line("Note: " + n);

  if (r.status == PlanStatus::infeasible) {
    line("");
    line("Infeasible. Each kind of limit relaxed alone, every other kept, shows what stands in the way:");
    bool all_after = !r.diagnosis.empty();
    for (const auto& c : r.diagnosis) {
      line(fmt::format("  [{}] {}", c.family, c.message));
      if (!c.period.empty() && c.period.find("after the horizon") == std::string::npos) all_after = false;
    }
    if (all_after)
      line("  Every shortfall is after the horizon, in the demand that plan.end adds there: hold it (demand_after: hold), "
           "serve fewer years (years: N) or value nothing after the horizon (demand_after: none).");
    if (r.diagnosis.empty()) line("  (diagnosis switched off)");
    return out;
  }
  if (r.status == PlanStatus::no_plan_found) {
    line(r.relaxed ? "The LP relaxation did not finish within the time limit; raise --time-limit."
                   : fmt::format("No plan found within the time limit{}; raise --time-limit{}.",
                                 r.best_bound_usd > 0 ? fmt::format(" (every plan costs at least {})", human_usd(r.best_bound_usd)) : "",
                                 r.best_bound_usd > 0 ? ", or try --relax for the LP relaxation alone" : ""));
    return out;
  }

  if (const auto binding = plan::binding_choices(r, in); !binding.empty()) {
    line("");
    line("What the binding limits cost (marginal values, one unit either way):");
    for (const auto& b : binding) line("  " + b.sentence);
  }
  line("");
  size_t gpu_commitments = 0, spend_commitments = 0;
  for (const auto& c : r.commitments) (c.kind == Commitment::Kind::spend ? spend_commitments : gpu_commitments)++;
  line(fmt::format("Commitments ({}):", gpu_commitments));
  line(fmt::format("  {:<8} {:<10} {:<26} {:<9} {:>5} {:>9} {:>8} {:>10}", "start", "provider", "site", "accel", "term", "GPUs",
                   "$/GPU-h", "total"));
  for (const auto& c : r.commitments)
    if (c.kind == Commitment::Kind::gpus)
    line(fmt::format("  {:<8} {:<10} {:<26} {:<9} {:>4}y {:>9} {:>8.3f} {:>10}", period_label(in, c.start_period), c.provider, c.site,
                     c.accelerator, c.term_years, with_commas(static_cast<double>(c.gpus)), c.usd_per_gpu_hour, human_usd(c.total_usd)));

  if (spend_commitments > 0) {
    line("");
    line(fmt::format("Spend commitments ({}): dollars committed to a provider, drawn at a discount on its on-demand list prices",
                     spend_commitments));
    line(fmt::format("  {:<8} {:<10} {:>5} {:>10} {:>9} {:>10} {:>10} {:>10}", "start", "provider", "term", "committed", "discount",
                     "spent", "shortfall", "total"));
    for (const auto& c : r.commitments)
      if (c.kind == Commitment::Kind::spend)
        line(fmt::format("  {:<8} {:<10} {:>4}y {:>10} {:>8.1f}% {:>10} {:>10} {:>10}", period_label(in, c.start_period), c.provider,
                         c.term_years, human_usd(c.commit_usd), 100 * c.discount, human_usd(c.spent_usd), human_usd(c.shortfall_usd),
                         human_usd(c.total_usd)));
  }
  if (!r.terminations.empty()) {
    line("");
    line("Early-termination options of existing contracts:");
    for (const auto& t : r.terminations)
      line(fmt::format("  {:<26} on {} at a fee of {}: {}", t.contract, t.at, human_usd(t.fee_usd),
                       !t.exercised ? "kept (the contract runs its term)"
                       : t.decided_by_plan ? "exercised by the plan"
                                           : "exercised (by the scenario)"));
  }

  auto cost_table = [&](const std::string& title, const std::vector<CostBreakdown>& rows) {
    line("");
    line(title);
    line(fmt::format("  {:<10} {:>11} {:>11} {:>11} {:>11} {:>11}", "", "commitments", "on-demand", "spot", "energy", "total"));
    for (const auto& c : rows)
      line(fmt::format("  {:<10} {:>11} {:>11} {:>11} {:>11} {:>11}", c.label, human_usd(c.commitments_usd), human_usd(c.on_demand_usd),
                       human_usd(c.spot_usd), human_usd(c.energy_usd), human_usd(c.total_usd())));
  };
  cost_table("Cost per year (undiscounted):", r.cost_by_year);
  cost_table("Cost per provider over the horizon:", r.cost_by_provider);
  line(fmt::format("  contract tails after the horizon: {}, their energy {} (the new contracts' terms running past it)",
                   human_usd(r.commitments_beyond_horizon_usd), human_usd(r.energy_beyond_horizon_usd)));
  if (!r.after_horizon.label.empty())
    line(fmt::format("  after the horizon, demand {} for {} (in the objective, so that late commitments are valued): "
                     "commitments {}, on-demand {}, spot {}, energy {}, total {}",
                     in.end.demand_after == HorizonEnd::Demand::grow ? "growing on" : "held at its last level",
                     r.after_horizon.label, human_usd(r.after_horizon.commitments_usd), human_usd(r.after_horizon.on_demand_usd),
                     human_usd(r.after_horizon.spot_usd), human_usd(r.after_horizon.energy_usd), human_usd(r.after_horizon.total_usd())));

  line("");
  line("Per period (reference GPUs):");
  line(fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>9} {:>8} {:>6} {:>8}", "period", "training", "inference", "committed", "on-demand",
                   "spot", "util", "MW"));
  for (const auto& p : r.periods)
    line(fmt::format("  {:<8} {:>10} {:>10} {:>10} {:>9} {:>8} {:>5.1f}% {:>8.1f}", p.label, with_commas(p.training_ref_gpus),
                     with_commas(p.inference_ref_gpus), with_commas(p.committed_ref_gpus), with_commas(p.on_demand_ref_gpus), with_commas(p.spot_ref_gpus),
                     100 * p.utilisation, p.power_mw));

  line("");
  line("Shares of firm capacity (max over periods, in the last period):");
  for (const auto& s : r.provider_shares)
    line(fmt::format("  provider {:<12} {:>5.1f}% ({}) {:>5.1f}%", s.name, 100 * s.max_share, s.max_period, 100 * s.final_share));
  for (const auto& s : r.jurisdiction_shares)
    line(fmt::format("  jurisdiction {:<8} {:>5.1f}% ({}) {:>5.1f}%", s.name, 100 * s.max_share, s.max_period, 100 * s.final_share));

  line("");
  line(fmt::format("Resilience (firm reference GPUs left when one is lost; required {:.0f}% of critical demand{}):", 100 * in.n1_share,
                   (in.n1_providers || in.n1_sites) ? "" : ", N-1 not enforced"));
  for (const auto& x : r.resilience)
    line(fmt::format("  {:<8} {:<26} tightest {:<16} left {:>10} required {:>10} {}", x.kind, x.name, x.period, with_commas(x.remaining_ref_gpus),
                     with_commas(x.required_ref_gpus), x.ok ? "ok" : "SHORT"));

  if (!r.marginals.empty()) {
    line("");
    // The largest few per kind; plan.json has them all, with the period where each peaks.
    line("Marginal values, the unit in every period (present value; one unit more, and one unit less where it differs;");
    line("re-solved = measured by solving the LP again with the unit added and removed, duals = first-order estimate):");
    std::vector<const MarginalValue*> all;
    for (const auto& m : r.marginals)
      if (m.period == "all") all.push_back(&m);
    std::stable_sort(all.begin(), all.end(), [](const MarginalValue* a, const MarginalValue* b) {
      return a->kind != b->kind ? a->kind < b->kind : a->usd > b->usd;
    });
    std::string kind;
    int shown = 0;
    for (const auto* m : all) {
      if (m->kind != kind) {
        kind = m->kind;
        shown = 0;
        line(fmt::format("  {} ({}; {}):", kind, kMarginalUnit(kind), m->basis));
      }
      if (shown++ >= 4) continue;
      std::string less;
      if (m->exact && !m->less_feasible) less = "   one less: no plan";
      else if (m->exact && std::abs(m->usd_less - m->usd) > 0.01 * std::max(std::abs(m->usd), std::abs(m->usd_less)))
        less = "   one less: " + human_usd(m->usd_less);
      line(fmt::format("    {:<40} {:>11}{}", m->what, human_usd(m->usd), less));
    }
  }
  line("");
  if (r.check_failures.empty()) {
    line("Plan check: every constraint verified independently of the solver.");
  } else {
    line(fmt::format("Plan check: {} violations:", r.check_failures.size()));
    for (const auto& f : r.check_failures) line("  " + f);
  }
  return out;
}

// plan.csv: one row per GPU contract, the plan's new commitments and then the contracts in force
// before it (existing), with both ends, reference GPUs, and the bill nominal and at present
// value: a new commitment's over its whole term, an existing contract's over the horizon as the
// plan costs it (PlanResult::existing_contract_usd).
std::string plan_csv(const PlanResult& r, const PlanInputs& in) {
  const Scenario& sc = in.scenario;
  std::string csv =
      "kind,name,provider,site,accelerator,start,start_date,end_date,term_years,gpus,ref_gpus,usd_per_gpu_hour,total_usd,"
      "present_value_usd\n";
  for (const auto& c : r.commitments)
    if (c.kind == Commitment::Kind::gpus)
      csv += fmt::format("new,,{},{},{},{},{},{},{},{},{:.2f},{},{:.2f},{:.2f}\n", csv_cell(c.provider), csv_cell(c.site), csv_cell(c.accelerator),
                         period_label(in, c.start_period), format_iso_date(c.start_unix_s), format_iso_date(c.end_unix_s), c.term_years,
                         c.gpus, c.ref_gpus, c.usd_per_gpu_hour, c.total_usd, c.present_value_usd);
  for (size_t i = 0; i < sc.contracts.size(); ++i) {
    const Contract& k = sc.contracts[i];
    int64_t peak = 0;
    for (const auto& step : k.ramp) peak = std::max(peak, step.gpus);
    const double total = i < r.existing_contract_usd.size() ? r.existing_contract_usd[i] : 0.0;
    const double present = i < r.existing_contract_present_usd.size() ? r.existing_contract_present_usd[i] : 0.0;
    const auto& provider = sc.providers[static_cast<size_t>(k.provider)].name;
    const auto& accelerator = sc.accelerators[static_cast<size_t>(k.accelerator)];
    const int64_t from = sc.start_unix_s + static_cast<int64_t>(k.start_s), to = sc.start_unix_s + static_cast<int64_t>(k.end_s);
    csv += fmt::format("existing,{},{},{},{},,{},{},{:.2f},{},{:.2f},{},{:.2f},{:.2f}\n", csv_cell(k.name), csv_cell(provider),
                       csv_cell(sc.sites[static_cast<size_t>(k.site)].name), csv_cell(accelerator.name), format_iso_date(from), format_iso_date(to),
                       (k.end_s - k.start_s) / (365.25 * 86400.0), peak, static_cast<double>(peak) * accelerator.speed_factor,
                       k.usd_per_gpu_hour, total, present);
  }
  return csv;
}

std::string plan_json(const PlanResult& r, const PlanInputs& in) {
  using nlohmann::json;
  json j;
  j["scenario"] = in.scenario.name;
  if (!in.scenario.catalogs.empty()) j["price_catalogues"] = json(catalog_sources_json(in.scenario.catalogs));
  j["status"] = std::string(to_string(r.status));
  j["relaxed"] = r.relaxed;
  j["solver"] = {{"name", r.solver}, {"status", r.solver_status}, {"objective_usd", r.objective_usd},
                 {"best_bound_usd", r.best_bound_usd}, {"gap", r.gap}};
  j["model"] = {{"rows", r.size.rows}, {"columns", r.size.columns}, {"integers", r.size.integers}, {"nonzeros", r.size.nonzeros}};
  j["passes"] = json::array();
  for (const auto& p : r.timings) j["passes"].push_back({{"name", p.name}, {"seconds", p.seconds}});
  j["search"] = nlohmann::json::array();
  for (const auto& p : r.search)
    j["search"].push_back({{"name", p.name}, {"seconds", p.seconds}, {"incumbent_usd", p.incumbent_usd}, {"bound_usd", p.bound_usd}});
  j["notes"] = r.notes;
  j["after_horizon"] = {{"label", r.after_horizon.label},
                        {"demand_after", in.end.demand_after == HorizonEnd::Demand::grow   ? "grow"
                                         : in.end.demand_after == HorizonEnd::Demand::hold ? "hold"
                                                                                            : "none"},
                        {"years", in.end.years},
                        {"salvage", in.end.salvage_share},
                        {"commitments_usd", r.after_horizon.commitments_usd},
                        {"on_demand_usd", r.after_horizon.on_demand_usd},
                        {"spot_usd", r.after_horizon.spot_usd},
                        {"energy_usd", r.after_horizon.energy_usd}};
  j["commitments"] = json::array();
  j["spend_commitments"] = json::array();
  for (const auto& c : r.commitments)
    if (c.kind == Commitment::Kind::gpus)
      j["commitments"].push_back({{"provider", c.provider}, {"site", c.site}, {"accelerator", c.accelerator},
                                  {"start", period_label(in, c.start_period)}, {"term_years", c.term_years}, {"gpus", c.gpus},
                                  {"usd_per_gpu_hour", c.usd_per_gpu_hour}, {"escalator_per_year", c.escalator_per_year},
                                  {"from", format_iso_datetime(c.start_unix_s)}, {"to", format_iso_datetime(c.end_unix_s)}, {"total_usd", c.total_usd},
                                  {"present_value_usd", c.present_value_usd}, {"ref_gpus", c.ref_gpus}});
    else
      j["spend_commitments"].push_back({{"provider", c.provider}, {"offer", in.spend_offers[static_cast<size_t>(c.offer)].name},
                                        {"start", period_label(in, c.start_period)}, {"term_years", c.term_years},
                                        {"committed_usd", c.commit_usd}, {"discount", c.discount},
                                        {"escalator_per_year", c.escalator_per_year}, {"spent_usd", c.spent_usd},
                                        {"shortfall_usd", c.shortfall_usd}, {"total_usd", c.total_usd}});
  j["terminations"] = json::array();
  for (const auto& t : r.terminations)
    j["terminations"].push_back({{"contract", t.contract}, {"at", t.at}, {"fee_usd", t.fee_usd}, {"exercised", t.exercised},
                                 {"decided_by_plan", t.decided_by_plan}});
  auto costs = [](const std::vector<CostBreakdown>& rows) {
    json a = json::array();
    for (const auto& c : rows)
      a.push_back({{"label", c.label}, {"commitments_usd", c.commitments_usd}, {"on_demand_usd", c.on_demand_usd},
                   {"spot_usd", c.spot_usd}, {"energy_usd", c.energy_usd}, {"total_usd", c.total_usd()}});
    return a;
  };
  j["cost_by_year"] = costs(r.cost_by_year);
  j["cost_by_provider"] = costs(r.cost_by_provider);
  j["commitments_beyond_horizon_usd"] = r.commitments_beyond_horizon_usd;
  j["energy_beyond_horizon_usd"] = r.energy_beyond_horizon_usd;
  const Scenario& sc = in.scenario;
  // Values indexed like the scenario's providers or sites, as an object keyed by name.
  auto by_name = [](const std::vector<double>& values, const auto& named) {
    json o = json::object();
    for (size_t i = 0; i < values.size() && i < named.size(); ++i) o[named[i].name] = values[i];
    return o;
  };
  // The bill per period and provider (undiscounted), from its lines: a line falls in the period
  // its start lies in (a fee at its date).
  const auto& starts = in.period_start_unix_s;
  std::vector<std::vector<CostBreakdown>> bill(r.periods.size(), std::vector<CostBreakdown>(sc.providers.size()));
  for (const PlanCharge& c : r.bill) {
    const auto at = std::upper_bound(starts.begin(), starts.end(), c.start_unix_s);
    const auto t = static_cast<size_t>(std::max<std::ptrdiff_t>(0, at - starts.begin() - 1));
    const int prov = sc.find_provider(c.provider);
    if (t >= bill.size() || prov < 0) continue;
    CostBreakdown& b = bill[t][static_cast<size_t>(prov)];
    switch (c.kind) {
      case PlanCharge::Kind::on_demand: b.on_demand_usd += c.usd; break;
      case PlanCharge::Kind::spot: b.spot_usd += c.usd; break;
      case PlanCharge::Kind::energy: b.energy_usd += c.usd; break;
      default: b.commitments_usd += c.usd; break;
    }
  }
  auto bill_json = [&](size_t t) {
    json o = json::object();
    for (size_t p = 0; p < sc.providers.size(); ++p) {
      const CostBreakdown& b = bill[t][p];
      o[sc.providers[p].name] = {{"commitments_usd", b.commitments_usd}, {"on_demand_usd", b.on_demand_usd},
                                 {"spot_usd", b.spot_usd}, {"energy_usd", b.energy_usd}};
    }
    return o;
  };
  j["periods"] = json::array();
  for (size_t t = 0; t < r.periods.size(); ++t) {
    const PlanPeriod& p = r.periods[t];
    j["periods"].push_back({{"period", p.label}, {"training_ref_gpus", p.training_ref_gpus}, {"inference_ref_gpus", p.inference_ref_gpus},
                            {"committed_ref_gpus", p.committed_ref_gpus}, {"on_demand_ref_gpus", p.on_demand_ref_gpus},
                            {"spot_ref_gpus", p.spot_ref_gpus}, {"utilisation", p.utilisation}, {"power_mw", p.power_mw},
                            {"committed_ref_gpus_by_provider", by_name(p.committed_ref_gpus_by_provider, sc.providers)},
                            {"committed_ref_gpus_by_site", by_name(p.committed_ref_gpus_by_site, sc.sites)},
                            {"power_mw_by_site", by_name(p.power_mw_by_site, sc.sites)},
                            {"cost_by_provider", bill_json(t)}});
  }
  // The horizon, the sites' limits and the policy the plan was held to (for reports).
  if (!in.period_start_unix_s.empty() && in.periods > 0 && static_cast<size_t>(in.periods) < in.period_start_unix_s.size())
    j["horizon"] = {{"start", format_iso_date(in.period_start_unix_s.front())},
                    {"end", format_iso_date(in.period_start_unix_s[static_cast<size_t>(in.periods)])},
                    {"period_months", in.period_months}, {"periods", in.periods}};
  j["sites"] = json::array();
  for (const Site& site : sc.sites)
    j["sites"].push_back({{"name", site.name},
                          {"provider", site.provider >= 0 && static_cast<size_t>(site.provider) < sc.providers.size()
                                           ? sc.providers[static_cast<size_t>(site.provider)].name
                                           : std::string()},
                          {"jurisdiction", site.jurisdiction}, {"power_cap_mw", site.power_cap_mw}});
  j["policy"] = {{"max_provider_share", in.max_provider_share}, {"n1_providers", in.n1_providers},
                 {"n1_sites", in.n1_sites}, {"n1_share", in.n1_share}, {"budget_usd_per_year", in.budget_usd_per_year}};
  // The contracts in force before the plan, for the report's timeline of terms: face value =
  // GPUs of the ramp x hours of the term x price (undiscounted; take-or-pay bills at least
  // take_or_pay_share of it).
  j["existing_contracts"] = json::array();
  for (const Contract& c : sc.contracts) {
    const auto name_of = [](const auto& list, int i) {
      return i >= 0 && static_cast<size_t>(i) < list.size() ? list[static_cast<size_t>(i)].name : std::string();
    };
    int64_t peak = 0;
    for (const auto& step : c.ramp) peak = std::max(peak, step.gpus);
    const double hours = std::max(0.0, c.end_s - c.start_s) / 3600;
    j["existing_contracts"].push_back(
        {{"name", c.name}, {"provider", name_of(sc.providers, c.provider)}, {"site", name_of(sc.sites, c.site)},
         {"accelerator", name_of(sc.accelerators, c.accelerator)},
         {"start", format_iso_date(sc.start_unix_s + static_cast<int64_t>(c.start_s))},
         {"end", format_iso_date(sc.start_unix_s + static_cast<int64_t>(c.end_s))}, {"gpus", peak},
         {"usd_per_gpu_hour", c.usd_per_gpu_hour}, {"take_or_pay_share", c.take_or_pay_share},
         {"total_usd", hours > 0 ? c.average_gpus(c.start_s, c.end_s) * hours * c.usd_per_gpu_hour : 0.0}});
  }
  auto shares = [](const std::vector<ShareRow>& rows) {
    json a = json::array();
    for (const auto& s : rows)
      a.push_back({{"name", s.name}, {"max_share", s.max_share}, {"max_period", s.max_period}, {"final_share", s.final_share}});
    return a;
  };
  j["provider_shares"] = shares(r.provider_shares);
  j["jurisdiction_shares"] = shares(r.jurisdiction_shares);
  j["resilience"] = json::array();
  for (const auto& x : r.resilience)
    j["resilience"].push_back({{"kind", x.kind}, {"name", x.name}, {"period", x.period}, {"remaining_ref_gpus", x.remaining_ref_gpus},
                               {"critical_ref_gpus", x.critical_ref_gpus}, {"required_ref_gpus", x.required_ref_gpus}, {"ok", x.ok}});
  j["marginals"] = json::array();
  for (const auto& m : r.marginals)
    j["marginals"].push_back({{"kind", m.kind}, {"what", m.what}, {"period", m.period}, {"usd", m.usd},
                              {"usd_less", m.less_feasible ? json(m.usd_less) : json(nullptr)}, {"exact", m.exact},
                              {"basis", m.basis}});
  j["share_cap_cost_usd"] = r.share_cap_cost_usd >= 0 ? json(r.share_cap_cost_usd) : json(nullptr);
  j["binding_choices"] = json::array();
  for (const auto& b : plan::binding_choices(r, in))
    j["binding_choices"].push_back({{"kind", b.kind}, {"what", b.what}, {"usd_more", b.usd_more},
                                    {"usd_less", b.less_feasible ? json(b.usd_less) : json(nullptr)}, {"exact", b.exact},
                                    {"sentence", b.sentence}});
  j["diagnosis"] = json::array();
  for (const auto& c : r.diagnosis)
    j["diagnosis"].push_back({{"family", c.family}, {"period", c.period}, {"message", c.message}, {"amount", c.amount}});
  j["check_failures"] = r.check_failures;
  return j.dump(2);
}

Result<void> write_plan_results(const PlanResult& r, const PlanInputs& in, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, 0, 0, "", fmt::format("cannot create the directory: {}", ec.message()));
  const std::string base = (std::filesystem::path(dir) / "plan").string();
  if (auto w = write_file_atomically(base + ".json", plan_json(r, in) + "\n"); !w) return w;
  if (auto w = write_file_atomically(base + ".csv", plan_csv(r, in)); !w) return w;
  return plan::write_plan_focus(r, in, (std::filesystem::path(dir) / "plan_focus.csv").string());
}

}  // namespace gpufleet
