// The plan's binding choices in words: each limit whose marginal value (one unit more over
// the whole horizon, and one unit less) is material, said as what it costs: "The 40% provider
// share cap binds for aws: one point more (41%) saves $146M in present value over the horizon;
// one point less (39%) costs $333M." From PlanResult::marginals (period "all") alone: one
// unit either way, never extrapolated to the whole limit (values change as a limit moves).
#pragma once

#include <string>
#include <vector>

#include "gpufleet/plan.h"

namespace gpufleet::plan {

struct BindingChoice {
  std::string kind;      // MarginalValue::kind
  std::string what;      // MarginalValue::what
  double usd_more = 0;   // present value saved by one unit more
  double usd_less = 0;   // present value one unit less costs (when less_feasible)
  bool less_feasible = true;
  bool exact = false;    // both sides re-solved (else dual estimates)
  std::string sentence;
};

// The binding limits, most valuable first, at most `limit`. Material: one unit either way is
// worth at least 1e-6 of the objective (budget dollars: at least $0.001 a dollar). Demand is a
// requirement, not a choice: not listed.
std::vector<BindingChoice> binding_choices(const PlanResult& result, const PlanInputs& inputs, size_t limit = 8);

}  // namespace gpufleet::plan
