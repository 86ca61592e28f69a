// gpufleet plan [SCENARIO.yaml] [--out DIR] [--report FILE] [--emit-scenario OUT.yaml] [--time-limit S]
//               [--gap REL] [--threads N] [--relax] [--no-limit-costs] [--quiet]
//               [--futures N [--risk-aversion L] [--cvar-alpha A] [--evaluation-futures M] [--evpi-futures K] [--seed S]]
// Thin: parse, load, run_plan (or, with --futures, run_stochastic_plan), print, write. Exit 2 on bad input; an infeasible plan is a
// result, printed with its diagnosis, with exit status 3 so that scripts can tell.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "gpufleet/plan.h"
#include "gpufleet/risk.h"
#include "util/atomic_file.h"
#include "util/human_format.h"

namespace gpufleet::cli {

namespace {

// --time-limit: at most 30 days of wall time.
constexpr double kMaxTimeLimitS = 30 * 86400.0;

struct PlanArgs {
  std::string scenario;
  std::string out_dir;
  std::string emit_scenario;
  std::string report;  // HTML report path
  PlanOptions options;
  bool quiet = false;
  bool no_limit_costs = false;
  StochasticPlanOptions stochastic;  // futures = 0: the deterministic plan
  std::optional<uint64_t> seed;
};

// The options table: each option defined once (name, target, description with its default);
// CLI11 builds the parser and --help from it.
void add_options(CLI::App& cmd, PlanArgs& a) {
  a.options.time_limit_s = 60;
  // Not checked by CLI11: a missing file is bad input (exit 2) reported by the loader.
  cmd.add_option("scenario", a.scenario, "scenario YAML with a `plan:` section (default: the built-in frontier-lab plan)");
  cmd.add_option("--out", a.out_dir, "write plan.json, plan.csv and plan_focus.csv into this directory")->check(non_empty_path());
  cmd.add_option("--report", a.report, "write the HTML report of the plan into this file")->check(non_empty_path());
  cmd.add_option("--emit-scenario", a.emit_scenario, "write a scenario whose contracts are the plan (for `gpufleet simulate`)")
      ->check(non_empty_path());
  cmd.add_option("--time-limit", a.options.time_limit_s, "wall seconds for the whole command (LP, search, marginal values); the best plan found by then is returned")
      ->check(number_in(0, kMaxTimeLimitS, "a number of seconds", true))
      ->capture_default_str();
  cmd.add_option("--gap", a.options.relative_gap, "relative optimality gap at which the search stops")
      ->check(number_in(0, 1, "a fraction"))
      ->capture_default_str();
  cmd.add_option("--threads", a.options.threads, "solver threads")->check(whole_number_in(1, 256, "threads"))->capture_default_str();
  cmd.add_flag("--relax", a.options.relax, "solve the LP relaxation only (fractional blocks; a lower bound)");
  cmd.add_flag("--no-limit-costs", a.no_limit_costs,
               "skip the limit-costs pass (the LP solved again without a binding provider share cap, for what the whole cap costs)");
  cmd.add_flag("--quiet", a.quiet, "print only the status line");
  a.stochastic.futures = 0;
  cmd.add_option("--futures", a.stochastic.futures,
                 "plan against this many futures of the scenario's `uncertainty:` section (a two-stage stochastic plan; 0: the forecast only)")
      ->check(whole_number_in(0, 100000, "futures"))
      ->capture_default_str();
  cmd.add_option("--risk-aversion", a.stochastic.risk_aversion, "with --futures: minimise E[cost] + this x CVaR of the cost")
      ->check(number_in(0, 1e6, "a weight >= 0"))
      ->capture_default_str();
  cmd.add_option("--cvar-alpha", a.stochastic.cvar_alpha, "with --futures: the CVaR's level (the mean of the worst 1 - alpha of futures)")
      ->check(number_in(0, 0.9999, "a level in [0, 1)"))
      ->capture_default_str();
  cmd.add_option("--evaluation-futures", a.stochastic.evaluation_futures,
                 "with --futures: fresh futures (seed + 1) on which the stochastic and the deterministic plan are compared (VSS; 0: skip)")
      ->check(whole_number_in(0, 100000, "futures"))
      ->capture_default_str();
  cmd.add_option("--evpi-futures", a.stochastic.perfect_information_futures,
                 "with --futures: planned futures each planned alone for the value of perfect information (EVPI; 0: skip; default: 10, at most --futures)")
      ->check(whole_number_in(0, 100000, "futures"));
  cmd.add_option("--seed", a.seed, "with --futures: seed of the futures (default: the scenario's)");
}

// The planning line's detail: the pass, and the best plan, the bound and the gap between them
// after the last search pass ("marginals; after round-down: plan $97.6B, bound $97.4B, gap 0.21%").
class PlanProgressText {
 public:
  std::string operator()(const PlanProgress& p) {
    if (!p.search_pass.empty()) {
      const double gap =
          p.incumbent_usd > 0 ? std::max(0.0, (p.incumbent_usd - p.bound_usd) / p.incumbent_usd) : 0.0;
      search_ = p.incumbent_usd < 0
                    ? fmt::format("after {}: no plan yet, bound {}", p.search_pass, human_usd(p.bound_usd))
                    : fmt::format("after {}: plan {}, bound {}, gap {:.2f}%", p.search_pass, human_usd(p.incumbent_usd),
                                  human_usd(p.bound_usd), 100 * gap);
    }
    return search_.empty() ? p.pass : fmt::format("{}; {}", p.pass, search_);
  }

