// The discrete-event kernel: a clock over an event queue (job ends, capacity steps) merged
// with the workload's arrivals (already sorted by submit), the fleet state, one queue policy
// and one placement policy, and the observers that account for what happens.
//
// At each instant: every event due then is handled (ends free GPUs, capacity steps resize
// pools), then every job submitted then arrives, then the queue policy dispatches once.
// Nothing is accounted past the horizon; jobs running there are cut (reported as not
// completed). Per event: O(log events) heap work, O(gpus_per_node) fleet work, a few
// observer calls; no allocation once warmed up.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"
#include "sched/placement_policy.h"
#include "sched/queue_policy.h"
#include "sched/reservation.h"
#include "sched/scheduling_context.h"
#include "sim/event_queue.h"
#include "sim/fleet_state.h"
#include "sim/observer.h"

namespace gpufleet::sim {

class Simulator final : public sched::SchedulingContext {
 public:
  // REQUIRES: horizon_s > 0; workload.jobs sorted by submit with id == index; pools built for
  // this scenario (build_pools()).
  Simulator(const Scenario& scenario, const Workload& workload, double horizon_s,
            std::vector<PoolSpec> pools, std::unique_ptr<sched::QueuePolicy> queue,
            std::unique_ptr<sched::PlacementPolicy> placement);

  // Registers an observer (not owned; must outlive run()). Order of registration is the
  // order of notification.
  void add_observer(Observer& observer) { observers_.push_back(&observer); }
  const FleetState& fleet() const { return fleet_; }
  const SimContext& context() const { return context_; }

  // Simulates from 0 to the horizon. progress (may be empty) is called at most ~200 times
  // with the fraction of the horizon done.
  void run(const std::function<void(double)>& progress);
  // Events handled: arrivals, job ends and capacity steps.
  int64_t events() const { return events_handled_; }
  // Time of the last job arrival or end handled, simulated seconds.
  double last_job_event_s() const { return last_job_event_s_; }

  // sched::SchedulingContext
  const Job& job(uint32_t id) const override { return workload_.jobs[id]; }
  bool try_start(uint32_t id) override;
  bool try_backfill(uint32_t id, sched::Reservation& r) override;
  sched::Reservation reserve(uint32_t id) override;
  bool can_ever_fit(uint32_t id) const override;
  void reject(uint32_t id) override;
  uint64_t release_generation() const override { return release_generation_; }
  uint64_t capacity_generation() const override { return capacity_generation_; }

 private:
  // Tells the observers pool p's levels since its last change, up to now.
  void touch(uint32_t p);
  void start(uint32_t id, uint32_t p);
  void end(uint32_t slot);
  void capacity_step(uint32_t p);
  void arrive(const Job& job);
  void finish();

  const Scenario& scenario_;
  const Workload& workload_;
  double horizon_s_;
  FleetState fleet_;
  SimContext context_;
  std::unique_ptr<sched::QueuePolicy> queue_;
  std::unique_ptr<sched::PlacementPolicy> placement_;
  sched::ReservationFinder finder_;
  EventQueue events_;
  std::vector<Observer*> observers_;
  std::vector<double> last_change_s_;   // per pool
  std::vector<size_t> next_point_;      // per pool: next schedule point to apply
  double now_ = 0;
  double last_job_event_s_ = 0;
  int64_t events_handled_ = 0;
  uint64_t release_generation_ = 0;
  uint64_t capacity_generation_ = 0;
};

}  // namespace gpufleet::sim
