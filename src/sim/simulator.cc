#include "sim/simulator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace gpufleet::sim {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr int kProgressCalls = 200;
}  // namespace

Simulator::Simulator(const Scenario& scenario, const Workload& workload, double horizon_s,
                     std::vector<PoolSpec> pools, std::unique_ptr<sched::QueuePolicy> queue,
                     std::unique_ptr<sched::PlacementPolicy> placement)
    : scenario_(scenario),
      workload_(workload),
      horizon_s_(horizon_s),
      context_{scenario, workload, fleet_, horizon_s,
               static_cast<int64_t>(std::ceil(horizon_s / kSecondsPerHour))},
      queue_(std::move(queue)),
      placement_(std::move(placement)) {
  assert(horizon_s > 0);
  for (auto& spec : pools) fleet_.add_pool(std::move(spec));
  placement_->prepare(fleet_);
  queue_->reserve(workload.jobs.size());
  last_change_s_.assign(fleet_.pool_count(), 0.0);
  next_point_.assign(fleet_.pool_count(), 0);
}

void Simulator::touch(uint32_t p) {
  double& since = last_change_s_[p];
  if (now_ <= since) return;
  const Pool& pool = fleet_.pool(p);
  for (Observer* o : observers_) o->on_pool_interval(p, pool, since, now_);
  since = now_;
}

void Simulator::start(uint32_t id, uint32_t p) {
  const Job& j = workload_.jobs[id];
  const double run_s = j.duration_s / fleet_.pool(p).spec.speed_factor;
  touch(p);
  const uint32_t slot = fleet_.allocate(p, id, j.gpus, now_, now_ + run_s);
  events_.push(now_ + run_s, EventKind::job_end, slot);
  const Allocation& a = fleet_.allocation(slot);
  for (Observer* o : observers_) o->on_job_start(now_, j, a);
}

void Simulator::end(uint32_t slot) {
  const Allocation& a = fleet_.allocation(slot);
  touch(a.pool);
  last_job_event_s_ = now_;
  const Job& j = workload_.jobs[a.job];
  for (Observer* o : observers_) o->on_job_end(now_, j, a, true);
  fleet_.release(slot);
  ++release_generation_;
}

void Simulator::capacity_step(uint32_t p) {
  const auto& schedule = fleet_.pool(p).spec.schedule;
  size_t& next = next_point_[p];
  assert(next < schedule.size());
  touch(p);
  fleet_.set_capacity(p, schedule[next].gpus);
  ++next;
  ++capacity_generation_;
  ++release_generation_;
}

void Simulator::arrive(const Job& j) {
  last_job_event_s_ = now_;
  for (Observer* o : observers_) o->on_job_submit(now_, j);
  if (!can_ever_fit(j.id)) {
    for (Observer* o : observers_) o->on_job_unplaceable(now_, j);
    return;
  }
  queue_->push(j);
}

bool Simulator::try_start(uint32_t id) {
  const uint32_t p = placement_->choose(workload_.jobs[id], fleet_, kNone);
  if (p == kNone) return false;
  start(id, p);
  return true;
}

bool Simulator::try_backfill(uint32_t id, sched::Reservation& r) {
  const Job& j = workload_.jobs[id];
  const uint32_t p = placement_->choose(j, fleet_, kNone);
  if (p == kNone) return false;
  if (!r.valid || p != r.pool || now_ + j.duration_s / fleet_.pool(p).spec.speed_factor <= r.start_s) {
    start(id, p);
    return true;
  }
  const auto per_node = static_cast<uint32_t>(fleet_.pool(p).spec.gpus_per_node);
  const int64_t nodes = j.gpus >= per_node ? (j.gpus + per_node - 1) / per_node : 1;
  if (nodes <= r.spare_nodes) {
    r.spare_nodes -= nodes;
    start(id, p);
    return true;
  }
  const uint32_t other = placement_->choose(j, fleet_, r.pool);
  if (other == kNone) return false;
  start(id, other);
  return true;
}

sched::Reservation Simulator::reserve(uint32_t id) {
  const Job& j = workload_.jobs[id];
  sched::Reservation best;
  for (uint32_t p : placement_->preference()) {
    if (!sched::pool_allows(fleet_.pool(p).spec, j)) continue;
    const sched::Reservation r = finder_.find(fleet_, p, j.gpus, now_);
    if (r.valid && (!best.valid || r.start_s < best.start_s)) best = r;
  }
  return best;
}

bool Simulator::can_ever_fit(uint32_t id) const {
  const Job& j = workload_.jobs[id];
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const PoolSpec& spec = fleet_.pool(p).spec;
    if (sched::pool_allows(spec, j) &&
        FleetState::fits_capacity(spec.gpus_per_node, j.gpus, fleet_.peak_from(p, now_)))
      return true;
  }
  return false;
}

void Simulator::reject(uint32_t id) {
  const Job& j = workload_.jobs[id];
  for (Observer* o : observers_) o->on_job_unplaceable(now_, j);
}

void Simulator::run(const std::function<void(double)>& progress) {
  // Capacity at time 0, then one event per later step.
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const auto& schedule = fleet_.pool(p).spec.schedule;
    size_t& next = next_point_[p];
    while (next < schedule.size() && schedule[next].time_s <= 0) fleet_.set_capacity(p, schedule[next++].gpus);
    for (size_t i = next; i < schedule.size(); ++i)
      if (schedule[i].time_s < horizon_s_) events_.push_permanent(schedule[i].time_s, EventKind::capacity_change, p);
  }
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
      progress(t / horizon_s_);
      next_progress = (std::floor(t / progress_step) + 1) * progress_step;
    }
    while (events_.next_time().value_or(kNever) == t) {
      const Event e = *events_.pop();
      ++events_handled_;
      switch (e.kind) {
        case EventKind::job_end: end(e.target); break;
        case EventKind::capacity_change: capacity_step(e.target); break;
      }
    }
    while (next_job < n_jobs && jobs[next_job].submit_s <= t && jobs[next_job].submit_s < horizon_s_) {
      ++events_handled_;
      arrive(jobs[next_job++]);
    }
    if (t < horizon_s_) queue_->dispatch(*this);
  }
  finish();
  if (progress) progress(1.0);
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
      for (Observer* o : observers_) o->on_job_end(now_, workload_.jobs[a.job], a, false);
    }
  }
}

}  // namespace gpufleet::sim
