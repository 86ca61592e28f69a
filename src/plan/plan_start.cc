#include "plan/plan_start.h"

#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "plan/plan_model_builder.h"
#include "plan/plan_rounding.h"

namespace gpufleet::plan {

std::vector<double> deterministic_start(const PlanInputs& inputs, const LpModel& target, const SolveRequest& request) {
  const PlanModel model = build_plan_model(inputs, {});
  SolveRequest r = request;
  r.roundings = model_roundings(inputs, model);
  r.on_pass = nullptr;
  r.relax = r.want_duals = false;
  auto solved = solve_model(model.lp, r);
  if (!solved || solved->x.empty()) return {};
  std::unordered_map<std::string_view, double> by_name;
  for (size_t c = 0; c < model.lp.columns().size(); ++c)
    if (model.lp.columns()[c].integer) by_name.emplace(model.lp.columns()[c].name, solved->x[c]);
  std::vector<double> start(target.columns().size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t c = 0; c < target.columns().size(); ++c) {
    const auto& col = target.columns()[c];
    if (!col.integer) continue;
    if (auto it = by_name.find(col.name); it != by_name.end()) start[c] = it->second;
  }
  return start;
}

SolveRequest::Rounding start_rounding(std::vector<double> start) {
  return {"the deterministic plan", [start = std::move(start)](const std::vector<double>& lp_x) {
            std::vector<double> x = lp_x;
            for (size_t c = 0; c < x.size() && c < start.size(); ++c)
              if (!std::isnan(start[c])) x[c] = start[c];
            return x;
          }};
}

}  // namespace gpufleet::plan
