#include "sim/job_observer.h"

#include "util/huge_pages.h"

#include <algorithm>
#include <iterator>
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
  // p99 lies at or above p50's rank: once p50 is in place, only the part above it is searched.
  const auto k50 = static_cast<ptrdiff_t>(0.50 * static_cast<double>(values.size() - 1));
  const auto k99 = static_cast<ptrdiff_t>(0.99 * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + k50, values.end());
  p50 = values[static_cast<size_t>(k50)];
  std::nth_element(values.begin() + k50, values.begin() + k99, values.end());
  p99 = values[static_cast<size_t>(k99)];
}
}  // namespace

JobObserver::JobObserver(const SimContext& ctx, bool rows)
    : ctx_(ctx), stopped_bits_((ctx.workload.jobs.size() + 63) / 64, 0), rows_(rows) {
  const size_t n = ctx.workload.jobs.size();
  reserve_huge(start_s_, n);
  reserve_huge(end_s_, n);
  reserve_huge(pool_, n);
  start_s_.assign(n, -1.0);
  end_s_.assign(n, -1.0);
  pool_.assign(n, kNone);
}

void JobObserver::on_job_start(double t_s, const Job& job, const Allocation& a) {
  if (start_s_[job.id] < 0) start_s_[job.id] = t_s;  // a restart keeps the first start
  pool_[job.id] = a.pool;
  if (stopped_before(job.id)) stopped_[job.id].run_start_s = t_s;
}

void JobObserver::on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) {
  if (info.cause == StopCause::completed) {
    end_s_[job.id] = t_s;  // the cost of this last run is derived in on_finish()
    return;
  }
  Stopped& s = stopped_[job.id];
  if (!stopped_before(job.id)) {
    s.run_start_s = a.start_s;
    stopped_bits_[job.id >> 6] |= uint64_t{1} << (job.id & 63);
  }
  const PoolSpec& spec = ctx_.fleet.pool(a.pool).spec;
  const double gpu_s = static_cast<double>(a.gpus) * (t_s - a.start_s);
  s.gpu_seconds += gpu_s;
  s.cost_usd[static_cast<size_t>(spec.source)] += gpu_s / kSecondsPerHour * spec.usd_per_gpu_hour;
  if (info.interrupted()) ++s.restarts;
}

void JobObserver::on_finish(SimResults& results) {
  SimSummary& sum = results.summary;
  const auto& in = ctx_.workload.jobs;
  sum.jobs = static_cast<int64_t>(in.size());
  sum.unplaceable = unplaceable_;
  std::vector<JobResult> rows;
  if (rows_) {
    reserve_huge(rows, in.size());
    rows.resize(in.size());
  }
  JobResult scratch;  // the row being made when rows are not kept
  // Queue times and JCTs, in id order, are compacted into start_s_ and end_s_ as they are
  // read (the write index never passes the read index): no more memory.
  size_t queued = 0, completed = 0;
  double first_submit = std::numeric_limits<double>::infinity();
  double last_end = -std::numeric_limits<double>::infinity();
  int64_t not_started = 0;
  double restarts = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const Job& job = in[i];
    if (!rows_) scratch = JobResult{};
    JobResult& r = rows_ ? rows[i] : scratch;
    r.id = job.id;
    r.submit_s = job.submit_s;
    r.gpus = job.gpus;
    first_submit = std::min(first_submit, r.submit_s);
    if (start_s_[i] < 0) {
      ++not_started;
      continue;
    }
    r.start_s = start_s_[i];
    r.end_s = end_s_[i];
    const PoolSpec& spec = ctx_.fleet.pool(pool_[i]).spec;
    r.site = spec.site;
    r.source = spec.source;
    r.accelerator = spec.accelerator;
    double run_start = r.start_s;
    double by_source[3] = {0, 0, 0};
    if (stopped_before(job.id)) {
      const Stopped& s = stopped_.at(job.id);
      std::copy(std::begin(s.cost_usd), std::end(s.cost_usd), by_source);
      r.gpu_seconds_allocated = s.gpu_seconds;
      r.restarts = s.restarts;
      run_start = s.run_start_s;
    }
    if (r.end_s >= 0) {
      // The last run, which completed: the same product the stop of an interrupted run adds.
      const uint32_t gpus = ctx_.fleet.gpus_taken(pool_[i], job.gpus);
      const double gpu_s = static_cast<double>(gpus) * (r.end_s - run_start);
      r.gpu_seconds_allocated += gpu_s;
      by_source[static_cast<size_t>(spec.source)] += gpu_s / kSecondsPerHour * spec.usd_per_gpu_hour;
    }
    r.contract_usd = by_source[static_cast<size_t>(CapacitySource::contract)];
    r.on_demand_usd = by_source[static_cast<size_t>(CapacitySource::on_demand)];
    r.spot_usd = by_source[static_cast<size_t>(CapacitySource::spot)];
    r.cost_usd = r.contract_usd + r.on_demand_usd + r.spot_usd;
    restarts += r.restarts;
    start_s_[queued++] = r.start_s - r.submit_s;
    if (r.end_s >= 0) {
      end_s_[completed++] = r.end_s - r.submit_s;
      last_end = std::max(last_end, r.end_s);
    }
  }
  std::vector<double>& queue = start_s_;
  std::vector<double>& jct = end_s_;
  queue.resize(queued);
  jct.resize(completed);
  sum.completed = static_cast<int64_t>(jct.size());
  sum.restarts_per_job = queue.empty() ? 0 : restarts / static_cast<double>(queue.size());
  sum.never_started = not_started - unplaceable_;
  sum.makespan_s = jct.empty() ? 0 : last_end - first_submit;
  stats(jct, sum.mean_jct_s, sum.p50_jct_s, sum.p99_jct_s);
  stats(queue, sum.mean_queue_s, sum.p50_queue_s, sum.p99_queue_s);
  results.jobs = std::move(rows);
}

}  // namespace gpufleet::sim
