// read_plan_scenario_text: the scenario text `plan`, `risk` and the Python module's plan() read.
#include <filesystem>

#include "gpufleet/plan.h"
#include "util/atomic_file.h"

namespace gpufleet {

Result<PlanScenarioText> read_plan_scenario_text(const std::string& path) {
  PlanScenarioText s;
  if (path.empty()) {
    s.text = std::string(default_plan_scenario_yaml());
    return s;
  }
  auto t = read_file(path);
  if (!t) return fail(t.error());
  s.text = std::move(*t);
  s.name = path;
  const std::string parent = std::filesystem::path(path).parent_path().string();
  if (!parent.empty()) s.dir = parent;
  return s;
}

}  // namespace gpufleet
