#include "sim/simulator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace gpufleet::sim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr int kProgressCalls = 200;

// Checkpoints written during W pool seconds of work at interval I: one after every full
// interval except at the very end.
inline double checkpoints_in(double work_s, double interval_s) {
  if (!(interval_s > 0) || work_s <= interval_s) return 0;
  return std::ceil(work_s / interval_s) - 1;
}
}  // namespace

Simulator::Simulator(const Scenario& scenario, const Workload& workload, double horizon_s,
                     std::vector<PoolSpec> pools, std::unique_ptr<sched::QueuePolicy> queue,
                     std::unique_ptr<sched::PlacementPolicy> placement, FaultPlan faults)
    : sched::Dispatcher(std::move(pools), std::move(queue), std::move(placement)),
      scenario_(scenario),
      workload_(workload),
      horizon_s_(horizon_s),
      context_{scenario, workload, fleet_, horizon_s,
               static_cast<int64_t>(std::ceil(horizon_s / kSecondsPerHour))},
      faults_(std::move(faults)) {
  assert(horizon_s > 0);
  last_change_s_.assign(fleet_.pool_count(), 0.0);
  next_point_.assign(fleet_.pool_count(), 0);
  const size_t n = workload.jobs.size();
  interrupted_.assign((n + 63) / 64, 0);
  profiles_ = workload.profiles;
  if (profiles_.empty())
    profiles_.push_back(JobProfile{scenario.checkpoint.interval_s, scenario.checkpoint.cost_s, 0});
  profiles_.resize(256, profiles_[0]);  // any Job::profile indexes it
  down_count_.assign(fleet_.pool_count(), 0);
  failure_rng_.reserve(fleet_.pool_count());
  spot_rng_.reserve(fleet_.pool_count());
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    failure_rng_.push_back(Rng::derived(scenario.seed, kStreamNodeFailure + p));
    spot_rng_.push_back(Rng::derived(scenario.seed, kStreamSpot + p));
  }
  if (faults_.spot_per_node_hour.size() != fleet_.pool_count()) faults_.spot_per_node_hour.assign(fleet_.pool_count(), 0);
  prepare_jobs(&workload.jobs, n, workload.tenants, scenario.policy.quotas, false);
  bool spot = false;
  for (double rate : faults_.spot_per_node_hour) spot |= rate > 0;
  fleet_.track_node_slots(spot || faults_.failures_per_gpu_hour > 0 || (faults_.trace && !faults_.trace->faults.empty()));
  placement_follows_clock_ = placement_->follows_clock();
  for (const JobProfile& prof : profiles_) any_flexible_ |= prof.flexible_slack_s > 0;
}

void Simulator::touch(uint32_t p) {
  double& since = last_change_s_[p];
  if (now_ <= since) return;
  const Pool& pool = fleet_.pool(p);
  for (Observer* o : on_interval_) o->on_pool_interval(p, pool, since, now_);
  since = now_;
}

bool Simulator::may_interrupt_or_checkpoint() const {
  bool checkpoints = false;
  for (const JobProfile& prof : profiles_) checkpoints |= prof.checkpoint_interval_s > 0 && prof.checkpoint_cost_s > 0;
  bool spot = false;
  for (double rate : faults_.spot_per_node_hour) spot |= rate > 0;
  return checkpoints || spot || tracks_slots() || faults_.failures_per_gpu_hour > 0 || !faults_.outages.empty() ||
         (faults_.trace && !faults_.trace->faults.empty());
}

double Simulator::overhead_s(uint32_t id) const {
  return was_interrupted(id) && !runs_.at(id).free_restart ? faults_.restart_overhead_s : 0.0;
}

