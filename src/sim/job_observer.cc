#include "sim/job_observer.h"

#include <algorithm>
#include <limits>

namespace gpufleet::sim {

namespace {
// Mean, p50 and p99 of values (reordered).
void stats(std::vector<double>& values, double& mean, double& p50, double& p99) {
  mean = p50 = p99 = 0;
  if (values.empty()) return;
  double sum = 0;
  for (double v : values) sum += v;
  mean = sum / static_cast<double>(values.size());
  auto at = [&](double q) {
    const auto k = static_cast<size_t>(q * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
  };
  p50 = at(0.50);
  p99 = at(0.99);
}
}  // namespace

JobObserver::JobObserver(const SimContext& ctx) : ctx_(ctx) {
  const auto& in = ctx.workload.jobs;
  jobs_.assign(in.size(), JobResult{});
  for (size_t i = 0; i < in.size(); ++i) {
    JobResult& r = jobs_[in[i].id];
    r.id = in[i].id;
    r.submit_s = in[i].submit_s;
    r.gpus = in[i].gpus;
  }
}

void JobObserver::on_job_start(double t_s, const Job& job, const Allocation& a) {
  JobResult& r = jobs_[job.id];
  const PoolSpec& s = ctx_.fleet.pool(a.pool).spec;
  if (r.start_s < 0) r.start_s = t_s;  // a restart keeps the first start
  r.site = s.site;
  r.source = s.source;
}

void JobObserver::on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) {
  JobResult& r = jobs_[job.id];
  const PoolSpec& s = ctx_.fleet.pool(a.pool).spec;
  r.cost_usd += static_cast<double>(a.gpus) * (t_s - a.start_s) / kSecondsPerHour * s.usd_per_gpu_hour;
  if (info.cause == StopCause::completed) r.end_s = t_s;
  if (info.interrupted()) ++r.restarts;
}

void JobObserver::on_finish(SimResults& results) {
  SimSummary& sum = results.summary;
  sum.jobs = static_cast<int64_t>(jobs_.size());
  sum.unplaceable = unplaceable_;
  std::vector<double> jct, queue;
  double first_submit = std::numeric_limits<double>::infinity();
  double last_end = -std::numeric_limits<double>::infinity();
  int64_t not_started = 0;
  double restarts = 0;
  for (const JobResult& r : jobs_) {
    first_submit = std::min(first_submit, r.submit_s);
    if (r.start_s < 0) {
      ++not_started;
      continue;
    }
    restarts += r.restarts;
    queue.push_back(r.start_s - r.submit_s);
    if (r.end_s >= 0) {
      jct.push_back(r.end_s - r.submit_s);
      last_end = std::max(last_end, r.end_s);
    }
  }
  sum.completed = static_cast<int64_t>(jct.size());
  sum.restarts_per_job = queue.empty() ? 0 : restarts / static_cast<double>(queue.size());
  sum.never_started = not_started - unplaceable_;
  sum.makespan_s = jct.empty() ? 0 : last_end - first_submit;
  stats(jct, sum.mean_jct_s, sum.p50_jct_s, sum.p99_jct_s);
  stats(queue, sum.mean_queue_s, sum.p50_queue_s, sum.p99_queue_s);
  results.jobs = std::move(jobs_);
}

}  // namespace gpufleet::sim
