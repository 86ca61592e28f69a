// gpufleet compare A B [C ...] [--report FILE]: result folders of plan, risk or simulate side
// by side (report/compare.h does the work). Thin: parse, compare, print. Exit 2 on bad input.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "gpufleet/report.h"

namespace gpufleet::cli {

namespace {

struct CompareArgs {
  std::vector<std::string> dirs;
  std::string report;  // HTML report path
};

}  // namespace

void add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare",
                                 "Compare result folders of `plan`, `risk` or `simulate`: cost distributions, shortfall, provider shares, "
                                 "commitments, and regret on the same futures");
  // Not checked by CLI11: a missing folder is bad input (exit 2) named by compare_results.
  cmd->add_option("dirs", args->dirs, "two or more results folders (`plan --out`, `risk --out`, `simulate --out`)")
      ->required()
      ->expected(2, -1);
  cmd->add_option("--report", args->report, "write the HTML page (the cost CDFs on one chart, the regret table) into this file")
      ->check(non_empty_path());
  cmd->callback([args] {
    if (!args->report.empty()) {
      std::vector<std::string> inputs;
      for (const auto& d : args->dirs)
        for (const char* name : {"risk.json", "futures.csv", "plan.json", "summary.json", "run.json"})
          inputs.push_back((std::filesystem::path(d) / name).string());
      refuse_overwriting_input("--report", args->report, inputs, false);
    }
    auto text = compare_results(args->dirs, args->report, recorded_command_line());
    if (!text) exit_bad_input(text.error());
    std::fputs(text->c_str(), stdout);
    if (!args->report.empty()) std::printf("report written to %s\n", args->report.c_str());
    std::fflush(stdout);
  });
}

}  // namespace gpufleet::cli
