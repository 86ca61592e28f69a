// gpufleet risk [SCENARIO.yaml] [--plan DIR] [--futures N] [--threads N] [--seed S] [--simulate] [--out DIR] [--quiet]
// Thin: load the plan's inputs and the `uncertainty:` section, read the plan's commitments,
// run_risk, print, write. Exit 2 on bad input.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "gpufleet/risk.h"
#include "util/atomic_file.h"
#include "util/human_format.h"

namespace gpufleet::cli {

namespace {

struct RiskArgs {
  std::string scenario;
  std::string plan_dir;
  std::string out_dir;
  int64_t futures = 1000;
  int threads = 0;  // 0: every core
  std::optional<uint64_t> seed;
  bool quiet = false;
  bool simulate = false;
};

void add_options(CLI::App& cmd, RiskArgs& a) {
  cmd.add_option("scenario", a.scenario, "scenario YAML with `plan:` and `uncertainty:` sections (default: the built-in frontier-lab plan)");
  cmd.add_option("--plan", a.plan_dir, "evaluate the commitments of this `gpufleet plan --out` folder (its plan.json) besides the scenario's contracts")
      ->check(non_empty_path());
  cmd.add_option("--futures", a.futures, "futures to sample")
      ->check(whole_number_in(1, kMaxRiskFutures, "futures"))
      ->capture_default_str();
  cmd.add_option("--threads", a.threads, "threads (default: every core); the results do not depend on it")
      ->check(whole_number_in(1, 256, "threads"));
  cmd.add_option("--seed", a.seed, "seed of the futures (default: the scenario's)");
  cmd.add_option("--out", a.out_dir, "write risk.json and futures.csv into this directory")->check(non_empty_path());
  cmd.add_flag("--quiet", a.quiet, "print only the summary line");
  cmd.add_flag("--simulate", a.simulate,
               "replay each future through the discrete-event simulator (the workload must be made from the plan's demand: "
               "workload: {from_plan_demand: true, classes: ...})");
}

}  // namespace

void add_risk_command(CLI::App& app) {
  auto args = std::make_shared<RiskArgs>();
  auto* cmd = app.add_subcommand("risk", "Evaluate fixed commitments over sampled futures (cost distribution, shortfall, idle take-or-pay)");
  add_options(*cmd, *args);
  cmd->callback([args] {
    ProgressLine progress(!args->quiet);
    progress.begin("reading the scenario");
    std::string text, name = "<built-in>", dir = ".";
    if (args->scenario.empty()) {
      text = std::string(default_plan_scenario_yaml());
    } else {
      auto t = read_file(args->scenario);
      if (!t) exit_bad_input(t.error());
      text = std::move(*t);
      name = args->scenario;
      const std::string parent = std::filesystem::path(args->scenario).parent_path().string();
      if (!parent.empty()) dir = parent;
    }
    auto inputs = load_plan_text(text, name, dir);
    if (!inputs) exit_bad_input(inputs.error());
    auto spec = parse_uncertainty_section(*inputs, text, name);
    if (!spec) exit_bad_input(spec.error());
    std::vector<Contract> commitments;
    if (!args->plan_dir.empty()) {
      auto c = read_plan_commitments(*inputs, args->plan_dir);
      if (!c) exit_bad_input(c.error());
      commitments = std::move(*c);
    }
    progress.end();
    if (args->seed) inputs->scenario.seed = *args->seed;
    if (!args->out_dir.empty()) {
      std::vector<std::string> files{args->scenario};
      if (!args->plan_dir.empty()) files.push_back((std::filesystem::path(args->plan_dir) / "plan.json").string());
      refuse_overwriting_input("--out", args->out_dir, files, true);
    }
    RiskOptions options;
    options.futures = args->futures;
    options.fidelity = args->simulate ? RiskFidelity::simulator : RiskFidelity::period_model;
    options.threads = args->threads > 0 ? args->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.progress = [&progress](int64_t done, int64_t total) {
      progress.detail(fmt::format("{} of {} futures", with_commas(static_cast<double>(done)), with_commas(static_cast<double>(total))));
    };
    progress.begin(args->simulate ? "simulating futures" : "sampling futures");
    auto result = run_risk(*inputs, *spec, commitments, options);
    progress.end();
    if (!result) exit_bad_input(result.error());
    if (args->quiet) {
      double worst = 0;
      for (double p : result->shortfall_probability) worst = std::max(worst, p);
      std::printf("%s: %lld futures, cost mean %s, P95 %s, CVaR95 %s, P(short) up to %.1f%%\n", result->scenario.c_str(),
                  static_cast<long long>(result->futures), human_usd(result->cost.mean).c_str(), human_usd(result->cost.p95).c_str(),
                  human_usd(result->cost.cvar95).c_str(), 100 * worst);
    } else {
      std::fputs(format_risk_report(*result).c_str(), stdout);
    }
    std::fflush(stdout);
    if (!args->out_dir.empty()) {
      progress.begin("writing the results");
      write_results_folder(args->out_dir, "risk", [&](const std::string& d) { return write_risk_results(*result, d); });
      progress.end();
    }
  });
}

}  // namespace gpufleet::cli
