// gpufleet: plan, simulate and schedule AI compute across cloud providers.
// Exit status: 0 ok, 2 bad input or usage (every CLI11 parse error included), 3 an infeasible
// plan or none found in time, 4 a server that cannot be reached (client commands), 70 an internal error (an exception nothing else caught: a bug).
#include <cstdio>
#include <exception>
#include <new>

#include <CLI/CLI.hpp>

#include "cli/build_info.h"
#include "cli/commands.h"
#include "cli/usage_hint.h"
#include "risk/rank_group.h"

namespace {

constexpr int kExitInternalError = 70;  // EX_SOFTWARE

// Under mpirun every rank parses the same command line: rank 0 alone prints the help, the
// version and usage errors.
bool prints_usage() { return gpufleet::risk::launched_rank() == 0; }

int run(int argc, char** argv) {
  CLI::App app{"gpufleet: plan, simulate and schedule AI compute across cloud providers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", gpufleet::cli::version_text(), "Print the version, git revision and build type, and exit");
  gpufleet::cli::add_simulate_command(app);
  gpufleet::cli::add_plan_command(app);
  gpufleet::cli::add_risk_command(app);
  gpufleet::cli::add_validate_command(app);
  gpufleet::cli::add_example_command(app);
  gpufleet::cli::add_catalog_command(app);
  gpufleet::cli::add_report_command(app);
  gpufleet::cli::add_compare_command(app);
  gpufleet::cli::add_serve_command(app);
  gpufleet::cli::add_client_commands(app);
  gpufleet::cli::record_command_line(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return prints_usage() ? app.exit(e) : 0;
  } catch (const CLI::CallForAllHelp& e) {
    return prints_usage() ? app.exit(e) : 0;
  } catch (const CLI::CallForVersion& e) {
    if (prints_usage()) std::fputs(e.what(), stdout);
    return 0;
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own status; it printed its message
  } catch (const CLI::ParseError& e) {
    if (!prints_usage()) return gpufleet::kExitBadInput;
    std::fprintf(stderr, "error: <command line>: %s\n", e.what());
    if (const std::string hint = gpufleet::cli::usage_hint(app, argc, argv); !hint.empty())
      std::fprintf(stderr, "  %s\n", hint.c_str());
    std::fprintf(stderr, "  run 'gpufleet --help' or 'gpufleet COMMAND --help' for the usage\n");
    return gpufleet::kExitBadInput;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The last resort: every expected failure is a value that a command turns into exit 2 or
  // 3; an exception that reaches here is a bug, reported as such rather than as an abort.
  try {
    return run(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "internal error: out of memory (a size that should have been checked at load was not)\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "internal error: an unknown exception\n");
  }
  return kExitInternalError;
}
