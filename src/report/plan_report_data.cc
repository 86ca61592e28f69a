#include "report/plan_report_data.h"

#include <algorithm>
#include <filesystem>

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
  out.totals = {
      {"Status", *status + (d["relaxed"].get<bool>() ? " (LP relaxation)" : "")},
      {"Objective (present value)", human_usd(*objective)},
      {"Spend over the horizon", human_usd(total)},
      {"New commitments", fmt::format("{} contracts, {} GPUs", with_commas(static_cast<double>(commitments.value()->size())),
                                      with_commas(static_cast<double>(gpus)))},
      {"Peak committed", fmt::format("{} ref GPUs", with_commas(peak_committed))},
      {"New spend commitments", spend->empty() ? std::string("none") : fmt::format("{}, {} committed", spend->size(), human_usd(spend_usd))},
      {"Contract tails after the horizon", human_usd(d["commitments_beyond_horizon_usd"].get<double>())},
  };
  if (!after_label.empty())
    out.totals.push_back({fmt::format("Serving demand {} after the horizon (in the objective)", after_label), human_usd(after_usd)});
  return out;
}

}  // namespace gpufleet::report
