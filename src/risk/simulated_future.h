// The simulator fidelity of `gpufleet risk --simulate` (docs/risk-format.md): each future
// replayed through the discrete-event simulator, its outcome turned into the FutureOutcome the
// period model gives, so that risk.json and futures.csv are the same.
#pragma once

#include <vector>

#include "gpufleet/plan.h"
#include "gpufleet/risk.h"
#include "risk/future_sampler.h"
#include "risk/risk_book.h"

namespace gpufleet::risk {

// What every simulated future shares: the scenario with the book's contracts (the scenario's
// and the commitments) over the plan's horizon, and the calendar by simulated hour.
// Read-only once made: evaluate() may run on many threads at once.
class SimulatedFutures {
 public:
  // Refuses a scenario that cannot be simulated: its workload must be made from the plan's
  // demand (`workload: {from_plan_demand: true, classes: ...}`), which the future's demand
  // multipliers scale. REQUIRES: book made from inputs; both outlive the result.
  static Result<SimulatedFutures> prepare(const PlanInputs& inputs, const Book& book);

  // One future: the demand workload with the future's multipliers; the contracts' ramps late
  // by its delivery delays, and cut pro rata at a site whose power it shortens so that their
  // peak fits; its disruptions as scheduled outages of the sites; the simulator's on-demand
  // and spot spend at the future's price multipliers (per provider and period: placement sees
  // the scenario's prices). Outcome:
  //   commitments, on-demand, spot: the simulator's hourly spend, discounted by its period;
  //   energy: the simulator's electricity (busy GPUs only, when the plan bills energy),
  //     discounted at the mean discount of the busy GPU-hours; idle take-or-pay: the
  //     contracts' idle dollars at their provider's mean contract discount;
  //   shortfall of period t (per stream): how much the queued demand grew over the period,
  //     at least 0, where the queued demand at an instant is the reference GPU-hours (GPUs x
  //     run time on the reference accelerator) of jobs submitted and not yet started (never
  //     started: still queued at the horizon, unplaceable jobs too);
  //   capacity: the hourly GPUs in service.
  Result<FutureOutcome> evaluate(const FutureDraws& draws) const;

 private:
  const PlanInputs* inputs_ = nullptr;
  const Book* book_ = nullptr;
  Scenario base_;
  std::vector<int> period_of_hour_;  // per simulated hour of the horizon
};

}  // namespace gpufleet::risk