void Simulator::start(uint32_t id, uint32_t p) {
  const Job& j = workload_.jobs[id];
  const JobProfile& prof = profiles_[j.profile];
  const bool again = was_interrupted(id);
  const double work_s = (again ? runs_.at(id).remaining_s : j.duration_s) / fleet_.pool(p).spec.speed_factor;
  double run_s = work_s;
  if (prof.checkpoint_interval_s > 0) run_s += checkpoints_in(work_s, prof.checkpoint_interval_s) * prof.checkpoint_cost_s;
  run_s += overhead_s(id);
  touch(p);
  const uint32_t slot = fleet_.allocate(p, id, j.gpus, now_, now_ + run_s, work_s);
  set_slot(id, slot);
  events_.push(now_ + run_s, EventKind::job_end, slot);
  const Allocation& a = fleet_.allocation(slot);
  for (Observer* o : on_start_) o->on_job_start(now_, j, a);
}

Simulator::Progress Simulator::progress_of(const Allocation& a) const {
  const Job& j = workload_.jobs[a.job];
  const JobProfile& prof = profiles_[j.profile];
  const double work_s = a.work_s;
  const double elapsed = now_ - a.start_s - overhead_s(a.job);
  Progress out;
  if (elapsed <= 0) return out;
  const double interval = prof.checkpoint_interval_s;
  const double n_ckpt = checkpoints_in(work_s, interval);
  double k = 0;
  if (interval > 0) k = std::min(std::floor(elapsed / (interval + prof.checkpoint_cost_s)), n_ckpt);
  out.kept_s = k * interval;
  const double since = elapsed - k * (interval + prof.checkpoint_cost_s);
  const double stretch = k < n_ckpt ? interval : work_s - out.kept_s;
  out.since_checkpoint_s = std::clamp(since, 0.0, std::max(stretch, 0.0));
  return out;
}

void Simulator::release_and_redraw(uint32_t slot, uint32_t p) {
  const int64_t before = fleet_.pool(p).in_service_gpus;
  fleet_.release(slot);
  bump_release();
  // A draining node that emptied left service: the pool's fault rates changed.
  if (fleet_.pool(p).in_service_gpus != before) redraw_faults(p);
}

void Simulator::end(uint32_t slot) {
  const Allocation& a = fleet_.allocation(slot);
  const uint32_t pool = a.pool;
  touch(pool);
  last_job_event_s_ = now_;
  const Job& j = workload_.jobs[a.job];
  StopInfo info;
  info.cause = StopCause::completed;
  info.overhead_gpu_s = std::max(0.0, now_ - a.start_s - a.work_s) * a.used;
  for (Observer* o : on_stop_) o->on_job_stop(now_, j, a, info);
  if (tracks_slots()) {
    set_slot(a.job, kNone);
    queue_->on_stop(a.job);
  }
  release_and_redraw(slot, pool);  // a is released: not used below
  if (quotas_.enabled()) {
    quotas_.on_stop(j);
    unpark(j.tenant);
  }
}

void Simulator::interrupt(uint32_t slot, StopCause cause, int outage, bool free) {
  const Allocation a = fleet_.allocation(slot);
  touch(a.pool);
  const Job& j = workload_.jobs[a.job];
  const Progress pr = progress_of(a);
  const double speed = fleet_.pool(a.pool).spec.speed_factor;
  const bool lossless = cause == StopCause::preempted;
  const double kept = lossless ? pr.kept_s + pr.since_checkpoint_s : pr.kept_s;
  StopInfo info;
  info.cause = cause;
  info.outage = outage;
  info.lost_gpu_s = lossless ? 0.0 : pr.since_checkpoint_s * a.used;
  info.overhead_gpu_s = std::max(0.0, now_ - a.start_s - pr.kept_s - pr.since_checkpoint_s) * a.used;
  for (Observer* o : on_stop_) o->on_job_stop(now_, j, a, info);
  JobRun& run = runs_[a.job];
  if (!was_interrupted(a.job)) {
    run = JobRun{j.duration_s, 0};
    interrupted_[a.job >> 6] |= uint64_t{1} << (a.job & 63);
  }
  run.remaining_s = std::max(run.remaining_s - kept * speed, 0.0);
  ++run.restarts;
  run.free_restart = free;
  events_.cancel(EventKind::job_end, slot);
  if (tracks_slots()) {
    set_slot(a.job, kNone);
    queue_->on_stop(a.job);
  }
  release_and_redraw(slot, a.pool);
  if (quotas_.enabled()) quotas_.on_stop(j);
  if (run.remaining_s <= 0) run.remaining_s = std::min(j.duration_s, 1e-6);  // stopped exactly at its end
  if (can_ever_fit(a.job)) {
    enqueue(j, true);
    if (quotas_.enabled()) unpark(j.tenant);
  } else {
    reject(a.job);
  }
}

