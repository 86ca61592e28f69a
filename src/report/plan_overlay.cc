#include "report/plan_overlay.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "report/csv_columns.h"
#include "report/json_input.h"
#include "report/report_section.h"
#include "util/time_parse.h"

namespace gpufleet::report {

namespace {

constexpr double kHour = 3600.0;

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
    return {};
  });
  if (!rows) return fail(rows.error());

  std::vector<double> work_gpu_hours(periods.size(), 0), hours(periods.size(), 0);
  int line = 1;  // of the row at hand (one line per row: no cell of timeseries.csv is quoted)
  auto series = for_each_csv_row(series_path, {{"time"}, {"work_ref_gpus"}}, [&](const CsvRow& row) -> Result<void> {
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
  return j;
}

}  // namespace gpufleet::report
