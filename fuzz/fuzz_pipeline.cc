// libFuzzer target through the whole pipeline: any bytes are loaded as a scenario; a scenario
// that loads is simulated (bounded: a horizon of at most 31 days, 2000 jobs, 4096 GPUs), its results written,
// recorded in run.json and rendered as the report, which must succeed (what the simulator
// writes the report must read); a `plan:` section that loads is planned (bounded: few periods
// and offers, a short time limit) and written and rendered the same way. Files named by the
// input are not opened (paths are attacker-chosen).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "gpufleet/plan.h"
#include "gpufleet/report.h"
#include "gpufleet/simulate.h"
#include "gpufleet/workload.h"
#include "io/scenario/scenario_loader.h"

namespace {

namespace fs = std::filesystem;

const fs::path& work_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("gpufleet-fuzz-pipeline-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// The report of what was just written must render: a failure is a bug, not bad input.
void report_must_render(const fs::path& dir) {
  if (!gpufleet::write_run_record(dir.string(), "simulate", "fuzz")) __builtin_trap();
  if (!gpufleet::write_report(dir.string(), (work_dir() / "report.html").string())) __builtin_trap();
}

bool small_enough(const gpufleet::Scenario& s) {
  if (s.horizon_s > 31 * gpufleet::kSecondsPerDay) return false;
  double gpus = 0;
  for (const auto& c : s.contracts)
    for (const auto& step : c.ramp) gpus += static_cast<double>(step.gpus);
  for (const auto& m : s.markets) gpus += static_cast<double>(m.on_demand_gpus + m.spot_gpus);
  return gpus <= 4096 && s.workload.traces.empty() && s.faults.trace_path.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gpufleet::ScenarioLoadOptions options;
  options.read_files = false;
  auto scenario = gpufleet::load_scenario_text_with(text, "fuzz.yaml", "/nonexistent", options);
  if (!scenario) return 0;
  bool hourly = false;
  for (const auto& site : scenario->sites) hourly |= !site.carbon_hourly.source.empty();
  if (!hourly && small_enough(*scenario)) {
    gpufleet::Scenario s = *scenario;
    s.workload.max_jobs = 2000;
    auto workload = gpufleet::build_workload(s);
    if (workload) {
      auto results = gpufleet::simulate(s, *workload);
      if (results) {
        const fs::path out = work_dir() / "sim";
        fs::remove_all(out);
        if (!gpufleet::write_sim_results(*results, s, *workload, out.string())) __builtin_trap();
        report_must_render(out);
      }
    }
  }
  if (scenario->has_plan_section) {
    auto inputs = gpufleet::parse_plan_section(*scenario, text, "fuzz.yaml");
    if (inputs && inputs->periods <= 8 && inputs->offers.size() <= 4) {
      gpufleet::PlanOptions plan_options;
      plan_options.time_limit_s = 1;
      auto plan = gpufleet::run_plan(*inputs, plan_options);
      if (plan) {
        const fs::path out = work_dir() / "plan";
        fs::remove_all(out);
        if (!gpufleet::write_plan_results(*plan, *inputs, out.string())) __builtin_trap();
        report_must_render(out);
      }
    }
  }
  return 0;
}