void Simulator::capacity_step(uint32_t p) {
  const auto& schedule = fleet_.pool(p).spec.schedule;
  size_t& next = next_point_[p];
  assert(next < schedule.size());
  touch(p);
  const bool shrinks = schedule[next].gpus < fleet_.pool(p).nominal_gpus;
  fleet_.set_capacity(p, schedule[next].gpus);
  ++next;
  bump_capacity(p, shrinks);
  redraw_faults(p);
}

void Simulator::arrive(const Job& j) {
  last_job_event_s_ = now_;
  for (Observer* o : on_submit_) o->on_job_submit(now_, j);
  if (!can_ever_fit(j.id)) {
    reject(j.id);
    return;
  }
  const JobProfile& prof = profiles_[j.profile];
  if (any_flexible_ && prof.flexible_slack_s > 0) {
    const double wait = placement_->flexible_delay(j, fleet_, now_, prof.flexible_slack_s);
    if (wait > 0 && now_ + wait < horizon_s_) {
      events_.push_permanent(now_ + wait, EventKind::delayed_arrival, j.id);
      return;
    }
  }
  enqueue(j, false);
}

void Simulator::reject(uint32_t id) {
  const Job& j = workload_.jobs[id];
  for (Observer* o : on_unplaceable_) o->on_job_unplaceable(now_, j);
}

double Simulator::remaining_s(uint32_t id) const {
  const uint32_t slot = tracks_slots() ? slot_of(id) : kNone;
  if (slot == kNone) return remaining_of(id);
  const Allocation& a = fleet_.allocation(slot);
  const Progress pr = progress_of(a);
  return std::max(0.0, remaining_of(id) - (pr.kept_s + pr.since_checkpoint_s) * fleet_.pool(a.pool).spec.speed_factor);
}

double Simulator::attained_gpu_s(uint32_t id) const {
  const Job& j = workload_.jobs[id];
  return (j.duration_s - remaining_s(id)) * j.gpus;
}

void Simulator::preempt(uint32_t id) {
  const uint32_t slot = tracks_slots() ? slot_of(id) : kNone;
  if (slot == kNone) return;
  interrupt(slot, StopCause::preempted, -1);
}

void Simulator::preempt_free(uint32_t id) {
  const uint32_t slot = tracks_slots() ? slot_of(id) : kNone;
  if (slot == kNone) return;
  interrupt(slot, StopCause::preempted, -1, true);
}

void Simulator::set_timer(uint32_t id, double t_s) {
  events_.cancel(EventKind::policy_timer, id);
  events_.push(std::max(t_s, now_), EventKind::policy_timer, id);
}

void Simulator::cancel_timer(uint32_t id) { events_.cancel(EventKind::policy_timer, id); }

// ---- faults ----

void Simulator::redraw_faults(uint32_t p) {
  const Pool& pool = fleet_.pool(p);
  if (faults_.failures_per_gpu_hour > 0) {
    events_.cancel(EventKind::node_failure, p);
    const double rate = faults_.failures_per_gpu_hour * static_cast<double>(pool.in_service_gpus) / kSecondsPerHour;
    if (rate > 0) events_.push(now_ + failure_rng_[p].exponential(rate), EventKind::node_failure, p);
  }
  const double spot = faults_.spot_per_node_hour[p];
  if (spot > 0) {
    events_.cancel(EventKind::spot_preemption, p);
    const double rate = spot * static_cast<double>(pool.members.size()) / kSecondsPerHour;
    if (rate > 0) events_.push(now_ + spot_rng_[p].exponential(rate), EventKind::spot_preemption, p);
  }
}

