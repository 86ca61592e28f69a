// Plan -> simulate: a scenario (docs/scenario-format.md) whose contracts are the existing ones
// plus one contract per commitment of the plan, with a small default workload.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "gpufleet/plan.h"
#include "plan/plan_model_builder.h"
#include "io/yaml_overlay.h"
#include "util/atomic_file.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

size_t u(int i) { return static_cast<size_t>(i); }

// A time inside the scenario: a date when it falls on midnight, else seconds from the start.
std::string time_text(const Scenario& sc, double t_s) {
  const double whole = std::round(t_s);
  if (std::abs(whole - t_s) < 1e-6 && static_cast<int64_t>(whole) % 86400 == 0)
    return format_iso_date(sc.start_unix_s + static_cast<int64_t>(whole));
  return fmt::format("{}s", t_s);
}

// YAML double-quoted scalar.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The `contracts:` section: the existing contracts, then one per commitment of the plan.
std::string contracts_section(const PlanResult& r, const PlanInputs& in) {
  const Scenario& sc = in.scenario;
  std::string y;
  auto w = [&y](std::string s) { y += s + "\n"; };
  w("contracts:");
  for (const auto& c : sc.contracts) {
    w(fmt::format("  - name: {}", quoted(c.name)));
    w(fmt::format("    site: {}", quoted(sc.sites[u(c.site)].name)));
    w(fmt::format("    accelerator: {}", quoted(sc.accelerators[u(c.accelerator)].name)));
    w(fmt::format("    usd_per_gpu_hour: {}", c.usd_per_gpu_hour));
    w(fmt::format("    start: {}", time_text(sc, c.start_s)));
    w(fmt::format("    end: {}", time_text(sc, c.end_s)));
    w(fmt::format("    take_or_pay_share: {}", c.take_or_pay_share));
    if (c.escalator_per_year != 0) w(fmt::format("    escalator_per_year: {}", c.escalator_per_year));
    if (c.termination) {
      bool exercised = c.termination->exercised;
      for (const auto& t : r.terminations)
        if (t.contract == c.name) exercised = t.exercised;
      w(fmt::format("    termination: {{at: {}, fee_usd: {}, exercised: {}}}", time_text(sc, c.termination->at_s),
                    c.termination->fee_usd, exercised ? "true" : "false"));
    }
    w("    ramp:");
    // Ramp steps with the price steps among them (a price step between two ramp steps repeats
    // the capacity then in force).
    std::vector<double> times;
    for (const auto& step : c.ramp) times.push_back(step.at_s);
    for (const auto& step : c.prices) times.push_back(step.at_s);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (double at : times) {
      int64_t gpus = 0;
      for (const auto& step : c.ramp)
        if (step.at_s <= at) gpus = step.gpus;
      std::string price;
      for (const auto& step : c.prices)
        if (step.at_s == at) price = fmt::format(", usd_per_gpu_hour: {}", step.usd_per_gpu_hour);
      w(fmt::format("      - {{at: {}, gpus: {}{}}}", time_text(sc, at), gpus, price));
    }
  }
  int n = 0;
  for (const auto& c : r.commitments) {
    if (c.gpus <= 0) continue;
    const double start = static_cast<double>(c.start_unix_s - sc.start_unix_s);
    const double end = static_cast<double>(c.end_unix_s - sc.start_unix_s);
    w(fmt::format("  - name: {}", quoted(fmt::format("plan-{:03d}-{}-{}-{}-{}y", ++n, c.site, c.accelerator,
                                                       period_label(in, c.start_period), c.term_years))));
    w(fmt::format("    provider: {}", quoted(c.provider)));
    w(fmt::format("    site: {}", quoted(c.site)));
    w(fmt::format("    accelerator: {}", quoted(c.accelerator)));
    w(fmt::format("    usd_per_gpu_hour: {}", c.usd_per_gpu_hour));
    w(fmt::format("    start: {}", time_text(sc, start)));
    w(fmt::format("    end: {}", time_text(sc, end)));
    w("    take_or_pay_share: 1");
    if (c.escalator_per_year != 0) w(fmt::format("    escalator_per_year: {}", c.escalator_per_year));
    w("    ramp:");
    w(fmt::format("      - {{at: {}, gpus: {}}}", time_text(sc, start), c.gpus));
  }
  if (sc.contracts.empty() && n == 0) y.replace(y.rfind("contracts:\n"), 11, "contracts: []\n");
  return y;
}

