// The discrete-event kernel: a clock over an event queue (job ends, capacity steps, faults,
// repairs, outages, policy timers) merged with the workload's arrivals (already sorted by
// submit), the fleet state, one queue policy and one placement policy, and the observers that
// account for what happens.
//
// At each instant: every event due then is handled (ends free GPUs, capacity steps resize
// pools, faults interrupt jobs), then every job submitted then arrives, then the queue policy
// dispatches once. Nothing is accounted past the horizon; jobs running there are cut (reported
// as not completed). Per event: O(log events) heap work, O(gpus_per_node) fleet work, a few
// observer calls; no allocation once warmed up.
//
// Jobs and faults. A job runs its remaining work (reference seconds / the pool's speed),
// after a restart overhead if it was interrupted before, writing a checkpoint (cost C) after
// every interval I of work (none after the last stretch): wall = O + W + (ceil(W / I) - 1) C.
// When a fault interrupts it, the work since its last completed checkpoint is lost (all of it
// without checkpoints); a policy preempts at a checkpoint, losing nothing. Either way it waits
// in the queue again and may restart in any pool it is allowed in (failover).
//
// Faults are events drawn lazily per pool: the next node failure of a pool is one exponential
// draw at the pool's total rate (failures per GPU-hour x GPUs in service), redrawn whenever
// that total changes (memoryless, so exact); the failed node is picked at random among those
// in service. Spot reclaims likewise per spot pool. No timer per node or per job.
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"
#include "sched/dispatcher.h"
#include "sim/event_queue.h"
#include "sim/fault_plan.h"
#include "sim/fleet_types.h"
#include "sim/observer.h"
#include "util/rng.h"

namespace gpufleet::sim {

class Simulator final : public sched::Dispatcher {
 public:
  // REQUIRES: horizon_s > 0; workload.jobs sorted by submit with id == index; pools built for
  // this scenario (build_pools()); faults made for these pools (make_fault_plan()).
  Simulator(const Scenario& scenario, const Workload& workload, double horizon_s,
            std::vector<PoolSpec> pools, std::unique_ptr<sched::QueuePolicy> queue,
            std::unique_ptr<sched::PlacementPolicy> placement, FaultPlan faults = {});

  // Registers an observer (not owned; must outlive run()) for the hooks its type takes
  // (ObserverHooks). Order of registration is the order of notification.
  template <class O>
  void add_observer(O& observer) {
    using H = ObserverHooks<O>;
    Observer* o = &observer;
    if (H::pool_interval) on_interval_.push_back(o);
    if (H::job_submit) on_submit_.push_back(o);
    if (H::job_unplaceable) on_unplaceable_.push_back(o);
    if (H::job_start) on_start_.push_back(o);
    if (H::job_stop) on_stop_.push_back(o);
    if (H::outage) on_outage_.push_back(o);
  }
  const SimContext& context() const { return context_; }
  const FaultPlan& faults() const { return faults_; }

  // Simulates from 0 to the horizon. progress (may be empty) is called at most ~200 times
  // with how far the run is, and once at the end.
  void run(const std::function<void(const SimProgress&)>& progress);
  // Events handled: arrivals, job ends, capacity steps, faults, repairs, outages, timers.
  int64_t events() const { return events_handled_; }
  // Whether anything can interrupt a job or cost overhead (faults, checkpoints, restarts,
  // preemption, quotas): when not, reliability accounting has nothing to observe.
  bool may_interrupt_or_checkpoint() const;
  // Node failures and spot reclaims that happened (hitting a job or not).
  int64_t node_faults() const { return node_faults_; }
  // Time of the last job arrival or end handled, simulated seconds.
  double last_job_event_s() const { return last_job_event_s_; }

  // sched::SchedulingContext, the parts the kernel times (the rest is sched::Dispatcher's)
  void reject(uint32_t id) override;
  double remaining_s(uint32_t id) const override;
  double attained_gpu_s(uint32_t id) const override;
  void preempt(uint32_t id) override;
  void preempt_free(uint32_t id) override;
  void set_timer(uint32_t id, double t_s) override;
  void cancel_timer(uint32_t id) override;

 private:
  // The progress of a job that has been interrupted at least once (others have done nothing
  // or run uninterrupted: their remaining work is their duration). Kept for those jobs only.
  struct JobRun {
    double remaining_s;  // reference seconds of work left as of the current run's start
    uint32_t restarts;
    bool free_restart = false;  // its last stop was a free preemption: no restart overhead
  };
  bool was_interrupted(uint32_t id) const { return (interrupted_[id >> 6] >> (id & 63)) & 1u; }
  double remaining_of(uint32_t id) const override {
    return was_interrupted(id) ? runs_.at(id).remaining_s : workload_.jobs[id].duration_s;
  }
  // Work done in the running segment of allocation a by now, in pool seconds: kept (up to the
  // last completed checkpoint) and in progress (since it).
  struct Progress {
    double kept_s = 0, since_checkpoint_s = 0;
  };
  Progress progress_of(const Allocation& a) const;
  double overhead_s(uint32_t id) const;

  // Tells the observers pool p's levels since its last change, up to now.
  void touch(uint32_t p);
  void start(uint32_t id, uint32_t p) override;
  void end(uint32_t slot);
  // Stops a running job and requeues it; a preemption loses no work (at a checkpoint), and a
  // free one (free = true) costs no restart overhead either.
  void interrupt(uint32_t slot, StopCause cause, int outage, bool free = false);
  void capacity_step(uint32_t p);
  void arrive(const Job& job);
  void finish();
  // Fault handling.
  void redraw_faults(uint32_t p);
  void node_failure(uint32_t p);
  void spot_reclaim(uint32_t p);
  // Interrupts the jobs on node n, then takes it out of service until now + back_after_s.
  void take_node_down(uint32_t n, StopCause cause, double back_after_s);
  void repair(uint32_t n);
  void outage(uint32_t i, bool begins);
  void trace_fault(uint32_t k);
  void schedule_trace_fault(uint32_t k);
  void release_and_redraw(uint32_t slot, uint32_t p);

  const Scenario& scenario_;
  const Workload& workload_;
  double horizon_s_;
  SimContext context_;
  EventQueue events_;
  // Observers, per hook they take (add_observer()).
  std::vector<Observer*> on_interval_, on_submit_, on_unplaceable_, on_start_, on_stop_, on_outage_;
  std::vector<double> last_change_s_;   // per pool
  std::vector<size_t> next_point_;      // per pool: next schedule point to apply
  std::unordered_map<uint32_t, JobRun> runs_;  // by job id: the jobs where was_interrupted
  std::vector<uint64_t> interrupted_;       // per job, one bit
  bool placement_follows_clock_ = false;
  bool any_flexible_ = false;               // some profile has a flexible slack
  std::vector<JobProfile> profiles_;
  FaultPlan faults_;
  std::vector<Rng> failure_rng_, spot_rng_;  // per pool
  std::vector<int> down_count_;              // per pool: outages lasting now
  std::vector<uint32_t> scratch_;
  uint32_t trace_cycle_ = 0;
  double last_job_event_s_ = 0;
  int64_t events_handled_ = 0;
  int64_t node_faults_ = 0;
};

}  // namespace gpufleet::sim
