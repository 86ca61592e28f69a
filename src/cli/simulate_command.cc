#include "cli/commands.h"

namespace gpufleet::cli {

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("simulate", "(not yet built)");
  cmd->callback([] { throw CLI::RuntimeError("not yet built", 1); });
}

}  // namespace gpufleet::cli
