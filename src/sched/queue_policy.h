// Queue ordering: which waiting job is tried next. One implementation per file, created by
// name through make_queue_policy() (policy_registry.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "gpufleet/workload.h"
#include "sched/scheduling_context.h"

namespace gpufleet::sched {

// Ties between jobs are broken by arrival: the earlier submit_s first, then the lower id. In
// the simulator that is id order (Workload::jobs is sorted so); the service reuses ids for
// new jobs, and their submit_s keeps the order in which they came.
inline bool arrives_after(double submit_a, uint32_t id_a, double submit_b, uint32_t id_b) {
  if (submit_a != submit_b) return submit_a > submit_b;
  return id_a > id_b;
}

class QueuePolicy {
 public:
  virtual ~QueuePolicy() = default;
  // Room for `jobs` job ids (ids are < jobs); called once before the first push.
  virtual void reserve(size_t jobs) = 0;
  // A job arrives. REQUIRES: job.id < the reserved count; an id is pushed again only for a
  // new job, after the policy let the last one with that id go (it finished, was rejected or
  // parked); all the policy knew of the old one is forgotten.
  virtual void push(const Job& job) = 0;
  // Jobs waiting.
  virtual size_t size() const = 0;
  // Starts, through ctx, the jobs the policy lets start now.
  virtual void dispatch(SchedulingContext& ctx) = 0;

  // A running job was interrupted (failure, spot reclaim, outage, preemption) and waits
  // again; on_stop(id) came first. The policy keeps what it knows of the job (attained
  // service). By default it joins like an arrival.
  virtual void requeue(const Job& job, const SchedulingContext& ctx) { push(job); }
  // True for policies that preempt or look at running jobs (remaining_s, attained_gpu_s,
  // preempt): the runner then tracks which job runs where, and calls on_stop.
  virtual bool preemptive() const { return false; }
  // A job that this policy started stopped running (it completed or was interrupted). Only
  // called for preemptive() policies.
  virtual void on_stop(uint32_t id) {}
  // A timer set with SchedulingContext::set_timer fired.
  virtual void on_timer(uint32_t id, SchedulingContext& ctx) {}
};

}  // namespace gpufleet::sched
