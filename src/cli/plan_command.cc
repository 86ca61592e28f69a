#include "cli/commands.h"

namespace gpufleet::cli {

void add_plan_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("plan", "(not yet built)");
  cmd->callback([] { throw CLI::RuntimeError("not yet built", 1); });
}

}  // namespace gpufleet::cli
