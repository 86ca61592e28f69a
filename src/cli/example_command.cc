// gpufleet example: prints the built-in default scenario, sources in comments, to stdout.
#include <iostream>

#include "cli/commands.h"
#include "gpufleet/scenario.h"

namespace gpufleet::cli {

void add_example_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("example", "Print the built-in default scenario (YAML) to stdout");
  cmd->callback([] { std::cout << default_scenario_yaml(); });
}

}  // namespace gpufleet::cli