 private:
  std::string search_;
};

}  // namespace

void add_plan_command(CLI::App& app) {
  auto args = std::make_shared<PlanArgs>();
  auto* cmd = app.add_subcommand("plan", "Plan capacity commitments across providers (MILP, COIN-OR CBC)");
  add_options(*cmd, *args);
  CLI::Option* cmd_evpi = cmd->get_option("--evpi-futures");
  cmd->callback([args, cmd_evpi] {
    ProgressLine progress(!args->quiet);
    progress.begin("reading the scenario");
    auto scenario = read_plan_scenario_text(args->scenario);
    if (!scenario) exit_bad_input(scenario.error());
    const std::string& text = scenario->text;
    const std::string& name = scenario->name;
    auto inputs = load_plan_text(text, name, scenario->dir);
    if (!inputs) exit_bad_input(inputs.error());
    const bool stochastic = args->stochastic.futures > 0;
    if (stochastic && cmd_evpi->count() == 0) args->stochastic.perfect_information_futures = std::min<int64_t>(10, args->stochastic.futures);
    UncertaintySpec uncertainty;
    if (stochastic) {
      auto spec = parse_uncertainty_section(*inputs, text, name);
      if (!spec) exit_bad_input(spec.error());
      uncertainty = std::move(*spec);
      if (args->seed) inputs->scenario.seed = *args->seed;
    } else if (args->seed || args->stochastic.risk_aversion > 0) {
      exit_bad_input(Error{"<command line>", 0, 0, args->seed ? "--seed" : "--risk-aversion", "needs --futures N (a stochastic plan)"});
    }
    progress.end();
    std::vector<std::string> files{args->scenario};
    for (const Site& s : inputs->scenario.sites) files.push_back(s.carbon_hourly.source);
    if (!args->out_dir.empty()) refuse_overwriting_input("--out", args->out_dir, files, true);
    if (!args->report.empty()) refuse_overwriting_input("--report", args->report, files, false);
    if (!args->emit_scenario.empty()) refuse_overwriting_input("--emit-scenario", args->emit_scenario, files, false);
    PlanOptions options = args->options;
    options.limit_costs = !args->no_limit_costs;
    options.progress = [&progress, text = PlanProgressText()](const PlanProgress& p) mutable { progress.detail(text(p)); };
    progress.begin(stochastic ? fmt::format("planning against {} futures", args->stochastic.futures) : std::string("planning"));
    std::optional<StochasticPlanResult> two_stage;
    Result<PlanResult> result = fail("", 0, 0, "", "not run");
    if (stochastic) {
      StochasticPlanOptions so = args->stochastic;
      so.plan = options;
      auto r = run_stochastic_plan(*inputs, uncertainty, so);
      if (!r) exit_bad_input(r.error());
      two_stage = std::move(*r);
      result = two_stage->plan;
    } else {
      result = run_plan(*inputs, options);
    }
    progress.end();
    if (!result) exit_bad_input(result.error());
    // run_plan prepared its own copy; the writers need the calendar too.
    if (auto ok = prepare_plan_inputs(*inputs); !ok) exit_bad_input(ok.error());
    if (args->quiet) {
      std::printf("%s: %s, objective $%.0f, gap %.3f%%, %zu commitments\n", inputs->scenario.name.c_str(),
                  std::string(to_string(result->status)).c_str(), result->objective_usd, 100 * result->gap,
                  result->commitments.size());
    } else {
      std::fputs(format_plan_report(*result, *inputs).c_str(), stdout);
    }
    if (two_stage) std::fputs(format_stochastic_summary(*two_stage).c_str(), stdout);
    std::fflush(stdout);
    const auto write = [&](const std::string& dir) -> Result<void> {
      if (auto ok = write_plan_results(*result, *inputs, dir); !ok) return ok;
      return two_stage ? write_stochastic_results(*two_stage, dir) : Result<void>{};
    };
    if (!args->out_dir.empty()) {
      progress.begin("writing the results");
      write_results_folder(args->out_dir, "plan", write);
      progress.end();
    }
    if (!args->report.empty()) {
      progress.begin("writing the report");
      report_results(args->out_dir, args->report, "plan", write);
      progress.end();
    }
    if (!args->emit_scenario.empty()) {
      if (result->status != PlanStatus::optimal && result->status != PlanStatus::time_limit) {
        std::fprintf(stderr, "error: no plan to emit (status %s)\n", std::string(to_string(result->status)).c_str());
        throw CLI::RuntimeError(3);
      }
      if (auto w = write_plan_scenario(*result, *inputs, args->emit_scenario); !w) exit_bad_input(w.error());
    }
    // 3: the model is infeasible or no plan was found in time (a result, not bad input).
    if (result->status == PlanStatus::infeasible || result->status == PlanStatus::no_plan_found) throw CLI::RuntimeError(3);
  });
}

}  // namespace gpufleet::cli
