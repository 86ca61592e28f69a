// The outputs of a risk run: the terminal table, risk.json (the summary) and futures.csv (one
// row per future: its draws, then its outcomes; plain numbers that pandas reads directly);
// and of a sweep: its tornado table and sweep.json.
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/risk.h"
#include "util/atomic_file.h"
#include "util/human_format.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

nlohmann::ordered_json to_json(const Distribution& d) {
  return {{"mean", d.mean}, {"p5", d.p5}, {"p50", d.p50}, {"p95", d.p95}, {"cvar95", d.cvar95}};
}

// A CSV header cell: names are the scenario's own, which may hold commas or quotes.
std::string cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string format_risk_report(const RiskResult& r) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  auto row = [&](const std::string& label, const Distribution& d, bool usd) {
    auto v = [usd](double x) { return usd ? human_usd(x) : with_commas(x); };
    line(fmt::format("  {:<22} {:>10} {:>10} {:>10} {:>10} {:>10}", label, v(d.mean), v(d.p5), v(d.p50), v(d.p95), v(d.cvar95)));
  };
  line(fmt::format("Risk: {} | {} futures, seed {} | {} contracts, {}", r.scenario, r.futures, r.seed, r.contracts.size(),
                   r.fidelity == RiskFidelity::simulator ? "simulator" : "period model"));
  line("");
  line(fmt::format("  {:<22} {:>10} {:>10} {:>10} {:>10} {:>10}", "", "mean", "P5", "P50", "P95", "CVaR95"));
  row("cost (present value)", r.cost, true);
  row("idle take-or-pay", r.idle_take_or_pay, true);
  row("GPU-hours short", r.shortfall_total, false);
  for (size_t k = 0; k < r.streams.size(); ++k) row("  " + r.streams[k], r.shortfall_by_stream[k], false);
  line("");
  line("Per provider (present value):");
  for (size_t p = 0; p < r.providers.size(); ++p) row(r.providers[p], r.cost_by_provider[p], true);
  line("Idle take-or-pay per provider (present value):");
  for (size_t p = 0; p < r.providers.size(); ++p) row(r.providers[p], r.idle_by_provider[p], true);
  line("Per year (undiscounted):");
  for (size_t y = 0; y < r.year_labels.size(); ++y) row(r.year_labels[y], r.cost_by_year[y], true);
  line("");
  line(fmt::format("  {:<8} {:>12} {:>16} {:>16}", "period", "P(short)", "E[GPU-h short]", "P95 GPU-h short"));
  for (size_t t = 0; t < r.period_labels.size(); ++t)
    line(fmt::format("  {:<8} {:>11.1f}% {:>16} {:>16}", r.period_labels[t], 100 * r.shortfall_probability[t],
                     with_commas(r.shortfall_expected_gpu_hours[t]), with_commas(r.shortfall_p95_gpu_hours[t])));
  return out;
}

