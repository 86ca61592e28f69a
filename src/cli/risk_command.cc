// gpufleet risk [SCENARIO.yaml] [--plan DIR] [--futures N] [--threads N] [--seed S] [--out DIR] [--quiet]
//               [--shard I/K | --merge DIR...]
// Thin: load the plan's inputs and the `uncertainty:` section, read the plan's commitments,
// run_risk, print, write. Exit 2 on bad input. Under `mpirun -n K` the K ranks share the
// futures, agree on every error (all exit 2, rank 0 prints it), and rank 0 alone prints and
// writes the results.
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
  int64_t futures = 1000;
  int threads = 0;  // 0: every core
  std::optional<uint64_t> seed;
  bool quiet = false;
  std::string shard;               // "I/K": one task of a job array
  std::vector<std::string> merge;  // the shards' --out folders
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
  cmd.add_flag("--quiet", a.quiet, "print only the summary line");
  auto* shard = cmd.add_option("--shard", a.shard,
                               "I/K: evaluate only the I-th of K blocks of the futures (0-based; a job array's task) and write them into --out "
                               "for --merge");
  cmd.add_option("--merge", a.merge, "summarise, print and write the run from these --shard folders (every I of one K once)")
      ->excludes(shard);
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
};

Result<RiskInputs> load_risk_inputs(const RiskArgs& args) {
  std::string text, name = "<built-in>", dir = ".";
  if (args.scenario.empty()) {
    text = std::string(default_plan_scenario_yaml());
  } else {
    auto t = read_file(args.scenario);
    if (!t) return fail(t.error());
    text = std::move(*t);
    name = args.scenario;
    const std::string parent = std::filesystem::path(args.scenario).parent_path().string();
    if (!parent.empty()) dir = parent;
  }
  auto inputs = load_plan_text(text, name, dir);
  if (!inputs) return fail(inputs.error());
  auto spec = parse_uncertainty_section(*inputs, text, name);
  if (!spec) return fail(spec.error());
  std::vector<Contract> commitments;
  if (!args.plan_dir.empty()) {
    auto c = read_plan_commitments(*inputs, args.plan_dir);
    if (!c) return fail(c.error());
    commitments = std::move(*c);
  }
  if (args.seed) inputs->scenario.seed = *args.seed;
  std::string identity = text + "\n--plan\n";
  if (!args.plan_dir.empty()) {
    auto plan = read_file((std::filesystem::path(args.plan_dir) / "plan.json").string());
    if (!plan) return fail(plan.error());
    identity += *plan;
  }
  identity += fmt::format("\n--seed {}\n", inputs->scenario.seed);
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
  return RiskInputs{std::move(*inputs), std::move(*spec), std::move(commitments), fnv1a64(identity), shard, shards};
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

    RiskOptions options;
    options.futures = args->futures;
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
    progress.begin(args->merge.empty() ? "sampling futures" : "merging the shards");
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
    std::fflush(stdout);
    if (!args->out_dir.empty()) {
      progress.begin("writing the results");
      write_results_folder(args->out_dir, "risk", [&](const std::string& d) { return write_risk_results(*result, d); });
      progress.end();
    }
  });
}

}  // namespace gpufleet::cli
