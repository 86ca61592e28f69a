#include "cli/commands.h"

namespace gpufleet::cli {

void add_validate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("validate", "(not yet built)");
  cmd->callback([] { throw CLI::RuntimeError("not yet built", 1); });
}

}  // namespace gpufleet::cli
