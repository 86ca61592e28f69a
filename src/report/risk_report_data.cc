#include "report/risk_report_data.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "report/cdf.h"
#include "report/histogram.h"
#include "report/json_input.h"
#include "report/risk_folder.h"
#include "util/human_format.h"

namespace gpufleet::report {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kHistogramBins = 40;
constexpr size_t kCdfPoints = 200;

// Appends d's p5, p50 and p95 (a distribution object of risk.json at `where`) to band.
Result<void> add_to_band(const JsonObject& d, json& band) {
  for (const char* q : {"p5", "p50", "p95"}) {
    auto v = d.number(q);
    if (!v) return fail(v.error());
    band[q].push_back(compact(*v));
  }
  return {};
}

json empty_band() { return {{"p5", json::array()}, {"p50", json::array()}, {"p95", json::array()}}; }

// The bands of risk.json's periods: demand, delivered, shortfall, spend per provider.
Result<void> add_fans(const JsonObject& risk, json& d) {
  json labels = json::array(), demand = empty_band(), delivered = empty_band(), shortfall = empty_band(),
       spend = json::object(), probability = json::array();
  auto read = risk.each_object("periods", [&](const JsonObject& p) -> Result<void> {
    auto label = p.string("period");
    if (!label) return fail(label.error());
    labels.push_back(*label);
    auto chance = p.number("shortfall_probability");
    if (!chance) return fail(chance.error());
    probability.push_back(compact(*chance));
    for (auto [key, band] : {std::pair{"demand_ref_gpus", &demand}, std::pair{"delivered_ref_gpus", &delivered},
                             std::pair{"shortfall_gpu_hours", &shortfall}}) {
      auto o = p.object(key);
      if (!o) return fail(o.error());
      if (auto ok = add_to_band(*o, *band); !ok) return ok;
    }
    auto by_provider = p.object("spend_by_provider_usd");
    if (!by_provider) return fail(by_provider.error());
    for (const auto& [name, value] : by_provider->json().items()) {
      auto o = by_provider->object(name);
      if (!o) return fail(o.error());
      if (!spend.contains(name)) spend[name] = empty_band();
      if (auto ok = add_to_band(*o, spend[name]); !ok) return ok;
    }
    return {};
  });
  if (!read) return read;
  d["labels"] = labels;
  d["demand_ref_gpus"] = demand;
  d["delivered_ref_gpus"] = delivered;
  d["shortfall_gpu_hours"] = shortfall;
  d["shortfall_probability"] = probability;
  d["spend_by_provider_usd"] = spend;
  return {};
}

// sweep.json, when `risk --sweep` wrote one: the tornado's rows, largest swing first.
Result<void> add_sweep(const std::string& dir, json& d) {
  const std::string path = (std::filesystem::path(dir) / "sweep.json").string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  auto loaded = read_json_object(path);
  if (!loaded) return fail(loaded.error());
  const JsonObject sweep(*loaded, path);
  auto base = sweep.number("baseline_cost_mean_usd");
  if (!base) return fail(base.error());
  json rows = json::array();
  auto read = sweep.each_object("fields", [&](const JsonObject& f) -> Result<void> {
    auto field = f.string("field");
    if (!field) return fail(field.error());
    json row = {{"field", *field}};
    for (const char* k : {"low_cost_mean_usd", "high_cost_mean_usd", "swing_usd", "low_value", "high_value"}) {
      auto v = f.number(k);
      if (!v) return fail(v.error());
      row[k] = *v;
    }
    rows.push_back(row);
    return {};
  });
  if (!read) return read;
  d["sweep"] = {{"baseline_cost_mean_usd", *base}, {"fields", rows}};
  return {};
}

}  // namespace

Result<ReportSection> read_risk_section(const std::string& dir) {
  auto folder = read_risk_folder(dir);
  if (!folder) return fail(folder.error());
  const std::string path = (std::filesystem::path(dir) / "risk.json").string();
  const JsonObject risk(folder->summary, path);
  ReportSection out;
  out.kind = "risk";
  out.scenario = folder->scenario;
  json& d = out.data;
  if (auto ok = add_fans(risk, d); !ok) return fail(ok.error());
  auto cost = risk.object("cost_usd");
  if (!cost) return fail(cost.error());
  json c = json::object();
  for (const char* k : {"mean", "p5", "p50", "p95", "cvar95"}) {
    auto v = cost->number(k);
    if (!v) return fail(v.error());
    c[k] = *v;  // exact: the page marks these, and the browser test compares them with risk.json
  }
  d["cost_usd"] = c;
  json bins = json::array();
  for (const HistogramBin& b : histogram(folder->cost_usd, kHistogramBins))
    bins.push_back({{"from", compact(b.from, 6)}, {"to", compact(b.to, 6)}, {"count", b.count}});
  d["cost_histogram"] = bins;
  json cdf = json::array();
  for (const CdfPoint& p : cdf_points(folder->cost_usd, kCdfPoints)) cdf.push_back({{"x", compact(p.x, 6)}, {"p", compact(p.p, 4)}});
  d["cost_cdf"] = cdf;
  d["futures"] = folder->futures;
  if (auto ok = add_sweep(dir, d); !ok) return fail(ok.error());

  const auto& labels = d["labels"];
  out.horizon = labels.empty() ? std::string("no periods")
                               : fmt::format("{} to {} ({} periods)", labels.front().get<std::string>(),
                                             labels.back().get<std::string>(), labels.size());
  // Costs over the futures are discounted to the plan's first period; the span is its periods.
  const std::string pv_span = labels.empty() ? std::string("the plan's periods")
                                             : fmt::format("at the start of {}, over {} to {}", labels.front().get<std::string>(),
                                                           labels.front().get<std::string>(), labels.back().get<std::string>());
  double worst = 0;
  for (const auto& p : d["shortfall_probability"]) worst = std::max(worst, p.get<double>());
  out.totals = {
      {"Futures", fmt::format("{}, seed {}", with_commas(static_cast<double>(folder->futures)), folder->seed)},
      {fmt::format("Cost mean (present value, {})", pv_span), human_usd(c["mean"].get<double>())},
      {fmt::format("Cost P95 (present value, {})", pv_span), human_usd(c["p95"].get<double>())},
      {fmt::format("Cost CVaR95 (present value, {})", pv_span), human_usd(c["cvar95"].get<double>())},
      {"Largest chance of a shortfall in a period", fmt::format("{:.1f}%", 100 * worst)},
  };
  return out;
}

}  // namespace gpufleet::report
