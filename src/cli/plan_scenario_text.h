// The text of a scenario with a `plan:` section, as `plan` and `risk` read it: the file at
// `path`, or the built-in planning scenario when path is empty; with the name errors use and
// the folder its relative paths resolve against.
#pragma once

#include <string>

#include "gpufleet/error.h"

namespace gpufleet::cli {

struct PlanScenarioText {
  std::string text;
  std::string name = "<built-in>";
  std::string dir = ".";
};

Result<PlanScenarioText> read_plan_scenario_text(const std::string& path);

}  // namespace gpufleet::cli
