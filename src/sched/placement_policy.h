// Placement: which pool a job that may start now goes to. One implementation per file,
// created by name through make_placement_policy() (policy_registry.h).
#pragma once

#include <cstdint>

#include "gpufleet/workload.h"
#include "fleet/fleet_state.h"

namespace gpufleet::sched {

// Whether a job may run in a pool at all: its accelerator is in the job's mask and, when the
// job names a jurisdiction, the pool's site is in it.
inline bool pool_allows(const fleet::PoolSpec& pool, const Job& job) {
  const bool accel_ok = pool.accelerator < 64
                            ? ((job.accelerator_mask >> pool.accelerator) & 1u) != 0
                            : job.accelerator_mask == kAnyAccelerator;
  return accel_ok && (job.jurisdiction == 0 || job.jurisdiction == pool.jurisdiction_code);
}

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  // Called once the fleet's pools exist (they are not added to afterwards).
  virtual void prepare(const fleet::FleetState& fleet) = 0;
  // How the fleet lays a job's GPUs on nodes under this policy (set on the fleet before
  // prepare(), before any allocation): whole nodes for jobs of a node or more, except for
  // `count`, which takes any free GPUs of a pool.
  virtual fleet::GpuLayout layout() const { return fleet::GpuLayout::whole_nodes; }
  // An allowed pool where the job fits now, other than `exclude` (fleet::kNone: none
  // excluded), or fleet::kNone.
  virtual uint32_t choose(const Job& job, const fleet::FleetState& fleet, uint32_t exclude) const = 0;
  // Allowed pools in this policy's order of preference when all fit equally (used to break
  // ties, e.g. between reservations).
  virtual const std::vector<uint32_t>& preference() const = 0;
  // The clock moved to now_s (called before each dispatch). Placements that depend on the
  // hour (carbon) update themselves here.
  virtual void advance_to(double now_s) {}
  // Whether advance_to() matters (so that the runner may skip calling it).
  virtual bool follows_clock() const { return false; }
  // A flexible job arriving at now_s may wait up to slack_s: how long this policy would
  // have it wait (0 = start queueing now). Only carbon-aware placement delays.
  virtual double flexible_delay(const Job& job, const fleet::FleetState& fleet, double now_s, double slack_s) const {
    return 0;
  }
};

// Pool order of the cost policy: contracts (committed capacity) by site, then on-demand by
// price, then spot by price; ties by site index, then pool index.
std::vector<uint32_t> cost_order(const fleet::FleetState& fleet);
// The first pool of `order` other than `exclude` that the job may use and fits in now (under
// the fleet's layout), or fleet::kNone.
uint32_t first_fit(const std::vector<uint32_t>& order, const Job& job, const fleet::FleetState& fleet, uint32_t exclude);

}  // namespace gpufleet::sched
