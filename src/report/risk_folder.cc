#include "report/risk_folder.h"

#include <filesystem>

#include <fmt/format.h>

#include "report/csv_columns.h"
#include "report/json_input.h"

namespace gpufleet::report {

Result<RiskFolder> read_risk_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string json_path = (fs::path(dir) / "risk.json").string();
  const std::string csv_path = (fs::path(dir) / "futures.csv").string();
  auto loaded = read_json_object(json_path);
  if (!loaded) return fail(loaded.error());
  RiskFolder out;
  out.dir = dir;
  out.summary = std::move(*loaded);
  const JsonObject risk(out.summary, json_path);
  auto scenario = risk.string("scenario");
  if (!scenario) return fail(scenario.error());
  out.scenario = *scenario;
  const auto& futures = out.summary.contains("futures") ? out.summary.at("futures") : nlohmann::ordered_json();
  if (!futures.is_number_integer() || futures.get<int64_t>() < 1)
    return fail(risk.error("futures", "expected a whole number of futures, at least 1"));
  out.futures = futures.get<int64_t>();
  const auto& seed = out.summary.contains("seed") ? out.summary.at("seed") : nlohmann::ordered_json();
  if (!seed.is_number_integer()) return fail(risk.error("seed", "expected the whole-number seed of the futures"));
  out.seed = seed.dump();
  if (auto cost = risk.object("cost_usd"); !cost) return fail(cost.error());

  auto header = csv_header(csv_path);
  if (!header) return fail(header.error());
  std::vector<CsvColumn> columns{{"future", true}, {"cost_usd", true}};
  for (const std::string& name : *header) {
    if (name == "cost_usd") break;
    if (name != "future") out.draw_names.push_back(name);
  }
  for (const std::string& name : out.draw_names) columns.push_back({name, true});
  int64_t row = 0;
  auto ok = for_each_csv_row(csv_path, columns, [&](const CsvRow& r) -> Result<void> {
    auto k = r.required_number(0);
    if (!k) return fail(k.error());
    if (*k != static_cast<double>(row))
      return fail(csv_path, static_cast<int>(row) + 2, 1, "future", fmt::format("expected future {}, found {}", row, *k));
    auto cost = r.required_number(1);
    if (!cost) return fail(cost.error());
    out.cost_usd.push_back(*cost);
    for (size_t i = 0; i < out.draw_names.size(); ++i) {
      auto v = r.required_number(2 + i);
      if (!v) return fail(v.error());
      out.draws.push_back(*v);
    }
    ++row;
    return {};
  });
  if (!ok) return fail(ok.error());
  if (row != out.futures)
    return fail(csv_path, static_cast<int>(row) + 2, 1, "",
                fmt::format("{} rows of futures, but {} says {} futures", row, json_path, out.futures));
  return out;
}

}  // namespace gpufleet::report
