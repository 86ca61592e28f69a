// A results folder holding both a plan and a simulation (`plan --out DIR` and `simulate --out
// DIR` of its --emit-scenario): the plan's demand per period beside the work the simulation
// did in the same periods, both in reference GPUs (H100-SXM = 1), so that the report says
// whether the planned fleet carried the planned demand.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpufleet/error.h"

namespace gpufleet::report {

struct PlanOverlayPeriod {
  std::string period;             // the plan's label ("2026Q1")
  double demand_ref_gpus = 0;     // training + inference, plan.json
  double work_ref_gpus = 0;       // the simulation's work, mean over its hours in the period
  double simulated_share = 0;     // hours of the period the simulation covers / its hours
};

// One provider's bill as the plan has it and as the simulation of its fleet billed it, over
// the hours the simulation covers of the plan's periods (a period partly simulated counts its
// plan bill pro rata to those hours), nominal USD. Commitments are contracts and spend
// commitments on both sides; energy is electricity (held GPUs idle, busy ones at full power).
struct CostReconciliation {
  std::string provider;
  double plan_commitments_usd = 0, plan_on_demand_usd = 0, plan_spot_usd = 0, plan_energy_usd = 0;
  double sim_commitments_usd = 0, sim_on_demand_usd = 0, sim_spot_usd = 0, sim_energy_usd = 0;
};

struct PlanOverlay {
  std::vector<PlanOverlayPeriod> periods;  // those the simulation covers (share > 0), in order
  // Work / demand over the simulated hours of those periods, in reference GPU-hours.
  double carried_share = 0;
  // Per provider of plan.json's periods[].cost_by_provider, in its order (one the simulation
  // does not have spent nothing there); empty when the plan has no such field (written before
  // it) or timeseries.csv splits no provider's spend by source.
  std::vector<CostReconciliation> costs;
};

// Reads dir/plan.json (horizon.start, horizon.period_months, periods[].period,
// training_ref_gpus, inference_ref_gpus, cost_by_provider) and dir/timeseries.csv (time,
// work_ref_gpus, spend_usd_per_hour_P_{contract,on_demand,spot,electricity} per provider P).
// nullopt when timeseries.csv has no work_ref_gpus column (written before it) or the
// simulation covers no period of the plan. Errors name the file, line and field.
Result<std::optional<PlanOverlay>> read_plan_overlay(const std::string& dir);

// What the page draws: {periods, demand_ref_gpus, work_ref_gpus, simulated_share, carried_share,
// costs: [{provider, plan: {commitments_usd, ...}, simulation: {...}}]}.
nlohmann::ordered_json plan_overlay_json(const PlanOverlay& overlay);

}  // namespace gpufleet::report