Result<void> write_risk_results(const RiskResult& r, const std::string& dir) {
  using nlohmann::ordered_json;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir, 0, 0, "", "cannot create the folder: " + ec.message());
  ordered_json j;
  j["scenario"] = r.scenario;
  j["model"] = "period";
  j["futures"] = r.futures;
  j["seed"] = r.seed;
  j["fidelity"] = r.fidelity == RiskFidelity::simulator ? "simulator" : "period_model";
  j["contracts"] = r.contracts.size();
  // What was evaluated: existing contracts and the plan's commitments, as signed.
  j["contract_terms"] = ordered_json::array();
  for (const auto& c : r.contracts)
    j["contract_terms"].push_back({{"name", c.name}, {"kind", c.existing ? "existing" : "new"}, {"provider", c.provider},
                                   {"site", c.site}, {"accelerator", c.accelerator}, {"from", format_iso_datetime(c.start_unix_s)},
                                   {"to", format_iso_datetime(c.end_unix_s)}, {"gpus", c.peak_gpus},
                                   {"usd_per_gpu_hour", c.usd_per_gpu_hour}});
  j["cost_usd"] = to_json(r.cost);
  j["idle_take_or_pay_usd"] = to_json(r.idle_take_or_pay);
  j["shortfall_gpu_hours"] = to_json(r.shortfall_total);
  j["shortfall_by_stream"] = ordered_json::array();
  for (size_t k = 0; k < r.streams.size(); ++k)
    j["shortfall_by_stream"].push_back({{"stream", r.streams[k]}, {"gpu_hours", to_json(r.shortfall_by_stream[k])}});
  j["periods"] = ordered_json::array();
  for (size_t t = 0; t < r.period_labels.size(); ++t) {
    ordered_json spend = ordered_json::object();
    for (size_t p = 0; p < r.providers.size(); ++p) spend[r.providers[p]] = to_json(r.spend_by_provider_period[p][t]);
    j["periods"].push_back({{"period", r.period_labels[t]}, {"shortfall_probability", r.shortfall_probability[t]},
                            {"shortfall_expected_gpu_hours", r.shortfall_expected_gpu_hours[t]},
                            {"shortfall_p95_gpu_hours", r.shortfall_p95_gpu_hours[t]},
                            {"shortfall_gpu_hours", to_json(r.shortfall_by_period[t])},
                            {"demand_ref_gpus", to_json(r.demand_by_period[t])},
                            {"delivered_ref_gpus", to_json(r.delivered_by_period[t])},
                            {"spend_by_provider_usd", spend}});
  }
  j["years"] = ordered_json::array();
  for (size_t y = 0; y < r.year_labels.size(); ++y) j["years"].push_back({{"year", r.year_labels[y]}, {"cost_usd", to_json(r.cost_by_year[y])}});
  j["providers"] = ordered_json::array();
  for (size_t p = 0; p < r.providers.size(); ++p)
    j["providers"].push_back({{"provider", r.providers[p]}, {"cost_usd", to_json(r.cost_by_provider[p])},
                              {"idle_take_or_pay_usd", to_json(r.idle_by_provider[p])}});
  const std::string base = (std::filesystem::path(dir) / "risk").string();
  if (auto w = write_file_atomically(base + ".json", j.dump(2) + "\n"); !w) return w;

  // futures.csv: numbers printed with 17 significant digits, so that equal runs are equal bytes.
  // Cells are appended one by one (not "," + text: g++ 12 warns falsely on that, bug 105329).
  std::string csv = "future";
  auto column = [&csv](const std::string& name) {
    csv += ',';
    csv += cell(name);
  };
  auto value = [&csv](double x) {
    csv += ',';
    csv += fmt::format("{:.17g}", x);
  };
  for (const auto& s : r.streams) {
    column("demand_multiplier_final " + s);
    column("demand_scenario " + s);
  }
  for (const auto& p : r.providers) {
    column("delivery_delay_days " + p);
    column("on_demand_price_final " + p);
  }
  for (const auto& s : r.sites) {
    column("power_shortfall_share " + s);
    column("disrupted_days " + s);
  }
  for (const char* name : {"cost_usd", "commitments_usd", "on_demand_usd", "spot_usd", "energy_usd", "idle_take_or_pay_usd", "shortfall_gpu_hours"})
    column(name);
  for (const auto& s : r.streams) column("shortfall_gpu_hours " + s);
  for (const auto& p : r.providers) column("cost_usd " + p);
  csv += '\n';
  for (size_t k = 0; k < r.outcomes.size(); ++k) {
    const FutureOutcome& o = r.outcomes[k];
    csv += std::to_string(k);
    for (size_t s = 0; s < r.streams.size(); ++s) {
      value(o.demand_multiplier_final[s]);
      value(o.demand_scenario[s]);
    }
    for (size_t p = 0; p < r.providers.size(); ++p) {
      value(o.delivery_delay_days[p]);
      value(o.on_demand_price_final[p]);
    }
    for (size_t s = 0; s < r.sites.size(); ++s) {
      value(o.power_shortfall_share[s]);
      value(o.disrupted_days[s]);
    }
    double short_total = 0;
    for (double x : o.shortfall_gpu_hours) short_total += x;
    for (double x : {o.cost_usd, o.commitments_usd, o.on_demand_usd, o.spot_usd, o.energy_usd, o.idle_take_or_pay_usd, short_total})
      value(x);
    for (double x : o.shortfall_by_stream_gpu_hours) value(x);
    for (double x : o.cost_by_provider_usd) value(x);
    csv += '\n';
  }
  return write_file_atomically((std::filesystem::path(dir) / "futures.csv").string(), csv);
}

std::string format_sweep_report(const SweepResult& s) {
  std::string out;
  auto line = [&out](const std::string& text) { out += text + "\n"; };
  size_t w = 5;
  for (const auto& f : s.fields) w = std::max(w, f.field.size());
  line(fmt::format("Sweep: cost mean over the same {} futures (seed {}); the scenario as written: {}", s.futures, s.seed,
                   human_usd(s.baseline_cost_mean_usd)));
  line(fmt::format("  {:<{}} {:>12} {:>12} {:>12} {:>12} {:>12}", "field", w, "low at", "cost mean", "high at", "cost mean", "swing"));
  for (const auto& f : s.fields)
    line(fmt::format("  {:<{}} {:>12} {:>12} {:>12} {:>12} {:>12}", f.field, w, fmt::format("{:g}", f.low_value),
                     human_usd(f.low_cost_mean_usd), fmt::format("{:g}", f.high_value), human_usd(f.high_cost_mean_usd),
                     human_usd(f.swing_usd)));
  return out;
}

Result<void> write_sweep_results(const SweepResult& s, const std::string& dir) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["scenario"] = s.scenario;
  j["futures"] = s.futures;
  j["seed"] = s.seed;
  j["baseline_cost_mean_usd"] = s.baseline_cost_mean_usd;
  j["fields"] = ordered_json::array();
  for (const auto& f : s.fields) {
    ordered_json runs = ordered_json::array();
    for (size_t i = 0; i < f.values.size(); ++i)
      runs.push_back({{"value", f.values[i]}, {"cost_usd", to_json(f.cost[i])}});
    j["fields"].push_back({{"field", f.field}, {"scenario_value", f.scenario_value}, {"low_value", f.low_value},
                           {"low_cost_mean_usd", f.low_cost_mean_usd}, {"high_value", f.high_value},
                           {"high_cost_mean_usd", f.high_cost_mean_usd}, {"swing_usd", f.swing_usd}, {"runs", runs}});
  }
  return write_file_atomically((std::filesystem::path(dir) / "sweep.json").string(), j.dump(2) + "\n");
}

}  // namespace gpufleet
