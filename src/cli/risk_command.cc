// gpufleet risk [SCENARIO.yaml] [--plan DIR] [--futures N] [--threads N] [--seed S] [--out DIR] [--report FILE] [--sweep FIELD=V1,V2,...]... [--quiet]
// Thin: load the plan's inputs, the `uncertainty:` section and the plan's commitments
// (load_risk_setup), and every sweep variant (prepare_sweep) before any future; run_risk, then
// run_risk_sweep; print, write. Exit 2 on bad input.
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
  std::string report;  // HTML report path
  int64_t futures = 1000;
  int threads = 0;  // 0: every core
  std::optional<uint64_t> seed;
  std::vector<std::string> sweeps;  // FIELD=V1,V2,...
  bool quiet = false;
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
  cmd.add_option("--report", a.report, "write the HTML report of the risk run (fan charts, cost distribution) into this file")
      ->check(non_empty_path());
  cmd.add_option("--sweep", a.sweeps,
                 "FIELD=V1,V2,...: re-run with one numeric scenario field (plan.demand.training.growth_per_year, "
                 "markets[2].on_demand_usd_per_gpu_hour, sites[NAME].power_cap_mw) set to each value; repeatable; a tornado of the cost mean")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd.add_flag("--quiet", a.quiet, "print only the summary line");
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
    auto setup = load_risk_setup(text, name, dir, args->plan_dir, args->seed);
    if (!setup) exit_bad_input(setup.error());
    std::vector<SweepSpec> sweeps;
    for (const std::string& s : args->sweeps) {
      auto spec = parse_sweep_option(s);
      if (!spec) exit_bad_input(spec.error());
      sweeps.push_back(std::move(*spec));
    }
    auto prepared = prepare_sweep(sweeps, text, name, dir, args->plan_dir, args->seed);
    if (!prepared) exit_bad_input(prepared.error());
    progress.end();
    std::vector<std::string> input_files{args->scenario};
    if (!args->plan_dir.empty()) input_files.push_back((std::filesystem::path(args->plan_dir) / "plan.json").string());
    if (!args->out_dir.empty()) refuse_overwriting_input("--out", args->out_dir, input_files, true);
    if (!args->report.empty()) refuse_overwriting_input("--report", args->report, input_files, false);
    RiskOptions options;
    options.futures = args->futures;
    options.threads = args->threads > 0 ? args->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.progress = [&progress](int64_t done, int64_t total) {
      progress.detail(fmt::format("{} of {} futures", with_commas(static_cast<double>(done)), with_commas(static_cast<double>(total))));
    };
    progress.begin("sampling futures");
    auto result = run_risk(setup->inputs, setup->uncertainty, setup->commitments, options);
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
    std::optional<SweepResult> swept;
    if (!sweeps.empty()) {
      progress.begin(fmt::format("sweeping {} variants", prepared->variants.size()));
      auto s = run_risk_sweep(*prepared, options, *result);
      progress.end();
      if (!s) exit_bad_input(s.error());
      swept = std::move(*s);
      std::fputs(("\n" + format_sweep_report(*swept)).c_str(), stdout);
    }
    std::fflush(stdout);
    const auto write = [&](const std::string& d) -> Result<void> {
      if (auto ok = write_risk_results(*result, d); !ok) return ok;
      return swept ? write_sweep_results(*swept, d) : Result<void>{};
    };
    if (!args->out_dir.empty()) {
      progress.begin("writing the results");
      write_results_folder(args->out_dir, "risk", write);
      progress.end();
    }
    if (!args->report.empty()) {
      progress.begin("writing the report");
      report_results(args->out_dir, args->report, "risk", write);
      progress.end();
    }
  });
}

}  // namespace gpufleet::cli
