// The one place policies are created by name (no static-constructor registration).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"
#include "sched/placement_policy.h"
#include "sched/queue_policy.h"

namespace gpufleet::sched {

// An unknown name gives an Error listing the known ones.
Result<std::unique_ptr<QueuePolicy>> make_queue_policy(const std::string& name, const PolicySpec& spec);
// The scenario must outlive the policy (carbon placement reads its sites' carbon series).
Result<std::unique_ptr<PlacementPolicy>> make_placement_policy(const std::string& name, const Scenario& scenario);

}  // namespace gpufleet::sched
