// Running a queue policy and a placement policy on a fleet: the one placement code path of the
// simulator (src/sim/) and the service (src/serve/). It owns the fleet state, the two
// policies, the tenants' quotas and the jobs parked by them, and answers the policies'
// questions (SchedulingContext). A runner derives from it and supplies what differs between
// a simulated and a live fleet: how a started job is timed and accounted (start()), how a
// running job is stopped (preempt()), policy timers, and the work a waiting job has left.
//
// Quotas: a job within its tenant's guarantee starts where it fits, reclaiming borrowed GPUs
// (newest first) when none are free; a job over it borrows idle GPUs if its tenant may, else
// it is parked outside the queue policy (so that it blocks no other tenant) and handed back
// through QueuePolicy::requeue once its tenant's usage allows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleet/fleet_state.h"
#include "fleet/quota_ledger.h"
#include "gpufleet/workload.h"
#include "sched/placement_policy.h"
#include "sched/queue_policy.h"
#include "sched/reservation.h"
#include "sched/scheduling_context.h"
#include "util/multi_list.h"

namespace gpufleet::sched {

class Dispatcher : public SchedulingContext {
 public:
  // The pools are added to the fleet here and the placement policy prepared on them.
  Dispatcher(std::vector<fleet::PoolSpec> pools, std::unique_ptr<QueuePolicy> queue,
             std::unique_ptr<PlacementPolicy> placement);

  const fleet::FleetState& fleet() const { return fleet_; }
  // Jobs waiting in the queue policy (parked ones aside).
  size_t queued() const { return queue_->size(); }

  // SchedulingContext: placement, backfilling, quotas.
  const Job& job(uint32_t id) const override { return (*jobs_)[id]; }
  bool try_start(uint32_t id) override;
  bool try_backfill(uint32_t id, Reservation& r) override;
  Reservation reserve(uint32_t id) override;
  bool can_ever_fit(uint32_t id) const override;
  bool park_if_held(uint32_t id) override;
  uint64_t release_generation() const override { return release_generation_; }
  uint64_t capacity_generation() const override { return capacity_generation_; }
  uint64_t shrink_generation(uint32_t p) const override { return shrink_generation_[p]; }
  double now() const override { return now_; }
  bool could_use_gpus_of(uint32_t waiting, uint32_t victim) const override;
  int64_t free_gpus_for(uint32_t id) const override;
  void repack(const std::vector<uint32_t>& order, std::vector<uint32_t>& started) override;

 protected:
  // Job ids index *jobs (which may grow; ids < job_capacity); tenants index tenant_names.
  // track_slots: keep which allocation each running job holds (slot_of()); forced on by a
  // preemptive queue policy or quotas. REQUIRES: called once, before the first enqueue.
  void prepare_jobs(const std::vector<Job>* jobs, size_t job_capacity, const std::vector<std::string>& tenant_names,
                    const std::vector<TenantQuota>& quotas, bool track_slots);
  // Hands a waiting job to the queue policy (arrival, or requeue after an interruption), or
  // parks it when its tenant is over its guarantee and may not borrow.
  void enqueue(const Job& job, bool requeue);
  // Requeues the parked jobs of a tenant that are now within its guarantee.
  void unpark(uint16_t tenant);
  // The running job's allocation slot, or fleet::kNone. REQUIRES: tracks_slots().
  uint32_t slot_of(uint32_t id) const { return slot_of_[id]; }
  bool tracks_slots() const { return track_slots_; }
  // A job's allocation started (slot) or ended (fleet::kNone): kept when tracks_slots().
  void set_slot(uint32_t id, uint32_t slot) {
    if (track_slots_) slot_of_[id] = slot;
  }
  // Something was released (GPUs freed, a capacity change): a blocked head may fit now.
  void bump_release() { ++release_generation_; }
  // Some pool's capacity changed.
  void bump_capacity() {
    ++capacity_generation_;
    ++release_generation_;
  }
  // Pool p's capacity changed (shrank = it lost some).
  void bump_capacity(uint32_t p, bool shrank) {
    bump_capacity();
    if (shrank) ++shrink_generation_[p];
  }
  void bump_shrink(uint32_t p) { ++shrink_generation_[p]; }

  // The runner starts job id in pool p now: allocates (fleet_.allocate), times and accounts
  // it, and calls set_slot(). Quotas are recorded by the caller.
  virtual void start(uint32_t id, uint32_t p) = 0;
  // Reference seconds of work a job that is not running has left.
  virtual double remaining_of(uint32_t id) const = 0;
  // Stops a running job for repack(): at no cost (no work lost, no restart overhead when it
  // starts again), then hands it back through QueuePolicy::requeue. By default preempt().
  virtual void preempt_free(uint32_t id) { preempt(id); }

  fleet::FleetState fleet_;
  std::unique_ptr<QueuePolicy> queue_;
  std::unique_ptr<PlacementPolicy> placement_;
  fleet::QuotaLedger quotas_;
  double now_ = 0;

 private:
  // Frees borrowed GPUs for a job within its guarantee; true if it then started.
  bool reclaim_for(uint32_t id);

  const std::vector<Job>* jobs_ = nullptr;
  ReservationFinder finder_;
  MultiList parked_;  // per tenant: jobs over their guarantee that may not borrow
  bool track_slots_ = false;
  std::vector<uint32_t> slot_of_;  // per job while running, else fleet::kNone
  uint64_t release_generation_ = 0;
  uint64_t capacity_generation_ = 0;
  std::vector<uint64_t> shrink_generation_;  // per pool
  // repack()'s scratch: GPUs left per pool, the pool each admitted waiting job was given (by
  // position in the order; fleet::kNone = left out), and the running jobs left out.
  std::vector<int64_t> room_;
  std::vector<uint32_t> given_pool_, left_out_;
};

}  // namespace gpufleet::sched