void Simulator::take_node_down(uint32_t n, StopCause cause, double back_after_s) {
  const uint32_t p = fleet_.node(n).pool;
  touch(p);
  ++node_faults_;
  bump_shrink(p);
  scratch_.clear();
  fleet_.slots_on_node(n, scratch_);
  for (size_t i = 0; i < scratch_.size(); ++i) interrupt(scratch_[i], cause, -1);
  if (fleet_.node(n).state != NodeState::retired && fleet_.fail_node(n))
    events_.push_permanent(now_ + back_after_s, EventKind::node_repair, n);
  bump_capacity();
  redraw_faults(p);
}

void Simulator::node_failure(uint32_t p) {
  Rng& rng = failure_rng_[p];
  const double u1 = rng.uniform(), u2 = rng.uniform();
  const double repair_s = rng.lognormal(faults_.repair_median_s, faults_.repair_sigma);
  if (fleet_.pool(p).members.empty()) {
    redraw_faults(p);
    return;
  }
  take_node_down(fleet_.pick_member(p, u1, u2), StopCause::node_failure, repair_s);
}

void Simulator::spot_reclaim(uint32_t p) {
  Rng& rng = spot_rng_[p];
  const double u1 = rng.uniform(), u2 = rng.uniform();
  const double back_s = rng.exponential(1.0 / faults_.spot_return_s);
  if (fleet_.pool(p).members.empty()) {
    redraw_faults(p);
    return;
  }
  take_node_down(fleet_.pick_member(p, u1, u2), StopCause::spot, back_s);
}

void Simulator::repair(uint32_t n) {
  const uint32_t p = fleet_.node(n).pool;
  touch(p);
  fleet_.repair_node(n);
  // A repaired node beyond the pool's nominal capacity (it shrank meanwhile) leaves again.
  if (!fleet_.pool(p).down) fleet_.set_capacity(p, fleet_.pool(p).nominal_gpus);
  bump_capacity();
  redraw_faults(p);
}

void Simulator::outage(uint32_t i, bool begins) {
  const OutageWindow& w = faults_.outages[i];
  for (Observer* o : on_outage_) o->on_outage(i, w.start_s, w.end_s, begins);
  for (uint32_t p : w.pools) {
    if (begins) {
      if (++down_count_[p] > 1) continue;
      touch(p);
      bump_shrink(p);
      std::vector<uint32_t> running = fleet_.pool(p).running;
      std::sort(running.begin(), running.end());
      for (uint32_t slot : running) interrupt(slot, StopCause::outage, static_cast<int>(i));
      fleet_.set_down(p, true);
    } else {
      if (--down_count_[p] > 0) continue;
      touch(p);
      fleet_.set_down(p, false);
    }
    redraw_faults(p);
  }
  bump_capacity();
}

void Simulator::schedule_trace_fault(uint32_t k) {
  const FaultTrace& trace = *faults_.trace;
  const double t = static_cast<double>(trace_cycle_) * trace.span_s + trace.faults[k].start_s;
  if (t < horizon_s_) events_.push_permanent(std::max(t, now_), EventKind::trace_fault, k);
}

void Simulator::trace_fault(uint32_t k) {
  const FaultTrace& trace = *faults_.trace;
  const TraceFault& f = trace.faults[k];
  // The trace's node ordinal -> the same ordinal among the fleet's nodes in service, counted
  // pool by pool; a trace naming more nodes than are in service skips the extra ones.
  size_t index = f.node;
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const auto& members = fleet_.pool(p).members;
    if (index < members.size()) {
      take_node_down(members[index], StopCause::node_failure, std::max(f.end_s - f.start_s, 1.0));
      break;
    }
    index -= members.size();
  }
  if (k + 1 < trace.faults.size()) {
    schedule_trace_fault(k + 1);
  } else {
    ++trace_cycle_;  // the trace repeats
    schedule_trace_fault(0);
  }
}

