#include "serve/live_scheduler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace gpufleet::serve {

namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}

LiveScheduler::LiveScheduler(const Scenario& scenario, std::vector<fleet::PoolSpec> pools,
                             std::unique_ptr<sched::QueuePolicy> queue, std::unique_ptr<sched::PlacementPolicy> placement,
                             size_t job_capacity, const std::vector<std::string>& tenant_names, Hooks hooks)
    : sched::Dispatcher(std::move(pools), std::move(queue), std::move(placement)),
      scenario_(scenario),
      hooks_(std::move(hooks)),
      restart_overhead_s_(scenario.checkpoint.restart_overhead_s) {
  assert(job_capacity >= 1);
  jobs_.resize(job_capacity);
  remaining_.assign(job_capacity, 0);
  interval_.assign(job_capacity, 0);
  withdrawn_.assign(job_capacity, 1);
  restarted_.assign(job_capacity, 0);
  free_.reserve(job_capacity);
  for (size_t i = job_capacity; i-- > 0;) free_.push_back(static_cast<uint32_t>(i));
  prepare_jobs(&jobs_, job_capacity, tenant_names, scenario.policy.quotas, true);
  tenant_gpus_.assign(std::max<size_t>(tenant_names.size(), 1), 0);
  next_point_.assign(fleet_.pool_count(), 0);
  down_count_.assign(fleet_.pool_count(), 0);
  // Capacity at time 0 and before.
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const auto& schedule = fleet_.pool(p).spec.schedule;
    size_t& next = next_point_[p];
    while (next < schedule.size() && schedule[next].time_s <= 0) fleet_.set_capacity(p, schedule[next++].gpus);
  }
}

uint32_t LiveScheduler::add(Job job, double remaining_s, double checkpoint_interval_s, bool restarted) {
  if (free_.empty()) return fleet::kNone;
  const uint32_t slot = free_.back();
  free_.pop_back();
  job.id = slot;
  jobs_[slot] = job;
  remaining_[slot] = remaining_s;
  interval_[slot] = checkpoint_interval_s;
  withdrawn_[slot] = 0;
  restarted_[slot] = restarted ? 1 : 0;
  return slot;
}

void LiveScheduler::submit(uint32_t slot) {
  if (!can_ever_fit(slot)) {
    reject(slot);
    return;
  }
  enqueue(jobs_[slot], false);
}

bool LiveScheduler::restore_running(uint32_t slot, uint32_t pool, double start_s) {
  const Job& j = jobs_[slot];
  if (pool >= fleet_.pool_count() || !sched::pool_allows(fleet_.pool(pool).spec, j) || !fleet_.fits(pool, j.gpus)) {
    submit(slot);
    return false;
  }
  const double work_s = remaining_[slot] / fleet_.pool(pool).spec.speed_factor;
  const uint32_t a = fleet_.allocate(pool, slot, j.gpus, start_s, start_s + overhead_s(slot) + work_s, work_s);
  set_slot(slot, a);
  tenant_gpus_[j.tenant] += j.gpus;
  if (quotas_.enabled()) quotas_.on_start(j, !quotas_.within_guarantee(j));
  return true;
}

void LiveScheduler::start(uint32_t id, uint32_t p) {
  const Job& j = jobs_[id];
  const double work_s = remaining_[id] / fleet_.pool(p).spec.speed_factor;
  const uint32_t a = fleet_.allocate(p, id, j.gpus, now_, now_ + overhead_s(id) + work_s, work_s);
  set_slot(id, a);
  tenant_gpus_[j.tenant] += j.gpus;
  ++decisions_;
  if (hooks_.started) hooks_.started(id);
}

double LiveScheduler::work_done(uint32_t slot, bool to_checkpoint_only) const {
  const fleet::Allocation& a = fleet_.allocation(slot_of(slot));
  const double speed = fleet_.pool(a.pool).spec.speed_factor;
  double done = std::clamp((now_ - a.start_s - overhead_s(slot)) * speed, 0.0, remaining_[slot]);
  if (to_checkpoint_only) {
    // The interval is in reference seconds of work; none = nothing kept.
    const double interval = interval_[slot];
    done = interval > 0 ? std::floor(done / interval) * interval : 0;
  }
  return done;
}

