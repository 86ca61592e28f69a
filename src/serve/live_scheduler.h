// The placement engine of the service: sched::Dispatcher (the simulator's own placement code
// path) on a live fleet whose jobs come and go. Jobs occupy slots (ids of the policies) in
// [0, capacity); a slot is reused once its job has left the policies' hands. Nothing here
// knows HTTP or storage: the service (service.h) calls in under its lock and hears back
// through Hooks.
//
// Time follows the service's clock, moved only by advance(): capacity steps of the pools'
// schedules (contracts ramping) and policy timers due by then are applied in time order with
// a dispatch after each, as the simulator's kernel does. Runs end by finish() (the runner's
// "finished" event), not by a clock: the work of a running job is an estimate.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "gpufleet/scenario.h"
#include "sched/dispatcher.h"

namespace gpufleet::serve {

enum class StopReason : uint8_t { preempted, failed, outage };

class LiveScheduler final : public sched::Dispatcher {
 public:
  struct Hooks {
    std::function<void(uint32_t slot)> started;   // slot now holds GPUs (allocation())
    std::function<void(uint32_t slot, StopReason why, double kept_s)> stopped;  // back in the queue; kept_s of work kept
    std::function<void(uint32_t slot)> rejected;  // can never fit: the slot is free again
  };

  // REQUIRES: pools built for scenario; job_capacity >= 1. The scenario must outlive this.
  LiveScheduler(const Scenario& scenario, std::vector<fleet::PoolSpec> pools, std::unique_ptr<sched::QueuePolicy> queue,
                std::unique_ptr<sched::PlacementPolicy> placement, size_t job_capacity,
                const std::vector<std::string>& tenant_names, Hooks hooks);

  size_t free_slots() const { return free_.size(); }
  // Takes a slot for a job (its id is set to the slot); fleet::kNone when all are taken.
  // remaining_s: reference seconds of work it has left (its estimate, less kept work);
  // checkpoint_interval_s: reference seconds of work between checkpoints (0 = none), what
  // a failure keeps; restarted: it ran before and was stopped, so that a run of it begins
  // with the scenario's restart overhead (checkpoint.restart_overhead), as in the simulator.
  uint32_t add(Job job, double remaining_s, double checkpoint_interval_s, bool restarted);
  // Hands a job just added to the policies at the current time (rejected at once if it can
  // never fit).
  void submit(uint32_t slot);
  // Restores a job that was running in pool p since start_s (a restart); false if it no longer
  // fits there (it is then queued again).
  bool restore_running(uint32_t slot, uint32_t pool, double start_s);
  // Moves the clock to now_s (>= the current time), applying the capacity steps and timers
  // due on the way in time order, with a dispatch after those before now_s. Those due at
  // now_s itself are applied without a dispatch: the caller reports what else happens at
  // now_s (ends, arrivals) and then dispatches, as the simulator's kernel does at an instant.
  void advance(double now_s);
  // The time of the next capacity step or timer after now (+inf if none).
  double next_event_s() const { return next_internal(std::numeric_limits<double>::infinity()); }
  // A dispatch at the current time.
  void dispatch_now();

  // A running job ended: its GPUs and slot are free.
  void finish(uint32_t slot);
  // A running job stopped by its runner (failed node, preempted) or an outage: requeued.
  void interrupt(uint32_t slot, StopReason why);
  // A waiting job is withdrawn (the policies drop it when they next look at it; its slot is
  // free from then), or a running one is stopped and its slot freed.
  void cancel(uint32_t slot);
  // Outage of pools (down) or their recovery; the jobs running there are requeued and may
  // start in any other pool they are allowed in (failover).
  void set_down(const std::vector<uint32_t>& pools, bool down);

  // Node n fails (down: the jobs on it are requeued, the node leaves service until repaired)
  // or is repaired. False when n is no node, or not in service (down) / not failed (up).
  bool set_node_down(uint32_t n, bool down);
  // The operator drains node n (drain: no new job starts there; it leaves service when its
  // jobs end) or ends the drain. False when n is no node, or not in service (drain) / not
  // drained (undrain).
  bool set_node_drained(uint32_t n, bool drain);

