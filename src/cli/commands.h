// One function per subcommand; each adds itself to the app and runs when chosen.
// A command's callback throws CLI::RuntimeError(status) to set the exit status.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/progress_line.h"
#include "gpufleet/error.h"

namespace gpufleet::cli {

void add_simulate_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_example_command(CLI::App& app);
// catalog import: a SkyPilot price catalogue printed as a markets: list (catalog_command.cc).
void add_catalog_command(CLI::App& app);
void add_plan_command(CLI::App& app);
void add_risk_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_serve_command(CLI::App& app);
// submit, status, cancel, queue: clients of a running server (client_commands.cc).
void add_client_commands(CLI::App& app);

// The report's helpers (report_command.cc). record_command_line keeps argv for run.json;
// record_run writes the command's entry of run.json into a results folder; report_results renders the results in
// out_dir into html_path, or, when out_dir is empty, first writes them with write_results
// into a temporary folder. Errors end the command with exit status 2.
// `command_name` ("simulate", "plan", "risk") names the command's entry in run.json.
void record_command_line(int argc, char** argv);
const std::string& recorded_command_line();  // as a shell reads it back; "gpufleet" first
void record_run(const std::string& dir, const std::string& command_name);
void report_results(const std::string& out_dir, const std::string& html_path, const std::string& command_name,
                    const std::function<Result<void>(const std::string&)>& write_results);
// --out DIR: write_results fills a fresh folder beside DIR; the results other commands wrote
// into DIR (their run.json entries and files) are kept unless this command wrote a file of
// theirs; run.json records this command's; the folder is swapped in whole
// (util/atomic_folder.h). Errors end the command with exit 2.
void write_results_folder(const std::string& out_dir, const std::string& command_name,
                          const std::function<Result<void>(const std::string&)>& write_results);

// Ends the command with exit 2 when `output` (given by `option`) is one of `inputs`, or, for
// a folder, holds one (output_paths.cc).
void refuse_overwriting_input(const std::string& option, const std::string& output, const std::vector<std::string>& inputs,
                              bool output_is_folder);
// The same check as a value (for a command that must agree on errors with other MPI ranks).
Result<void> check_not_overwriting_input(const std::string& option, const std::string& output, const std::vector<std::string>& inputs,
                                         bool output_is_folder);

// For --out, --report, -o and --emit-scenario: an empty path is a usage error (exit 2), not
// "write nothing".
inline CLI::Validator non_empty_path() {
  return CLI::Validator([](std::string& s) { return s.empty() ? std::string("an empty path; expected a file or folder name") : std::string(); },
                        "PATH");
}

// Prints the error to stderr and ends the command with exit status 2 (bad input).
[[noreturn]] inline void exit_bad_input(const Error& error) {
  end_open_progress_line();
  std::fprintf(stderr, "error: %s\n", error.to_string().c_str());
  throw CLI::RuntimeError(kExitBadInput);
}

}  // namespace gpufleet::cli
