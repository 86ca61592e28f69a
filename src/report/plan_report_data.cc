#include "report/plan_report_data.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "util/human_format.h"
#include "util/time_parse.h"
#include "report/json_input.h"

namespace gpufleet::report {

namespace {

using json = nlohmann::ordered_json;

// Checks that every element of plan.json's array `key` is an object with the given number
// fields, and returns the array.
Result<const json*> checked_rows(const JsonObject& plan, const std::string& key, const std::vector<std::string>& numbers,
                                 const std::vector<std::string>& strings) {
  auto rows = plan.array(key);
  if (!rows) return fail(rows.error());
  for (size_t i = 0; i < (*rows)->size(); ++i) {
    const json& e = (**rows)[i];
    const JsonObject o = plan.element(e, key, i);
    if (!e.is_object()) return fail(o.error("", fmt::format("expected an object, found {}", e.type_name())));
    for (const auto& n : numbers)
      if (auto v = o.number(n); !v) return fail(v.error());
    for (const auto& n : strings)
      if (auto v = o.string(n); !v) return fail(v.error());
  }
  return *rows;
}

// A series per name from the periods' objects `key` ({name: value}); empty when absent.
json split_series(const json& periods, const std::string& key) {
  json out = json::object();
  for (size_t t = 0; t < periods.size(); ++t) {
    if (!periods[t].contains(key) || !periods[t].at(key).is_object()) return json::object();
    for (const auto& [name, v] : periods[t].at(key).items()) {
      if (!out.contains(name)) out[name] = json::array();
      while (out[name].size() < t) out[name].push_back(0);
      out[name].push_back(v.is_number() ? compact(v.get<double>()) : 0.0);
    }
  }
  return out;
}

// A date "YYYY-MM-DD" as a decimal year (2026-07-01 -> 2026.5); nullopt when it is not one.
std::optional<double> decimal_year(const std::string& date) {
  int y = 0, m = 0, d = 0;
  if (date.size() < 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
    return std::nullopt;
  return y + (m - 1) / 12.0 + (d - 1) / 365.25;
}

// The commitment list a buyer signs: every contract, new and existing, as a row of the timeline
// of terms ("contract_terms": start and end in decimal years), and their value per provider
// ("contract_value_by_provider": undiscounted, over whole terms). New commitments start at
// their period: the horizon's start plus period_months per period.
void add_contract_terms(json& d, const json& plan, const json& commitments, const json& periods) {
  const json& h = plan.contains("horizon") && plan.at("horizon").is_object() ? plan.at("horizon") : json::object();
  const auto start = decimal_year(h.contains("start") && h.at("start").is_string() ? h.at("start").get<std::string>() : "");
  const int period_months = h.contains("period_months") && h.at("period_months").is_number_integer() ? h.at("period_months").get<int>() : 3;
  std::map<std::string, size_t> period_index;
  for (size_t t = 0; t < periods.size(); ++t) period_index[periods[t].at("period").get<std::string>()] = t;
  json rows = json::array();
  struct Value {
    double new_usd = 0, existing_usd = 0;
    int64_t new_contracts = 0, existing_contracts = 0, new_gpus = 0, existing_gpus = 0;
  };
  std::map<std::string, Value> by_provider;
  std::vector<std::string> provider_order;
  const auto value_of = [&](const std::string& provider) -> Value& {
    if (!by_provider.contains(provider)) provider_order.push_back(provider);
    return by_provider[provider];
  };
  if (plan.contains("existing_contracts") && plan.at("existing_contracts").is_array()) {
    for (const json& c : plan.at("existing_contracts")) {
      if (!c.is_object()) continue;
      const auto from = decimal_year(c.value("start", "")), to = decimal_year(c.value("end", ""));
      const std::string provider = c.value("provider", "");
      Value& v = value_of(provider);
      ++v.existing_contracts;
      v.existing_usd += c.value("total_usd", 0.0);
      v.existing_gpus += c.value("gpus", int64_t{0});
      if (!from || !to) continue;
      rows.push_back({{"kind", "existing"}, {"label", fmt::format("{} {} (existing)", c.value("site", ""), c.value("accelerator", ""))},
                      {"provider", provider}, {"site", c.value("site", "")}, {"from", compact(*from, 6)}, {"to", compact(*to, 6)},
                      {"start", c.value("start", "")}, {"end", c.value("end", "")}, {"gpus", c.value("gpus", int64_t{0})},
                      {"total_usd", c.value("total_usd", 0.0)}});
    }
  }
  for (const json& c : commitments) {
    const std::string provider = c.at("provider").get<std::string>();
    Value& v = value_of(provider);
    ++v.new_contracts;
    v.new_usd += c.at("total_usd").get<double>();
    v.new_gpus += c.at("gpus").get<int64_t>();
    const auto t = period_index.find(c.at("start").get<std::string>());
    if (!start || t == period_index.end()) continue;
    const double from = *start + static_cast<double>(t->second * static_cast<size_t>(period_months)) / 12.0;
    const double term = c.at("term_years").get<double>();
    rows.push_back({{"kind", "new"},
                    {"label", fmt::format("{} {} from {}", c.at("site").get<std::string>(), c.at("accelerator").get<std::string>(),
                                          c.at("start").get<std::string>())},
                    {"provider", provider}, {"site", c.at("site")}, {"from", compact(from, 6)}, {"to", compact(from + term, 6)},
                    {"start", c.at("start")}, {"end", fmt::format("{} years on", term)}, {"gpus", c.at("gpus")},
                    {"total_usd", c.at("total_usd")}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a.at("provider") != b.at("provider") ? a.at("provider").get<std::string>() < b.at("provider").get<std::string>()
                                                : a.at("from").get<double>() < b.at("from").get<double>();
  });
  d["contract_terms"] = rows;
  json value = json::array();
  std::sort(provider_order.begin(), provider_order.end());
  for (const std::string& p : provider_order) {
    const Value& v = by_provider[p];
    value.push_back({{"provider", p}, {"new_contracts", v.new_contracts}, {"new_gpus", v.new_gpus}, {"new_usd", v.new_usd},
                     {"existing_contracts", v.existing_contracts}, {"existing_gpus", v.existing_gpus},
                     {"existing_usd", v.existing_usd}, {"total_usd", v.new_usd + v.existing_usd}});
  }
  d["contract_value_by_provider"] = value;
}

}  // namespace

Result<ReportSection> read_plan_section(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "plan.json").string();
  auto loaded = read_json_object(path);
  if (!loaded) return fail(loaded.error());
  const json& j = *loaded;
  const JsonObject plan(j, path);
  auto scenario = plan.string("scenario");
  if (!scenario) return fail(scenario.error());
  auto status = plan.string("status");
  if (!status) return fail(status.error());
  auto solver = plan.object("solver");
  if (!solver) return fail(solver.error());
  auto objective = solver->number("objective_usd");
  if (!objective) return fail(objective.error());
  auto periods = checked_rows(plan, "periods",
                              {"training_ref_gpus", "inference_ref_gpus", "committed_ref_gpus", "on_demand_ref_gpus",
                               "spot_ref_gpus", "utilisation", "power_mw"},
                              {"period"});
  if (!periods) return fail(periods.error());
  const std::vector<std::string> cost_fields = {"commitments_usd", "on_demand_usd", "spot_usd", "energy_usd", "total_usd"};
  auto by_year = checked_rows(plan, "cost_by_year", cost_fields, {"label"});
  if (!by_year) return fail(by_year.error());
  auto by_provider = checked_rows(plan, "cost_by_provider", cost_fields, {"label"});
  if (!by_provider) return fail(by_provider.error());
  auto shares = checked_rows(plan, "provider_shares", {"max_share", "final_share"}, {"name", "max_period"});
  if (!shares) return fail(shares.error());
  auto resilience = checked_rows(plan, "resilience", {"remaining_ref_gpus", "critical_ref_gpus", "required_ref_gpus"},
                                 {"kind", "name", "period"});
  if (!resilience) return fail(resilience.error());
  auto marginals = checked_rows(plan, "marginals", {"usd"}, {"kind", "what", "period"});
  if (!marginals) return fail(marginals.error());
  auto commitments = checked_rows(plan, "commitments", {"term_years", "gpus", "usd_per_gpu_hour", "total_usd"},
                                  {"provider", "site", "accelerator", "start"});
  if (!commitments) return fail(commitments.error());
  // Spend commitments: in plan.json since they were modelled (an older plan has none).
  const json no_rows = json::array();
  const json* spend = &no_rows;
  if (j.contains("spend_commitments")) {
    auto rows = checked_rows(plan, "spend_commitments",
                             {"term_years", "committed_usd", "discount", "spent_usd", "shortfall_usd", "total_usd"},
                             {"provider", "offer", "start"});
    if (!rows) return fail(rows.error());
    spend = *rows;
  }

  ReportSection out;
  out.kind = "plan";
  out.scenario = *scenario;
  const json& P = **periods;
  json& d = out.data;
  d["status"] = *status;
  d["relaxed"] = j.value("relaxed", false);
  d["labels"] = json::array();
  json training = json::array(), inference = json::array(), demand = json::array(), on_demand = json::array(),
       spot = json::array(), committed = json::array(), power = json::array(), utilisation = json::array();
  double peak_committed = 0;
  for (const json& p : P) {
    d["labels"].push_back(p.at("period"));
    const double tr = p.at("training_ref_gpus").get<double>(), in = p.at("inference_ref_gpus").get<double>();
    training.push_back(compact(tr));
    inference.push_back(compact(in));
    demand.push_back(compact(tr + in));
    committed.push_back(compact(p.at("committed_ref_gpus").get<double>()));
    on_demand.push_back(compact(p.at("on_demand_ref_gpus").get<double>()));
    spot.push_back(compact(p.at("spot_ref_gpus").get<double>()));
    power.push_back(compact(p.at("power_mw").get<double>()));
    utilisation.push_back(compact(p.at("utilisation").get<double>(), 3));
    peak_committed = std::max(peak_committed, p.at("committed_ref_gpus").get<double>());
  }
  d["demand_ref_gpus"] = {{"training", training}, {"inference", inference}, {"total", demand}};
  d["committed_ref_gpus"] = committed;
  d["on_demand_ref_gpus"] = on_demand;
  d["spot_ref_gpus"] = spot;
  d["power_mw"] = power;
  d["utilisation"] = utilisation;
  d["committed_ref_gpus_by_provider"] = split_series(P, "committed_ref_gpus_by_provider");
  d["committed_ref_gpus_by_site"] = split_series(P, "committed_ref_gpus_by_site");
  d["power_mw_by_site"] = split_series(P, "power_mw_by_site");
  d["cost_by_year"] = **by_year;
  d["cost_by_provider"] = **by_provider;
  d["provider_shares"] = **shares;
  if (j.contains("jurisdiction_shares") && j.at("jurisdiction_shares").is_array()) d["jurisdiction_shares"] = j.at("jurisdiction_shares");
  d["resilience"] = **resilience;
  d["commitments"] = **commitments;
  d["spend_commitments"] = *spend;
  d["commitments_beyond_horizon_usd"] = j.value("commitments_beyond_horizon_usd", 0.0);
  // Serving demand after the horizon (the plan's end treatment), when plan.json records it.
  double after_usd = 0;
  std::string after_label;
  if (j.contains("after_horizon") && j.at("after_horizon").is_object()) {
    const json& a = j.at("after_horizon");
    for (const char* k : {"commitments_usd", "on_demand_usd", "spot_usd", "energy_usd"})
      if (a.contains(k) && a.at(k).is_number()) after_usd += a.at(k).get<double>();
    if (a.contains("label") && a.at("label").is_string()) after_label = a.at("label").get<std::string>();
    if (!after_label.empty()) d["after_horizon"] = a;
  }
  // The marginal values over the whole horizon, largest first; the per-period rows stay in plan.json.
  json ranked = json::array();
  for (const json& m : **marginals)
    if (m.at("period") == "all") ranked.push_back(m);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const json& a, const json& b) { return a.at("usd").get<double>() > b.at("usd").get<double>(); });
  d["marginals"] = ranked;
  if (j.contains("diagnosis") && j.at("diagnosis").is_array()) d["diagnosis"] = j.at("diagnosis");
  if (j.contains("check_failures") && j.at("check_failures").is_array()) d["check_failures"] = j.at("check_failures");
  // Limits the plan was held to, when plan.json records them.
  if (j.contains("policy") && j.at("policy").is_object()) d["policy"] = j.at("policy");
  if (j.contains("sites") && j.at("sites").is_array()) d["sites"] = j.at("sites");
  if (j.contains("horizon") && j.at("horizon").is_object()) d["horizon"] = j.at("horizon");
  if (j.contains("binding_choices") && j.at("binding_choices").is_array()) d["binding_choices"] = j.at("binding_choices");
  add_contract_terms(d, j, **commitments, P);