// The `markets:` section, as the scenario has it.
std::string markets_section(const PlanInputs& in) {
  const Scenario& sc = in.scenario;
  std::string y;
  auto w = [&y](std::string s) { y += s + "\n"; };
  w("markets:");
  int markets = 0;
  for (const auto& m : sc.markets) {
    ++markets;
    w(fmt::format("  - {{site: {}, accelerator: {}, on_demand_usd_per_gpu_hour: {}, on_demand_gpus: {}, spot_usd_per_gpu_hour: {}, "
                  "spot_gpus: {}, spot_preemptions_per_node_hour: {}}}",
                  quoted(sc.sites[u(m.site)].name), quoted(sc.accelerators[u(m.accelerator)].name), m.on_demand_usd_per_gpu_hour,
                  m.on_demand_gpus, m.spot_usd_per_gpu_hour, m.spot_gpus, m.spot_preemptions_per_node_hour));
  }
  if (markets == 0) y.replace(y.rfind("markets:\n"), 9, "markets: []\n");
  return y;
}

// The `spend_commitments:` section (the scenario's and the plan's), or "" when there is none.
std::string spend_section(const PlanResult& r, const PlanInputs& in) {
  const Scenario& sc = in.scenario;
  std::string y;
  auto w = [&y](std::string s) { y += s + "\n"; };
  // Spend commitments: the scenario's and the plan's.
  std::vector<SpendCommitment> spend = sc.spend_commitments;
  for (const auto& c : r.commitments)
    if (c.kind == Commitment::Kind::spend && c.offer >= 0)
      spend.push_back(plan::spend_offer_commitment(in, in.spend_offers[u(c.offer)], c.start_period));
  if (!spend.empty()) {
    w("spend_commitments:");
    int k = 0;
    for (const auto& c : spend) {
      const bool planned = k++ >= static_cast<int>(sc.spend_commitments.size());
      w(fmt::format("  - name: {}", quoted(planned ? fmt::format("plan-{}-{}", c.name, time_text(sc, c.start_s)) : c.name)));
      w(fmt::format("    provider: {}", quoted(sc.providers[u(c.provider)].name)));
      w(fmt::format("    start: {}", time_text(sc, c.start_s)));
      w(fmt::format("    end: {}", time_text(sc, c.end_s)));
      w(fmt::format("    usd_per_year: {}", c.usd_per_year));
      w(fmt::format("    discount: {}", c.discount));
      w(fmt::format("    shortfall_share: {}", c.shortfall_share));
      if (c.escalator_per_year != 0) w(fmt::format("    escalator_per_year: {}", c.escalator_per_year));
    }
  }
  return y;
}

// A small default workload to replay on the planned fleet.
std::string default_workload_section() {
  std::string y;
  auto w = [&y](std::string s) { y += s + "\n"; };
  w("# A small default workload to replay on the planned fleet: research jobs for the first");
  w("# 30 days and one large training run; edit or replace with traces.");
  w("workload:");
  w("  max_jobs: 5000");
  w("  classes:");
  w("    - name: research");
  w("      kind: research");
  w("      tenant: research");
  w("      arrivals_per_hour: 6");
  w("      gpus: {8: 0.6, 64: 0.3, 512: 0.1}");
  w("      duration_median: 6h");
  w("      duration_sigma: 1.0");
  w("      duration_max: 7d");
  w("      end: 30d");
  w("  fixed:");
  w("    - name: pretrain");
  w("      kind: training");
  w("      tenant: pretraining");
  w("      priority: 2");
  w("      submit: 1d");
  w("      gpus: 4096");
  w("      duration: 20d");
  w("      count: 1");
  return y;
}

std::string header_comment(const PlanResult& r, const PlanInputs& in) {
  return fmt::format("# Written by `gpufleet plan --emit-scenario` from {}: the existing contracts plus the\n"
                     "# {} commitments of the plan ({}, objective ${:.0f}).\n",
                     quoted(in.scenario.name), r.commitments.size(), to_string(r.status), r.objective_usd);
}

