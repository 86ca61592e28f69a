#include "report/plan_overlay.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include <fmt/format.h>

#include "report/csv_columns.h"
#include "report/json_input.h"
#include "report/report_section.h"
#include "util/time_parse.h"

namespace gpufleet::report {

namespace {

constexpr double kHour = 3600.0;
// The four parts of a bill, in this order on both sides: plan.json's cost_by_provider keys and
// timeseries.csv's spend_usd_per_hour_P_ suffixes.
constexpr size_t kSources = 4;
constexpr const char* kPlanKeys[kSources] = {"commitments_usd", "on_demand_usd", "spot_usd", "energy_usd"};
constexpr const char* kSimSources[kSources] = {"contract", "on_demand", "spot", "electricity"};

}  // namespace

Result<std::optional<PlanOverlay>> read_plan_overlay(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string plan_path = (fs::path(dir) / "plan.json").string(), series_path = (fs::path(dir) / "timeseries.csv").string();
  auto header = csv_header(series_path);
  if (!header) return fail(header.error());
  if (std::find(header->begin(), header->end(), "work_ref_gpus") == header->end()) return std::optional<PlanOverlay>{};

  auto loaded = read_json_object(plan_path);
  if (!loaded) return fail(loaded.error());
  const JsonObject plan(*loaded, plan_path);
  auto horizon = plan.object("horizon");
  if (!horizon) return fail(horizon.error());
  auto start = horizon->string("start");
  if (!start) return fail(start.error());
  const auto start_unix_s = parse_iso_datetime(*start);
  if (!start_unix_s || start->size() < 10 || start->substr(8, 2) != "01")
    return fail(horizon->error("start", fmt::format("'{}': expected the first day of a month (YYYY-MM-01)", *start)));
  auto period_months = horizon->number("period_months");
  if (!period_months) return fail(period_months.error());
  if (!(*period_months >= 1 && *period_months <= 12 && *period_months == static_cast<int>(*period_months)))
    return fail(horizon->error("period_months", fmt::format("{}: expected a whole number of months from 1 to 12", *period_months)));
  const auto months = static_cast<int>(*period_months);
  std::vector<PlanOverlayPeriod> periods;
  std::vector<std::string> providers;  // of cost_by_provider, in the first period's order
  std::vector<std::vector<std::array<double, kSources>>> plan_bill;  // [period][provider][source]
  std::vector<int64_t> edges = {*start_unix_s};  // period t is [edges[t], edges[t + 1])
  const auto next_edge = [&] {
    int64_t t = edges.back();
    for (int m = 0; m < months; ++m) t = next_month_start_unix_s(t);
    edges.push_back(t);
  };
  auto rows = plan.each_object("periods", [&](const JsonObject& p) -> Result<void> {
    PlanOverlayPeriod out;
    auto label = p.string("period");
    if (!label) return fail(label.error());
    auto training = p.number("training_ref_gpus");
    if (!training) return fail(training.error());
    auto inference = p.number("inference_ref_gpus");
    if (!inference) return fail(inference.error());
    out.period = *label;
    out.demand_ref_gpus = *training + *inference;
    next_edge();
    periods.push_back(std::move(out));
    // The period's bill per provider, when the plan has it.
    std::vector<std::array<double, kSources>> bill;
    if (p.has("cost_by_provider")) {
      auto by_provider = p.object("cost_by_provider");
      if (!by_provider) return fail(by_provider.error());
      for (const auto& [name, value] : by_provider->json().items()) {
        if (!value.is_object()) return fail(by_provider->error(name, "expected an object of USD amounts"));
        const JsonObject o(value, plan_path, by_provider->path(name));
        std::array<double, kSources> usd{};
        for (size_t k = 0; k < kSources; ++k) {
          auto v = o.number(kPlanKeys[k]);
          if (!v) return fail(v.error());
          usd[k] = *v;
        }
        if (periods.size() == 1) providers.push_back(name);
        const auto at = std::find(providers.begin(), providers.end(), name);
        if (at == providers.end())
          return fail(by_provider->error(name, "a provider the plan's first period does not name"));
        bill.resize(providers.size());
        bill[static_cast<size_t>(at - providers.begin())] = usd;
      }
    }
    plan_bill.push_back(std::move(bill));
    return {};
  });
  if (!rows) return fail(rows.error());

  // The simulation's spend per provider and source, when timeseries.csv splits it (columns
  // 2 + provider x kSources + source; a provider the simulation does not have spent nothing).
  std::vector<CsvColumn> columns = {{"time"}, {"work_ref_gpus"}};
  const bool split = !providers.empty() && std::any_of(providers.begin(), providers.end(), [&](const std::string& name) {
    return std::find(header->begin(), header->end(), "spend_usd_per_hour_" + name + "_electricity") != header->end();
  });
  if (split)
    for (const std::string& name : providers)
      for (const char* source : kSimSources) columns.push_back({fmt::format("spend_usd_per_hour_{}_{}", name, source), false});
  std::vector<std::array<double, kSources>> sim_usd(providers.size(), std::array<double, kSources>{});
  std::vector<double> work_gpu_hours(periods.size(), 0), hours(periods.size(), 0);
  int line = 1;  // of the row at hand (one line per row: no cell of timeseries.csv is quoted)
  auto series = for_each_csv_row(series_path, columns, [&](const CsvRow& row) -> Result<void> {
    ++line;
    const auto t = parse_iso_datetime(row.text(0));
    if (!t) return fail(series_path, line, 0, "time", fmt::format("expected an ISO date and time, found '{}'", row.text(0)));
    auto work = row.required_number(1);
    if (!work) return fail(work.error());
    const auto it = std::upper_bound(edges.begin(), edges.end(), *t);
    if (it == edges.begin() || it == edges.end()) return {};  // before or after the plan's horizon
    const auto k = static_cast<size_t>(it - edges.begin() - 1);
    work_gpu_hours[k] += *work;
    hours[k] += 1;
    if (split)
      for (size_t prov = 0; prov < providers.size(); ++prov)
        for (size_t src = 0; src < kSources; ++src) {
          auto usd = row.number(2 + prov * kSources + src);
          if (!usd) return fail(usd.error());
          sim_usd[prov][src] += usd->value_or(0.0);
        }
    return {};
  });
  if (!series) return fail(series.error());

  PlanOverlay out;
  double work = 0, demand = 0;
  for (size_t k = 0; k < periods.size(); ++k) {
    if (hours[k] == 0) continue;
    PlanOverlayPeriod p = periods[k];
    p.work_ref_gpus = work_gpu_hours[k] / hours[k];
    p.simulated_share = std::min(1.0, hours[k] * kHour / static_cast<double>(edges[k + 1] - edges[k]));
    work += work_gpu_hours[k];
    demand += p.demand_ref_gpus * hours[k];
    out.periods.push_back(std::move(p));
  }
  if (out.periods.empty()) return std::optional<PlanOverlay>{};
  out.carried_share = demand > 0 ? work / demand : 0;
  if (split) {
    for (size_t prov = 0; prov < providers.size(); ++prov) {
      std::array<double, kSources> plan{};
      for (size_t k = 0; k < periods.size(); ++k) {
        if (hours[k] == 0 || prov >= plan_bill[k].size()) continue;
        const double share = std::min(1.0, hours[k] * kHour / static_cast<double>(edges[k + 1] - edges[k]));
        for (size_t src = 0; src < kSources; ++src) plan[src] += plan_bill[k][prov][src] * share;
      }
      const auto& sim = sim_usd[prov];
      out.costs.push_back({providers[prov], plan[0], plan[1], plan[2], plan[3], sim[0], sim[1], sim[2], sim[3]});
    }
  }
  return std::optional<PlanOverlay>{std::move(out)};
}

nlohmann::ordered_json plan_overlay_json(const PlanOverlay& overlay) {
  nlohmann::ordered_json j;
  j["periods"] = nlohmann::ordered_json::array();
  j["demand_ref_gpus"] = nlohmann::ordered_json::array();
  j["work_ref_gpus"] = nlohmann::ordered_json::array();
  j["simulated_share"] = nlohmann::ordered_json::array();
  for (const auto& p : overlay.periods) {
    j["periods"].push_back(p.period);
    j["demand_ref_gpus"].push_back(compact(p.demand_ref_gpus));
    j["work_ref_gpus"].push_back(compact(p.work_ref_gpus));
    j["simulated_share"].push_back(compact(p.simulated_share, 3));
  }
  j["carried_share"] = compact(overlay.carried_share, 4);
  j["costs"] = nlohmann::ordered_json::array();
  for (const CostReconciliation& c : overlay.costs)
    j["costs"].push_back({{"provider", c.provider},
                          {"plan", {{"commitments_usd", c.plan_commitments_usd}, {"on_demand_usd", c.plan_on_demand_usd},
                                    {"spot_usd", c.plan_spot_usd}, {"energy_usd", c.plan_energy_usd}}},
                          {"simulation", {{"commitments_usd", c.sim_commitments_usd}, {"on_demand_usd", c.sim_on_demand_usd},
                                          {"spot_usd", c.sim_spot_usd}, {"energy_usd", c.sim_energy_usd}}}});
  return j;
}

}  // namespace gpufleet::report
