// gpufleet risk [SCENARIO.yaml] [--plan DIR] [--futures N] [--threads N] [--seed S] [--simulate] [--out DIR] [--report FILE]
//               [--sweep FIELD=V1,V2,...]... [--shard I/K | --merge DIR...] [--quiet]
// Thin: load the plan's inputs, the `uncertainty:` section and the plan's commitments
// (load_risk_setup), and every sweep variant (prepare_sweep) before any future; run_risk, then
// run_risk_sweep; print, write. Exit 2 on bad input. Under `mpirun -n K` the K ranks share the
// futures, agree on every error (all exit 2, rank 0 prints it), and rank 0 alone prints and
// writes the results (and runs the sweeps, on its threads).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "gpufleet/risk.h"
#include "risk/rank_group.h"
#include "util/atomic_file.h"
#include "util/cpu_count.h"
#include "util/digest.h"
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
  std::string shard;               // "I/K": one task of a job array
  std::vector<std::string> merge;  // the shards' --out folders
  bool simulate = false;
};

void add_options(CLI::App& cmd, RiskArgs& a) {
  cmd.add_option("scenario", a.scenario, "scenario YAML with `plan:` and `uncertainty:` sections (default: the built-in frontier-lab plan)");
  cmd.add_option("--plan", a.plan_dir, "evaluate the commitments of this `gpufleet plan --out` folder (its plan.json) besides the scenario's contracts")
      ->check(non_empty_path());
  cmd.add_option("--futures", a.futures, "futures to sample")
      ->check(whole_number_in(1, kMaxRiskFutures, "futures"))
      ->capture_default_str();
  cmd.add_option("--threads", a.threads, "threads per process (default: every core this process may use, shared among the MPI ranks on the machine); the results do not depend on it")
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
  auto* shard = cmd.add_option("--shard", a.shard,
                               "I/K: evaluate only the I-th of K blocks of the futures (0-based; a job array's task) and write them into --out "
                               "for --merge");
  cmd.add_option("--merge", a.merge, "summarise, print and write the run from these --shard folders (every I of one K once)")
      ->excludes(shard);
  cmd.add_flag("--simulate", a.simulate,
               "replay each future through the discrete-event simulator (the workload must be made from the plan's demand: "
               "workload: {from_plan_demand: true, classes: ...})");
}

// What every rank reads before the futures: the plan's inputs, the uncertainty, the plan's
// commitments, with the output checked against them. Errors as values: under mpirun every rank
// must agree on them before any of them stops.
struct RiskInputs {
  PlanInputs inputs;
  UncertaintySpec spec;
  std::vector<Contract> commitments;
  uint64_t digest = 0;  // of the scenario's text, the plan's plan.json and the seed: what shards must share
  int shard = 0, shards = 0;
  PreparedSweep sweep;  // --sweep: every variant, loaded and checked
};

Result<RiskInputs> load_risk_inputs(const RiskArgs& args) {
  auto scenario = read_plan_scenario_text(args.scenario);
  if (!scenario) return fail(scenario.error());
  const std::string& text = scenario->text;
  const std::string& name = scenario->name;
  const std::string& dir = scenario->dir;
  auto setup = load_risk_setup(text, name, dir, args.plan_dir, args.seed);
  if (!setup) return fail(setup.error());
  std::vector<SweepSpec> sweeps;
  for (const std::string& sw : args.sweeps) {
    auto spec = parse_sweep_option(sw);
    if (!spec) return fail(spec.error());
    sweeps.push_back(std::move(*spec));
  }
  auto prepared = prepare_sweep(sweeps, text, name, dir, args.plan_dir, args.seed);
  if (!prepared) return fail(prepared.error());
  std::string identity = text + "\n--plan\n";
  if (!args.plan_dir.empty()) {
    auto plan = read_file((std::filesystem::path(args.plan_dir) / "plan.json").string());
    if (!plan) return fail(plan.error());
    identity += *plan;
  }
  identity += fmt::format("\n--seed {}\n", setup->inputs.scenario.seed);
  int shard = 0, shards = 0;
  if (!args.shard.empty()) {
    int used = 0;
    if (std::sscanf(args.shard.c_str(), "%d/%d%n", &shard, &shards, &used) != 2 || static_cast<size_t>(used) != args.shard.size() ||
        shards < 1 || shards > 100000 || shard < 0 || shard >= shards)
      return fail("<command line>", 0, 0, "--shard", fmt::format("'{}': expected I/K with 0 <= I < K <= 100000, e.g. 0/4", args.shard));
    if (args.out_dir.empty()) return fail("<command line>", 0, 0, "--shard", "a shard writes its futures into --out DIR, for --merge");
  }
  if (!args.out_dir.empty()) {
    std::vector<std::string> files{args.scenario};
    if (!args.plan_dir.empty()) files.push_back((std::filesystem::path(args.plan_dir) / "plan.json").string());
    if (auto ok = check_not_overwriting_input("--out", args.out_dir, files, true); !ok) return fail(ok.error());
  }
  if (!args.report.empty()) {
    std::vector<std::string> files{args.scenario};
    if (!args.plan_dir.empty()) files.push_back((std::filesystem::path(args.plan_dir) / "plan.json").string());
    if (auto ok = check_not_overwriting_input("--report", args.report, files, false); !ok) return fail(ok.error());
  }
  return RiskInputs{std::move(setup->inputs), std::move(setup->uncertainty), std::move(setup->commitments), fnv1a64(identity), shard, shards,
                    std::move(*prepared)};
}