// The whole scenario written from the model (inputs built in code, with no text to overlay).
// The simulation of the plan's fleet bills electricity exactly when the plan did.
std::string bill_energy_line(const PlanInputs& in) {
  return fmt::format("bill_energy: {}\n", in.bill_energy ? "true" : "false");
}

std::string written_scenario(const PlanResult& r, const PlanInputs& in) {
  const Scenario& sc = in.scenario;
  std::string y;
  auto w = [&y](std::string s) { y += s + "\n"; };
  y += header_comment(r, in);
  w(fmt::format("# Written by `gpufleet plan --emit-scenario` from {}: the existing contracts plus the", quoted(sc.name)));
  w(fmt::format("# {} commitments of the plan ({}, objective ${:.0f}).", r.commitments.size(), to_string(r.status), r.objective_usd));
  w(fmt::format("name: {}", quoted(sc.name + "-planned")));
  w(fmt::format("description: {}", quoted("fleet of the plan of " + sc.name)));
  w(fmt::format("start: {}", format_iso_date(sc.start_unix_s)));
  w(fmt::format("end: {}", format_iso_date(in.period_start_unix_s[u(in.periods)])));
  w(fmt::format("seed: {}", sc.seed));
  y += bill_energy_line(in);
  w("");
  w("accelerators:");
  for (const auto& a : sc.accelerators)
    w(fmt::format("  - {{name: {}, bf16_tflops: {}, hbm_gib: {}, board_power_w: {}, speed_factor: {}, idle_power_share: {}}}",
                  quoted(a.name), a.bf16_tflops, a.hbm_gib, a.board_power_w, a.speed_factor, a.idle_power_share));
  w("providers:");
  for (const auto& p : sc.providers) w(fmt::format("  - {{name: {}}}", quoted(p.name)));
  w("sites:");
  for (const auto& s : sc.sites) {
    w(fmt::format("  - name: {}", quoted(s.name)));
    w(fmt::format("    provider: {}", quoted(sc.providers[u(s.provider)].name)));
    w(fmt::format("    region: {}", quoted(s.region)));
    w(fmt::format("    jurisdiction: {}", quoted(s.jurisdiction)));
    w(fmt::format("    power_cap_mw: {}", s.power_cap_mw));
    w(fmt::format("    pue: {}", s.pue));
    w(fmt::format("    gpus_per_node: {}", s.gpus_per_node));
    w(fmt::format("    carbon_g_per_kwh: {}", s.carbon_g_per_kwh));
    if (!s.carbon_hourly.source.empty())  // absolute: the emitted file may be written elsewhere
      w(fmt::format("    carbon_hourly: {{path: {}, column: {}}}",
                    quoted(std::filesystem::absolute(s.carbon_hourly.source).lexically_normal().string()),
                    quoted(s.carbon_hourly.column)));
    w(fmt::format("    electricity_usd_per_mwh: {}", s.electricity_usd_per_mwh));
  }
  w("");
  y += contracts_section(r, in);
  w("");
  y += markets_section(in);
  if (const std::string spend = spend_section(r, in); !spend.empty()) {
    w("");
    y += spend;
  }
  w("");
  y += default_workload_section();
  return y;
}

}  // namespace

std::string plan_scenario_yaml(const PlanResult& r, const PlanInputs& in) {
  if (in.scenario_text.empty()) return written_scenario(r, in);
  const Scenario& sc = in.scenario;
  std::vector<std::pair<std::string, std::string>> sections{
      {"name", fmt::format("name: {}\n", quoted(sc.name + "-planned"))},
      {"bill_energy", bill_energy_line(in)},
      {"contracts", contracts_section(r, in)}};
  if (std::string spend = spend_section(r, in); !spend.empty()) sections.emplace_back("spend_commitments", std::move(spend));
  if (sc.workload == WorkloadSpec{}) sections.emplace_back("workload", default_workload_section());
  auto text = absolute_scenario_paths(in.scenario_text, sc.source_file, in.base_dir);
  if (text) text = replace_top_level_sections(*text, sc.source_file, sections);
  // The text was loaded already, so it parses; should it not, the scenario written from the model.
  if (!text) return written_scenario(r, in);
  return header_comment(r, in) + *text;
}

Result<void> write_plan_scenario(const PlanResult& r, const PlanInputs& in, const std::string& path) {
  return write_file_atomically(path, plan_scenario_yaml(r, in));
}

}  // namespace gpufleet
