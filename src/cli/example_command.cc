// gpufleet example [--plan]: prints the built-in default scenario, sources in comments, to
// stdout; with --plan, the built-in planning scenario (the same model with a `plan:` section).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "gpufleet/plan.h"
#include "gpufleet/scenario.h"

namespace gpufleet::cli {

void add_example_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("example", "Print the built-in default scenario (YAML) to stdout");
  auto plan = std::make_shared<bool>(false);
  cmd->add_flag("--plan", *plan, "Print the built-in planning scenario (for `gpufleet plan`) instead");
  cmd->callback([plan] {
    if (*plan) std::cout << default_plan_scenario_yaml();
    else std::cout << default_scenario_yaml();
  });
}

}  // namespace gpufleet::cli
