// One function per subcommand; each adds itself to the app and runs when chosen.
// A command's callback throws CLI::RuntimeError(status) to set the exit status.
#pragma once

#include <CLI/CLI.hpp>

namespace gpufleet::cli {

void add_simulate_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_example_command(CLI::App& app);
void add_plan_command(CLI::App& app);

}  // namespace gpufleet::cli