void LiveScheduler::release_run(uint32_t slot) {
  const Job& j = jobs_[slot];
  fleet_.release(slot_of(slot));
  bump_release();
  set_slot(slot, fleet::kNone);
  queue_->on_stop(slot);
  tenant_gpus_[j.tenant] -= j.gpus;
  if (quotas_.enabled()) quotas_.on_stop(j);
}

void LiveScheduler::stop(uint32_t slot, StopReason why) {
  const Job& j = jobs_[slot];
  const double kept = work_done(slot, why != StopReason::preempted);
  release_run(slot);
  remaining_[slot] = std::max(remaining_[slot] - kept, std::min(j.duration_s, 1e-6));
  restarted_[slot] = 1;
  if (hooks_.stopped) hooks_.stopped(slot, why, kept);
}

void LiveScheduler::interrupt(uint32_t slot, StopReason why) {
  if (!running(slot)) return;
  stop(slot, why);
  // Back to the policy as a requeue (a preemptive policy orders it by what it has left).
  if (can_ever_fit(slot)) {
    enqueue(jobs_[slot], true);
  } else {
    reject(slot);
  }
  if (quotas_.enabled()) unpark(jobs_[slot].tenant);
}

void LiveScheduler::preempt(uint32_t id) { interrupt(id, StopReason::preempted); }

void LiveScheduler::finish(uint32_t slot) {
  if (!running(slot)) return;
  release_run(slot);
  if (quotas_.enabled()) unpark(jobs_[slot].tenant);
  cancel_timer(slot);
  release_slot(slot);
}

void LiveScheduler::cancel(uint32_t slot) {
  if (running(slot)) {
    finish(slot);
    return;
  }
  // Still in a policy's hands: it drops the job when it next looks (can_ever_fit is false),
  // calling reject(), which frees the slot. Bumping the generations makes it look.
  withdrawn_[slot] = 1;
  cancel_timer(slot);
  bump_capacity();
}

void LiveScheduler::reject(uint32_t id) {
  const bool cancelled = withdrawn_[id] != 0;
  release_slot(id);
  if (!cancelled && hooks_.rejected) hooks_.rejected(id);
}

void LiveScheduler::release_slot(uint32_t slot) {
  withdrawn_[slot] = 1;
  free_.push_back(slot);
  bump_release();  // a reused id at a policy's head must not look blocked
}

double LiveScheduler::remaining_s(uint32_t id) const {
  if (!running(id)) return remaining_[id];
  return std::max(0.0, remaining_[id] - work_done(id, false));
}

double LiveScheduler::attained_gpu_s(uint32_t id) const {
  const Job& j = jobs_[id];
  return (j.duration_s - remaining_s(id)) * j.gpus;
}

void LiveScheduler::set_timer(uint32_t id, double t_s) {
  cancel_timer(id);
  const double t = std::max(t_s, now_);
  timers_.emplace(t, id);
  timer_of_[id] = t;
}

void LiveScheduler::cancel_timer(uint32_t id) {
  const auto it = timer_of_.find(id);
  if (it == timer_of_.end()) return;
  timers_.erase({it->second, id});
  timer_of_.erase(it);
}

void LiveScheduler::apply_capacity(uint32_t p) {
  const auto& schedule = fleet_.pool(p).spec.schedule;
  size_t& next = next_point_[p];
  while (next < schedule.size() && schedule[next].time_s <= now_) {
    const int64_t gpus = schedule[next++].gpus;
    const bool shrinks = gpus < fleet_.pool(p).nominal_gpus;
    fleet_.set_capacity(p, gpus);
    bump_capacity(p, shrinks);
  }
}

double LiveScheduler::next_internal(double until_s) const {
  double t = kNever;
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p) {
    const auto& schedule = fleet_.pool(p).spec.schedule;
    if (next_point_[p] < schedule.size()) t = std::min(t, schedule[next_point_[p]].time_s);
  }
  if (!timers_.empty()) t = std::min(t, timers_.begin()->first);
  return t <= until_s ? t : kNever;
}

