#include "gpufleet/scenario.h"

namespace gpufleet {

std::string_view default_scenario_yaml() {
  return R"yaml(name: placeholder
)yaml";
}

Result<Scenario> default_scenario() {
  return load_scenario_text(std::string(default_scenario_yaml()), "<built-in>", ".");
}

}  // namespace gpufleet
