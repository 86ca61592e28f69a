// What a queue policy may ask of whoever runs the fleet (the simulator, or later a live
// scheduler). Calls are per job attempt, not per pool.
#pragma once

#include <cstdint>
#include <vector>

#include "gpufleet/workload.h"

namespace gpufleet::sched {

// EASY backfilling's promise to the blocked head of the queue: it will start in `pool` at
// `start_s` at the latest, given the running jobs' known end times.
struct Reservation {
  bool valid = false;
  uint32_t pool = 0;
  double start_s = 0;         // simulated seconds (the "shadow time")
  // Nodes that qualify for the head at start_s beyond those it needs: whole free nodes for a
  // whole-node head, nodes with enough free GPUs for a smaller one. A job that would still
  // run in `pool` at start_s uses them up (one per node it takes); none left = it must wait.
  // Under the any_free layout (`count` placement) these are free GPUs, one per GPU taken.
  int64_t spare_nodes = 0;
};

class SchedulingContext {
 public:
  virtual ~SchedulingContext() = default;

  virtual const Job& job(uint32_t id) const = 0;
  // Places the job with the placement policy and starts it now; false when no allowed pool
  // has room now.
  virtual bool try_start(uint32_t id) = 0;
  // Like try_start, but only where the job cannot delay `r` (see Reservation); updates r.
  virtual bool try_backfill(uint32_t id, Reservation& r) = 0;
  // The earliest start the job can be promised now, over its allowed pools; invalid when no
  // pool would have room even after every running job ends.
  virtual Reservation reserve(uint32_t id) = 0;
  // Whether some allowed pool could hold the job at some time from now on (capacity
  // schedules considered). A job that never can must be rejected, not left to block the queue.
  virtual bool can_ever_fit(uint32_t id) const = 0;
  // Tenant quotas: a job over its tenant's guarantee whose tenant may not borrow is taken out
  // of the policy's hands (true; the policy drops it) and handed back through
  // QueuePolicy::requeue once its tenant's usage allows. False: not held, keep it.
  virtual bool park_if_held(uint32_t id) = 0;
  // Gives up on a job that can never fit; it is counted as unplaceable.
  virtual void reject(uint32_t id) = 0;
  // Bumped whenever GPUs are freed or capacity changes: until it moves, a job that did not
  // fit still does not.
  virtual uint64_t release_generation() const = 0;
  // Bumped whenever any pool's capacity changes.
  virtual uint64_t capacity_generation() const = 0;
  // Bumped whenever pool p loses capacity (node failure, spot reclaim, outage, a contract
  // stepping down). Growth never bumps it: a promise made before growth still holds.
  virtual uint64_t shrink_generation(uint32_t p) const = 0;

  // For preemptive policies.
  virtual double now() const = 0;
  // Reference seconds of work the job still has to do (for a running job: as of now).
  virtual double remaining_s(uint32_t id) const = 0;
  // GPUs x reference seconds of work the job has done and kept (its attained service).
  virtual double attained_gpu_s(uint32_t id) const = 0;
  // Free GPUs now over the pools the job may use (not all usable at once by a gang job).
  virtual int64_t free_gpus_for(uint32_t id) const = 0;
  // Whether the running job `victim` holds GPUs in a pool that `waiting` may use.
  virtual bool could_use_gpus_of(uint32_t waiting, uint32_t victim) const = 0;
  // Stops a running job at a checkpoint (no work lost; it pays the restart overhead when it
  // starts again) and hands it back to the policy through QueuePolicy::requeue.
  virtual void preempt(uint32_t id) = 0;
  // Free preemption with re-packing (PolicySpec::free_preemption): `order` holds every job the
  // policy has, running or waiting, by its priority, first first. GPUs are filled in that order,
  // skipping jobs that do not fit: a running job keeps its GPUs if its pool still has room for
  // it, a waiting one takes the first pool in the placement's preference with room, counted in
  // GPUs (exact under the `count` placement's any_free layout; under whole nodes, a job the
  // count admits that then finds no room for fragmentation waits). Running jobs left out are
  // preempted at no cost (QueuePolicy::on_stop and requeue are called from here), then the
  // admitted waiting jobs start in order; `started` receives those that did.
  virtual void repack(const std::vector<uint32_t>& order, std::vector<uint32_t>& started) = 0;
  // Calls QueuePolicy::on_timer(id) at t_s, replacing the job's earlier timer.
  virtual void set_timer(uint32_t id, double t_s) = 0;
  virtual void cancel_timer(uint32_t id) = 0;
};

}  // namespace gpufleet::sched
