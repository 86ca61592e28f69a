// "Did you mean": the nearest subcommand or option name to a mistyped word, for the message
// of a command-line usage error.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace gpufleet::cli {

// A hint such as "did you mean --out?" for the first word of argv that names neither a
// subcommand of app nor an option of the chosen subcommand; "" when nothing is close.
std::string usage_hint(const CLI::App& app, int argc, char** argv);

}  // namespace gpufleet::cli
