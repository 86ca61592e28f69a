// Spend commitments in the plan model: the draw, taken and shortfall columns and the market,
// draw, one-in-force and spend rows (plan_model_builder.h lists them).
#pragma once

#include <vector>

#include "plan/plan_model_builder.h"

namespace gpufleet::plan {

// What the builder has decided when it adds spend commitments.
struct SpendModelContext {
  int T = 0;             // modelled periods (horizon, then tail years)
  int horizon = 0;       // the plan's periods: offers start there
  int calendar = 0;      // calendar periods
  int modelled_end = 0;  // the calendar period after the last modelled one
  double modelled_end_s = 0;
  double scale = 0;      // objective units per USD
  double keep_cost = 1;  // 0 in the elastic model (only slack is costed)
  const std::vector<int>& market_of_pool;  // per pool: index into Scenario::markets, or -1
};

// Adds every existing spend commitment of the scenario and every spend offer of the inputs to
// m: fills m.spend_families, m.spend_instances and the pools' draw columns. REQUIRES: the
// pools and their on-demand columns are built; the rows that count what is held (capacity,
// power, share, N-1) are not yet.
void add_spend_commitments(const PlanInputs& in, const SpendModelContext& ctx, PlanModel& m);

}  // namespace gpufleet::plan