// --merge: the shards' folders read and merged into the run.
Result<RiskResult> merge_shards(const RiskInputs& in, const std::vector<std::string>& dirs, int64_t futures) {
  std::vector<RiskShard> shards;
  for (const std::string& d : dirs) {
    auto s = read_risk_shard(d);
    if (!s) return fail(s.error());
    shards.push_back(std::move(*s));
  }
  return merge_risk_shards(in.inputs, in.commitments, std::move(shards), dirs, in.digest, futures);
}

// Ends the command with exit 2 on every rank once they agree on `error` and have left the
// group: rank 0 prints it, the others nothing.
[[noreturn]] void exit_bad_input_on_every_rank(risk::RankGroup& ranks, const Error& error) {
  ranks.leave();
  if (ranks.rank() == 0) exit_bad_input(error);
  throw CLI::RuntimeError(kExitBadInput);
}

}  // namespace

void add_risk_command(CLI::App& app) {
  auto args = std::make_shared<RiskArgs>();
  auto* cmd = app.add_subcommand("risk", "Evaluate fixed commitments over sampled futures (cost distribution, shortfall, idle take-or-pay)");
  add_options(*cmd, *args);
  cmd->callback([args] {
    // Under mpirun every rank runs this; rank 0 alone prints and writes (see risk/rank_group.h).
    auto joined = risk::join_rank_group();
    if (!joined) {
      if (risk::launched_rank() == 0) exit_bad_input(joined.error());
      throw CLI::RuntimeError(kExitBadInput);  // rank 0 says why
    }
    risk::RankGroup& ranks = **joined;
    const bool reporter = ranks.rank() == 0;
    // Under mpirun, rank 0's stderr is a pipe to mpirun, which prints it: rank 0 draws the line.
    ProgressLine progress(!args->quiet && reporter, ranks.under_mpirun());
    progress.begin("reading the scenario");
    auto loaded = load_risk_inputs(*args);
    progress.end();
    if (auto ok = risk::agree(ranks, loaded ? Result<void>{} : fail(loaded.error())); !ok) exit_bad_input_on_every_rank(ranks, ok.error());
    const std::vector<SweepSpec>& sweeps = loaded->sweep.specs;
    const PreparedSweep* prepared = &loaded->sweep;
    RiskOptions options;
    options.futures = args->futures;
    options.fidelity = args->simulate ? RiskFidelity::simulator : RiskFidelity::period_model;
    options.threads = args->threads > 0 ? args->threads : default_worker_threads(ranks.local_size());
    options.ranks = &ranks;
    const std::string of_ranks =
        ranks.size() > 1 ? fmt::format(" on rank 0 (of {} ranks, {} futures in all)", ranks.size(), with_commas(static_cast<double>(args->futures)))
                         : std::string();
    options.progress = [&progress, &of_ranks](int64_t done, int64_t total) {
      progress.detail(fmt::format("{} of {} futures{}", with_commas(static_cast<double>(done)), with_commas(static_cast<double>(total)), of_ranks));
    };
    options.shard = loaded->shard;
    options.shards = loaded->shards;
    if (!args->merge.empty() && ranks.size() > 1)
      exit_bad_input_on_every_rank(ranks, Error{"<command line>", 0, 0, "--merge", "a merge runs in one process, not under mpirun"});
    progress.begin(!args->merge.empty() ? "merging the shards" : args->simulate ? "simulating futures" : "sampling futures");
    auto result = args->merge.empty() ? run_risk(loaded->inputs, loaded->spec, loaded->commitments, options)
                                      : merge_shards(*loaded, args->merge, args->futures);
    progress.end();
    // Every collective call is done: rank 0 goes on alone to print and write.
    if (!result) exit_bad_input_on_every_rank(ranks, result.error());
    ranks.leave();
    if (options.shards > 0) {
      const int64_t first = result->first_future, count = static_cast<int64_t>(result->outcomes.size());
      write_results_folder(args->out_dir, "risk", [&](const std::string& d) {
        return write_risk_shard({loaded->digest, result->futures, options.shard, options.shards, std::move(result->outcomes)}, d);
      });
      std::printf("risk shard %d/%d: %lld futures (from future %lld) of %lld written to %s\n", options.shard, options.shards,
                  static_cast<long long>(count), static_cast<long long>(first), static_cast<long long>(result->futures), args->out_dir.c_str());
      return;
    }
    if (!result->reports) return;
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
      RiskOptions alone = options;  // rank 0 alone, after the others have left
      alone.ranks = nullptr;
      alone.shard = alone.shards = 0;
      auto s = run_risk_sweep(*prepared, alone, *result);
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