void LiveScheduler::dispatch_now() {
  if (placement_->follows_clock()) placement_->advance_to(now_);
  queue_->dispatch(*this);
}

void LiveScheduler::advance(double now_s) {
  for (;;) {
    const double t = next_internal(now_s);
    if (t == kNever) break;
    now_ = std::max(now_, t);
    for (uint32_t p = 0; p < fleet_.pool_count(); ++p) apply_capacity(p);
    while (!timers_.empty() && timers_.begin()->first <= now_) {
      const uint32_t id = timers_.begin()->second;
      timers_.erase(timers_.begin());
      timer_of_.erase(id);
      queue_->on_timer(id, *this);
    }
    if (now_ < now_s) dispatch_now();
  }
  now_ = std::max(now_, now_s);
}

void LiveScheduler::set_down(const std::vector<uint32_t>& pools, bool down) {
  for (uint32_t p : pools) {
    if (down) {
      if (++down_count_[p] > 1) continue;
      std::vector<uint32_t> running = fleet_.pool(p).running;
      std::sort(running.begin(), running.end());
      for (uint32_t a : running) interrupt(fleet_.allocation(a).job, StopReason::outage);
      fleet_.set_down(p, true);
      bump_capacity(p, true);
    } else {
      if (down_count_[p] == 0 || --down_count_[p] > 0) continue;
      fleet_.set_down(p, false);
      bump_capacity(p, false);
    }
  }
}

std::vector<uint32_t> LiveScheduler::pools_down() const {
  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < fleet_.pool_count(); ++p)
    if (down_count_[p] > 0) out.push_back(p);
  return out;
}

bool LiveScheduler::set_node_down(uint32_t n, bool down) {
  if (n >= fleet_.node_count()) return false;
  const uint32_t p = fleet_.node(n).pool;
  const fleet::NodeState state = fleet_.node(n).state;
  if (down) {
    const bool drained = state == fleet::NodeState::failed && fleet_.node(n).drained;
    if (state != fleet::NodeState::active && state != fleet::NodeState::draining &&
        state != fleet::NodeState::cordoned && !drained)
      return false;
    std::vector<uint32_t> slots;
    fleet_.slots_on_node(n, slots);
    for (uint32_t a : slots) interrupt(fleet_.allocation(a).job, StopReason::failed);
    // With its jobs gone a draining node has left service (retired, or failed if drained by
    // the operator); an active one, or a drained one now broken, is failed here.
    const fleet::Node& now = fleet_.node(n);
    if (now.state == fleet::NodeState::active || (now.state == fleet::NodeState::failed && now.drained)) fleet_.fail_node(n);
    bump_capacity(p, true);
  } else {
    if (state != fleet::NodeState::failed || fleet_.node(n).drained) return false;
    fleet_.repair_node(n);
    // A repaired node beyond the pool's capacity (it shrank meanwhile) leaves again.
    if (!fleet_.pool(p).down) fleet_.set_capacity(p, fleet_.pool(p).nominal_gpus);
    bump_capacity(p, false);
  }
  return true;
}

bool LiveScheduler::set_node_drained(uint32_t n, bool drain) {
  if (n >= fleet_.node_count()) return false;
  const fleet::Node& node = fleet_.node(n);
  const uint32_t p = node.pool;
  if (drain) {
    if (node.state != fleet::NodeState::active) return false;
    fleet_.drain_node(n);
    bump_capacity(p, true);
  } else {
    if (node.state != fleet::NodeState::cordoned && !(node.state == fleet::NodeState::failed && node.drained)) return false;
    fleet_.undrain_node(n);
    // Back beyond the pool's capacity (it shrank meanwhile): it leaves again.
    if (!fleet_.pool(p).down) fleet_.set_capacity(p, fleet_.pool(p).nominal_gpus);
    bump_capacity(p, false);
  }
  return true;
}

}  // namespace gpufleet::serve