  double total = 0;
  for (const json& y : **by_year) total += y.at("total_usd").get<double>();
  int64_t gpus = 0;
  for (const json& c : **commitments) gpus += c.at("gpus").get<int64_t>();
  double spend_usd = 0;
  for (const json& c : *spend) spend_usd += c.at("committed_usd").get<double>();
  const std::string first = P.empty() ? "" : P.front().at("period").get<std::string>();
  const std::string last = P.empty() ? "" : P.back().at("period").get<std::string>();
  if (j.contains("horizon") && j.at("horizon").is_object()) {
    const json& h = j.at("horizon");
    out.horizon = fmt::format("{} to {} ({} periods of {} months)", h.value("start", first), h.value("end", last),
                              h.value("periods", static_cast<int>(P.size())), h.value("period_months", 3));
  } else {
    out.horizon = fmt::format("{} to {} ({} periods)", first, last, P.size());
  }
  // Every dollar total says its basis (present value at the horizon's start, or nominal) and
  // the span it covers.
  std::string from = first, to = last;
  if (j.contains("horizon") && j.at("horizon").is_object()) {
    from = j.at("horizon").value("start", first);
    to = j.at("horizon").value("end", last);
  }
  out.totals = {
      {"Status", *status + (d["relaxed"].get<bool>() ? " (LP relaxation)" : "")},
      {fmt::format("Objective (present value at {}: the horizon, contract tails and the plan's end)", from), human_usd(*objective)},
      {fmt::format("Spend over the horizon (nominal, {} to {})", from, to), human_usd(total)},
      {"New commitments", fmt::format("{} contracts, {} GPUs", with_commas(static_cast<double>(commitments.value()->size())),
                                      with_commas(static_cast<double>(gpus)))},
      {"Peak committed", fmt::format("{} ref GPUs", with_commas(peak_committed))},
      {"New spend commitments", spend->empty() ? std::string("none") : fmt::format("{}, {} committed", spend->size(), human_usd(spend_usd))},
      {fmt::format("Contract tails after the horizon (nominal, from {})", to), human_usd(d["commitments_beyond_horizon_usd"].get<double>())},
  };
  if (!after_label.empty())
    out.totals.push_back({fmt::format("Serving demand {} after the horizon (nominal from {}; discounted in the objective)", after_label, to),
                          human_usd(after_usd)});
  return out;
}

}  // namespace gpufleet::report
