// The default backend: it runs nothing and logs each run it would submit or cancel.
#include <fmt/format.h>

#include "serve/backend.h"
#include "serve/slurm_backend.h"

namespace gpufleet::serve {

namespace {

class DryRunBackend final : public Backend {
 public:
  DryRunBackend(std::string site, std::FILE* log) : site_(std::move(site)), log_(log) {}
  std::string describe() const override { return "dry run"; }
  void start(BackendSink) override {}
  void stop() override {}
  void submit(const RunSpec& r) override {
    if (!log_) return;
    fmt::print(log_, "dry run: site {}: would {} job {} run {} ({} GPUs, tenant {}, {} s estimated)\n", site_,
               r.resume ? "resume" : "submit", r.job_id, r.run, r.gpus, r.tenant.empty() ? "-" : r.tenant, r.estimated_duration_s);
  }
  void cancel(int64_t job_id, int32_t run) override {
    if (log_) fmt::print(log_, "dry run: site {}: would cancel job {} run {}\n", site_, job_id, run);
  }

 private:
  std::string site_;
  std::FILE* log_;
};

}  // namespace

std::unique_ptr<Backend> make_dry_run_backend(std::string site, std::FILE* log) {
  return std::make_unique<DryRunBackend>(std::move(site), log);
}

std::vector<std::unique_ptr<Backend>> make_backends(const Scenario& scenario, std::FILE* dry_run_log, const CommandRunner& runner) {
  std::vector<std::unique_ptr<Backend>> out;
  for (const Site& site : scenario.sites) {
    if (site.slurm)
      out.push_back(make_slurm_backend(site.name, *site.slurm, site.gpus_per_node, runner));
    else
      out.push_back(make_dry_run_backend(site.name, dry_run_log));
  }
  return out;
}

std::optional<BackendProblem> check_backends(const Scenario& scenario, const CommandRunner& runner) {
  for (size_t i = 0; i < scenario.sites.size(); ++i) {
    const Site& site = scenario.sites[i];
    if (!site.slurm) continue;
    if (auto p = check_slurm_cluster(site.name, *site.slurm, runner)) {
      p->error.file = scenario.source_file;
      p->error.field = fmt::format("sites[{}].backend.slurm", i);
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace gpufleet::serve
