// Where a site's placed jobs run when `gpufleet serve` places them: `backend: {slurm: {...}}`
// (a real Slurm cluster, src/serve/slurm_backend.h). Sites without it use the dry run.
#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"

namespace gpufleet {

namespace {

// A duration in [min_s, max_s], seconds.
Result<double> bounded_duration(const YamlField& f, std::string_view key, double fallback, double min_s, double max_s) {
  auto field = f.optional(key);
  if (!field) return fallback;
  auto v = field->as_duration_s();
  if (!v) return v;
  if (*v < min_s || *v > max_s)
    return fail(field->error(fmt::format("{} s; expected a duration from {} s to {} s", *v, min_s, max_s)));
  return v;
}

// A text field that must not be empty when given, nor hold a newline (it becomes a command
// argument).
Result<std::string> argument_text(const YamlField& f, std::string_view key, std::string fallback) {
  auto field = f.optional(key);
  if (!field) return fallback;
  auto v = field->as_string();
  if (!v) return v;
  if (v->empty()) return fail(field->error("empty; expected a value, or leave the key out"));
  if (v->find_first_of("\n\r") != std::string::npos) return fail(field->error("holds a line break; expected one line"));
  return v;
}

Result<void> parse_slurm(const YamlField& f, const LoadContext& ctx, SlurmBackendSpec& b) {
  if (auto r = f.expect_map(); !r) return r;
  if (auto r = f.check_keys({"cluster", "partition", "conf", "bin_dir", "gres", "command", "script", "account", "accounts",
                             "output", "sbatch_args", "time_limit_factor", "poll_interval", "retry_interval",
                             "command_timeout", "max_failures"});
      !r)
    return r;
  auto cluster = required_text(f, "cluster");
  if (!cluster) return fail(cluster.error());
  b.cluster = *cluster;
  auto partition = required_text(f, "partition");
  if (!partition) return fail(partition.error());
  if (partition->find_first_of(" \t\n,") != std::string::npos)
    return fail(f.required("partition")->error(fmt::format("'{}'; expected one partition name (no spaces or commas)", *partition)));
  b.partition = *partition;
  for (auto [key, out] : {std::pair{"conf", &b.conf}, std::pair{"bin_dir", &b.bin_dir}, std::pair{"script", &b.script}}) {
    auto v = argument_text(f, key, "");
    if (!v) return fail(v.error());
    *out = v->empty() ? std::string() : resolve_path(ctx.base_dir, *v);
  }
  auto gres = argument_text(f, "gres", "gpu");
  if (!gres) return fail(gres.error());
  if (gres->find_first_of(" ,=") != std::string::npos || gres->front() == ':' || gres->back() == ':')
    return fail(f.required("gres")->error(fmt::format("'{}'; expected a GRES name, optionally with a type: gpu or gpu:h100", *gres)));
  b.gres = *gres;
  auto command = argument_text(f, "command", "");
  if (!command) return fail(command.error());
  b.command = *command;
  if (b.command.empty() == b.script.empty())
    return fail((b.command.empty() ? f : *f.optional("script")).error(
        b.command.empty() ? "neither command nor script; expected one of them: what each job runs (sbatch --wrap, or a batch script)"
                          : "both command and script; expected one of them"));
  if (!b.script.empty() && ctx.options.read_files) {
    if (std::FILE* file = std::fopen(b.script.c_str(), "r")) {
      std::fclose(file);
    } else {
      return fail(f.optional("script")->error(fmt::format("cannot read '{}'; expected the batch script each job runs", b.script)));
    }
  }
  auto account = argument_text(f, "account", "");
  if (!account) return fail(account.error());
  b.account = *account;
  if (auto accounts = f.optional("accounts")) {
    if (auto r = accounts->expect_map(); !r) return r;
    auto entries = accounts->entries();
    if (!entries) return fail(entries.error());
    for (const auto& [tenant, value] : *entries) {
      auto a = value.as_string();
      if (!a) return fail(a.error());
      if (a->empty() || a->find_first_of(" \n,") != std::string::npos)
        return fail(value.error(fmt::format("'{}'; expected a Slurm account name", *a)));
      b.accounts.emplace_back(tenant, *a);
    }
  }
  auto output = argument_text(f, "output", "");
  if (!output) return fail(output.error());
  b.output = *output;
  if (auto args = f.optional("sbatch_args")) {
    auto list = args->as_string_list();
    if (!list) return fail(list.error());
    for (const std::string& a : *list)
      if (a.rfind("-", 0) != 0 || a.find_first_of("\n\r") != std::string::npos)
        return fail(args->error(fmt::format("'{}'; expected sbatch options, each starting with '-' (e.g. --qos=high)", a)));
    b.sbatch_args = *list;
  }
  auto factor = f.get_double("time_limit_factor", 1.0, 1.0, 100.0);
  if (!factor) return fail(factor.error());
  b.time_limit_factor = *factor;
  auto poll = bounded_duration(f, "poll_interval", 2, 0.1, 3600);
  if (!poll) return fail(poll.error());
  b.poll_interval_s = *poll;
  auto retry = bounded_duration(f, "retry_interval", 10, 0.1, 86400);
  if (!retry) return fail(retry.error());
  b.retry_interval_s = *retry;
  auto timeout = bounded_duration(f, "command_timeout", 30, 1, 3600);
  if (!timeout) return fail(timeout.error());
  b.command_timeout_s = *timeout;
  auto failures = f.get_int("max_failures", 3, 1, 1000);
  if (!failures) return fail(failures.error());
  b.max_failures = static_cast<int>(*failures);
  return {};
}

}  // namespace

Result<void> parse_site_backend(const YamlField& f, const LoadContext& ctx, Site& site) {
  if (auto r = f.expect_map(); !r) return r;
  if (auto r = f.check_keys({"slurm"}); !r) return r;
  auto slurm = f.optional("slurm");
  if (!slurm) return fail(f.error("expected slurm: {cluster: NAME, partition: P, command: ...}; leave backend out for the dry run"));
  SlurmBackendSpec b;
  if (auto r = parse_slurm(*slurm, ctx, b); !r) return r;
  site.slurm = std::move(b);
  return {};
}

}  // namespace gpufleet
