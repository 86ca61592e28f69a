// gpufleet: plan, simulate and schedule AI compute across cloud providers.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"gpufleet: plan, simulate and schedule AI compute across cloud providers"};
  app.require_subcommand(1);
  gpufleet::cli::add_simulate_command(app);
  gpufleet::cli::add_plan_command(app);
  gpufleet::cli::add_validate_command(app);
  gpufleet::cli::add_example_command(app);
  gpufleet::cli::add_report_command(app);
  gpufleet::cli::record_command_line(argc, argv);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