  // Where jobs may go changed outside the fleet (a backend takes jobs again): the policies'
  // blocked heads look again.
  void capacity_changed() { bump_capacity(); }

  // Pools in an outage now.
  std::vector<uint32_t> pools_down() const;

  bool running(uint32_t slot) const { return slot_of(slot) != fleet::kNone; }
  const fleet::Allocation& allocation(uint32_t slot) const { return fleet_.allocation(slot_of(slot)); }
  const Job& job_at(uint32_t slot) const { return jobs_[slot]; }
  double remaining_at_start(uint32_t slot) const { return remaining_[slot]; }
  int64_t decisions() const { return decisions_; }
  int64_t tenant_gpus(uint16_t tenant) const { return tenant_gpus_[tenant]; }
  int64_t borrowed_gpus() const { return quotas_.enabled() ? quotas_.borrowed_gpus() : 0; }

  // sched::SchedulingContext, the parts a live fleet times.
  bool try_start(uint32_t id) override { return !withdrawn_[id] && Dispatcher::try_start(id); }
  bool try_backfill(uint32_t id, sched::Reservation& r) override { return !withdrawn_[id] && Dispatcher::try_backfill(id, r); }
  bool can_ever_fit(uint32_t id) const override { return !withdrawn_[id] && Dispatcher::can_ever_fit(id); }
  // A withdrawn job makes no room for itself: no preemption on its behalf.
  bool could_use_gpus_of(uint32_t waiting, uint32_t victim) const override {
    return !withdrawn_[waiting] && Dispatcher::could_use_gpus_of(waiting, victim);
  }
  void reject(uint32_t id) override;
  double remaining_s(uint32_t id) const override;
  double attained_gpu_s(uint32_t id) const override;
  void preempt(uint32_t id) override;
  void set_timer(uint32_t id, double t_s) override;
  void cancel_timer(uint32_t id) override;

 private:
  void start(uint32_t id, uint32_t p) override;
  double remaining_of(uint32_t id) const override { return remaining_[id]; }
  // Seconds a run of the job spends before its work resumes.
  double overhead_s(uint32_t slot) const { return restarted_[slot] ? restart_overhead_s_ : 0.0; }
  // Work a running job has done by now, reference seconds: all of it (kept = at a
  // checkpoint) or what its last checkpoint holds.
  double work_done(uint32_t slot, bool to_checkpoint_only) const;
  // Gives a running job's GPUs back: fleet, policy, tenant usage and quotas.
  void release_run(uint32_t slot);
  void stop(uint32_t slot, StopReason why);
  void release_slot(uint32_t slot);
  void apply_capacity(uint32_t p);
  // The earliest capacity step or timer after now_ and at most until_s; +inf if none.
  double next_internal(double until_s) const;

  const Scenario& scenario_;
  Hooks hooks_;
  std::vector<Job> jobs_;            // by slot
  std::vector<double> remaining_;    // by slot: reference seconds left as of the current run's start
  std::vector<double> interval_;     // by slot: checkpoint interval, reference seconds (0 = none)
  std::vector<uint8_t> withdrawn_;   // by slot: cancelled while waiting, or free
  std::vector<uint8_t> restarted_;   // by slot: it ran before (its runs pay the restart overhead)
  double restart_overhead_s_ = 0;
  std::vector<uint32_t> free_;       // free slots (reused last-in first-out)
  std::vector<size_t> next_point_;   // per pool: next schedule point to apply
  std::vector<int> down_count_;      // per pool
  std::set<std::pair<double, uint32_t>> timers_;  // (time, slot)
  std::map<uint32_t, double> timer_of_;
  std::vector<int64_t> tenant_gpus_; // GPUs held per tenant
  int64_t decisions_ = 0;            // placements made
};

}  // namespace gpufleet::serve
