#include "cli/commands.h"

namespace gpufleet::cli {

void add_example_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("example", "(not yet built)");
  cmd->callback([] { throw CLI::RuntimeError("not yet built", 1); });
}

}  // namespace gpufleet::cli
