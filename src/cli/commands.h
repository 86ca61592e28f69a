// One function per subcommand; each adds itself to the app and runs when chosen.
// A command's callback throws CLI::RuntimeError(status) to set the exit status.
#pragma once

#include <cstdio>

#include <CLI/CLI.hpp>

#include "gpufleet/error.h"

namespace gpufleet::cli {

void add_simulate_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_example_command(CLI::App& app);
void add_plan_command(CLI::App& app);

// Prints the error to stderr and ends the command with exit status 2 (bad input).
[[noreturn]] inline void exit_bad_input(const Error& error) {
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

}  // namespace gpufleet::cli
