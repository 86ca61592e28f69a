#include "sim/job_observer.h"

#include "sim/job_time_stats.h"
#include "util/huge_pages.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>

namespace gpufleet::sim {

namespace {

float gpu_hours_of(const Job& job) {
  return static_cast<float>(static_cast<double>(job.gpus) * job.duration_s / kSecondsPerHour);
}

// The statistics of one figure: the jobs whose time (from time_of(i), an absolute time) is
// >= 0, less their submit time; room only for the times other than 0.
template <typename TimeOf>
GroupedTimes figure_stats(const std::vector<Job>& jobs, TimeOf time_of, WeightedCdf& cdf) {
  TimeSamples samples;
  size_t others = 0;
  for (size_t i = 0; i < jobs.size(); ++i) others += time_of(i) >= 0 && time_of(i) - jobs[i].submit_s > 0;
  samples.reserve(others);
  for (size_t i = 0; i < jobs.size(); ++i) {
    const double t = time_of(i);
    if (t < 0) continue;
    samples.add(std::max(0.0, t - jobs[i].submit_s), gpu_hours_of(jobs[i]), size_band(jobs[i].gpus),
                std::min<size_t>(static_cast<size_t>(jobs[i].kind), kJobKinds - 1));
  }
  return samples.stats(&cdf);
}

// Orders waits longest first, then by id: "a before b".
bool waited_longer(const LongWait& a, const LongWait& b) {
  return a.wait_s != b.wait_s ? a.wait_s > b.wait_s : a.id < b.id;
}

}  // namespace

JobObserver::JobObserver(const SimContext& ctx, bool rows)
    : ctx_(ctx),
      stopped_bits_((ctx.workload.jobs.size() + 63) / 64, 0),
      unplaceable_bits_((ctx.workload.jobs.size() + 63) / 64, 0),
      rows_(rows) {
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
  size_t started = 0;
  double first_submit = std::numeric_limits<double>::infinity();
  double last_end = -std::numeric_limits<double>::infinity();
  int64_t not_started = 0;
  double restarts = 0;
  std::vector<LongWait> longest;  // a heap whose front is the shortest of the longest waits kept
  std::array<int64_t, kTimeGroups> group_jobs{};
  std::array<double, kTimeGroups> group_gpu_hours{};
  for (size_t i = 0; i < in.size(); ++i) {
    const Job& job = in[i];
    if (!rows_) scratch = JobResult{};
    JobResult& r = rows_ ? rows[i] : scratch;
    r.id = job.id;
    r.submit_s = job.submit_s;
    r.gpus = job.gpus;
    first_submit = std::min(first_submit, r.submit_s);
    for (size_t g : {size_t{0}, 1 + size_band(job.gpus), 1 + kSizeBands + std::min<size_t>(static_cast<size_t>(job.kind), kJobKinds - 1)}) {
      ++group_jobs[g];
      group_gpu_hours[g] += gpu_hours_of(job);
    }
    // Waits: to the first start, or to the horizon for a job still waiting then (not one
    // rejected at submit, nor one submitted after the horizon).
    LongWait wait{job.id, job.submit_s, (start_s_[i] >= 0 ? start_s_[i] : ctx_.horizon_s) - job.submit_s, start_s_[i] >= 0};
    if ((wait.started || !unplaceable_before(job.id)) && wait.wait_s >= 0) {
      if (longest.size() < kLongestWaits) {
        longest.push_back(wait);
        std::push_heap(longest.begin(), longest.end(), waited_longer);
      } else if (waited_longer(wait, longest.front())) {
        std::pop_heap(longest.begin(), longest.end(), waited_longer);
        longest.back() = wait;
        std::push_heap(longest.begin(), longest.end(), waited_longer);
      }
    }
    if (start_s_[i] < 0) {
      ++not_started;
      continue;
    }
    ++started;
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
      last_end = std::max(last_end, r.end_s);
    }
    r.contract_usd = by_source[static_cast<size_t>(CapacitySource::contract)];
    r.on_demand_usd = by_source[static_cast<size_t>(CapacitySource::on_demand)];
    r.spot_usd = by_source[static_cast<size_t>(CapacitySource::spot)];
    r.cost_usd = r.contract_usd + r.on_demand_usd + r.spot_usd;
    restarts += r.restarts;
  }
  std::sort_heap(longest.begin(), longest.end(), waited_longer);
  sum.longest_waits = std::move(longest);
  sum.restarts_per_job = started == 0 ? 0 : restarts / static_cast<double>(started);
  sum.never_started = not_started - unplaceable_;
  // One figure at a time (16 bytes per job whose time is not 0 while it is computed), each
  // array freed once read: on_finish() is called once.
  std::vector<uint32_t>().swap(pool_);
  const GroupedTimes queue = figure_stats(in, [&](size_t i) { return start_s_[i]; }, sum.queue_cdf_by_gpu_hours);
  std::vector<double>().swap(start_s_);
  const GroupedTimes jct = figure_stats(in, [&](size_t i) { return end_s_[i]; }, sum.jct_cdf_by_gpu_hours);
  std::vector<double>().swap(end_s_);
  sum.completed = jct[0].count;
  sum.makespan_s = jct[0].count == 0 ? 0 : last_end - first_submit;
  sum.mean_jct_s = jct[0].per_job.mean_s;
  sum.p50_jct_s = jct[0].per_job.p50_s;
  sum.p99_jct_s = jct[0].per_job.p99_s;
  sum.mean_queue_s = queue[0].per_job.mean_s;
  sum.p50_queue_s = queue[0].per_job.p50_s;
  sum.p99_queue_s = queue[0].per_job.p99_s;
  sum.queue_by_gpu_hours = queue[0].by_gpu_hours;
  sum.jct_by_gpu_hours = jct[0].by_gpu_hours;
  const auto group = [&](size_t g, std::string_view name) {
    JobGroupStats out;
    out.group = std::string(name);
    out.jobs = group_jobs[g];
    out.gpu_hours = group_gpu_hours[g];
    out.started = queue[g].count;
    out.completed = jct[g].count;
    out.queue = queue[g].per_job;
    out.queue_by_gpu_hours = queue[g].by_gpu_hours;
    out.jct = jct[g].per_job;
    out.jct_by_gpu_hours = jct[g].by_gpu_hours;
    return out;
  };
  for (size_t b = 0; b < kSizeBands; ++b)
    if (group_jobs[1 + b] > 0) sum.by_size_band.push_back(group(1 + b, size_band_name(b)));
  for (size_t k = 0; k < kJobKinds; ++k)
    if (group_jobs[1 + kSizeBands + k] > 0) sum.by_kind.push_back(group(1 + kSizeBands + k, to_string(static_cast<JobKind>(k))));
  results.jobs = std::move(rows);
}

}  // namespace gpufleet::sim