// ---- the loop ----

void Simulator::run(const std::function<void(const SimProgress&)>& progress) {
  // Capacity at time 0, then one event per later step.
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const auto& schedule = fleet_.pool(p).spec.schedule;
    size_t& next = next_point_[p];
    while (next < schedule.size() && schedule[next].time_s <= 0) fleet_.set_capacity(p, schedule[next++].gpus);
    for (size_t i = next; i < schedule.size(); ++i)
      if (schedule[i].time_s < horizon_s_) events_.push_permanent(schedule[i].time_s, EventKind::capacity_change, p);
    redraw_faults(p);
  }
  for (uint32_t i = 0; i < faults_.outages.size(); ++i) {
    const OutageWindow& w = faults_.outages[i];
    if (w.start_s >= horizon_s_) continue;
    events_.push_permanent(std::max(0.0, w.start_s), EventKind::outage_start, i);
    if (w.end_s < horizon_s_) events_.push_permanent(std::max(0.0, w.end_s), EventKind::outage_end, i);
  }
  if (faults_.trace && !faults_.trace->faults.empty()) schedule_trace_fault(0);

  const auto& jobs = workload_.jobs;
  const size_t n_jobs = jobs.size();
  size_t next_job = 0;
  const double progress_step = horizon_s_ / kProgressCalls;
  double next_progress = progress_step;
  for (;;) {
    const double t_event = events_.next_time().value_or(kNever);
    const double t_arrival =
        next_job < n_jobs && jobs[next_job].submit_s < horizon_s_ ? std::max(0.0, jobs[next_job].submit_s) : kNever;
    const double t = std::min(t_event, t_arrival);
    if (t > horizon_s_ || t == kNever) break;
    now_ = t;
    if (progress && t >= next_progress) {
      progress(SimProgress{t / horizon_s_, t, events_handled_});
      next_progress = (std::floor(t / progress_step) + 1) * progress_step;
    }
    Event e;
    while (events_.pop_if_at(t, e)) {
      ++events_handled_;
      switch (e.kind) {
        case EventKind::job_end: end(e.target); break;
        case EventKind::capacity_change: capacity_step(e.target); break;
        case EventKind::node_failure: node_failure(e.target); break;
        case EventKind::spot_preemption: spot_reclaim(e.target); break;
        case EventKind::node_repair: repair(e.target); break;
        case EventKind::outage_start: outage(e.target, true); break;
        case EventKind::outage_end: outage(e.target, false); break;
        case EventKind::trace_fault: trace_fault(e.target); break;
        case EventKind::policy_timer: queue_->on_timer(e.target, *this); break;
        case EventKind::delayed_arrival: enqueue(workload_.jobs[e.target], false); break;
      }
    }
    while (next_job < n_jobs && jobs[next_job].submit_s <= t && jobs[next_job].submit_s < horizon_s_) {
      ++events_handled_;
      arrive(jobs[next_job++]);
    }
    if (t < horizon_s_) {
      if (placement_follows_clock_) placement_->advance_to(t);
      queue_->dispatch(*this);
    }
  }
  finish();
  if (progress) progress(SimProgress{1.0, horizon_s_, events_handled_});
}

void Simulator::finish() {
  now_ = horizon_s_;
  // Cut what still runs, in slot order over pools (deterministic).
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    touch(p);
    std::vector<uint32_t> running = fleet_.pool(p).running;
    std::sort(running.begin(), running.end());
    for (uint32_t slot : running) {
      const Allocation& a = fleet_.allocation(slot);
      const Progress pr = progress_of(a);
      StopInfo info;
      info.cause = StopCause::cut;
      info.overhead_gpu_s = std::max(0.0, now_ - a.start_s - pr.kept_s - pr.since_checkpoint_s) * a.used;
      for (Observer* o : on_stop_) o->on_job_stop(now_, workload_.jobs[a.job], a, info);
    }
  }
}

}  // namespace gpufleet::sim
