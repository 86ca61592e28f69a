// The fleet layer's names (src/fleet/) as the kernel and its observers use them unqualified.
#pragma once

#include "fleet/fleet_state.h"
#include "fleet/pool_builder.h"

namespace gpufleet::sim {

using fleet::Allocation;
using fleet::build_pools;
using fleet::CapacityPoint;
using fleet::FleetState;
using fleet::kNone;
using fleet::Node;
using fleet::NodeState;
using fleet::Pool;
using fleet::PoolSpec;

}  // namespace gpufleet::sim
