#include "sched/policy_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gpufleet/simulate.h"
#include "sched/backfill_queue.h"
#include "sched/best_fit_placement.h"
#include "sched/cost_placement.h"
#include "sched/count_placement.h"
#include "sched/carbon_placement.h"
#include "sched/fifo_queue.h"
#include "sched/las_queue.h"
#include "sched/srtf_queue.h"
#include "sched/sjf_queue.h"

namespace gpufleet {

namespace sched {

namespace {
// Names come from known_queue_policies() / known_placement_policies() (scenario.h), the list
// the loader validates against; a policy added here is added there too.
Error unknown(const std::string& what, const std::string& name, const std::vector<std::string_view>& known) {
  return Error{"", 0, 0, fmt::format("policy.{}", what),
               fmt::format("unknown {} policy '{}'; known: {}", what, name, fmt::join(known, ", "))};
}
}  // namespace

Result<std::unique_ptr<QueuePolicy>> make_queue_policy(const std::string& name, const PolicySpec& spec) {
  if (spec.free_preemption) {
    if (name != "srtf" && name != "las")
      return fail(Error{"", 0, 0, "policy.preemption",
                        fmt::format("free preemption re-packs by a preemptive policy's priority: srtf or las, not '{}'", name)});
    if (!spec.quotas.empty())
      return fail(Error{"", 0, 0, "policy.preemption", "free preemption does not combine with tenant quotas"});
  }
  if (name == "fifo") return std::make_unique<FifoQueue>();
  if (name == "sjf") return std::make_unique<SjfQueue>();
  if (name == "fifo-backfill") return std::make_unique<BackfillQueue>(std::max(0, spec.backfill_depth));
  if (name == "srtf") return std::make_unique<SrtfQueue>(spec.free_preemption);
  if (spec.las_demotion_at_dispatch && (name != "las" || !spec.free_preemption))
    return fail(Error{"", 0, 0, "policy.las_demotion", "Tiresias-timed demotion is for las with free preemption"});
  if (name == "las")
    return std::make_unique<LasQueue>(spec.las_thresholds_gpu_s, spec.free_preemption, spec.las_demotion_at_dispatch);
  return fail(unknown("queue", name, known_queue_policies()));
}

Result<std::unique_ptr<PlacementPolicy>> make_placement_policy(const std::string& name, const Scenario& scenario) {
  if (name == "cost") return std::make_unique<CostPlacement>();
  if (name == "best-fit") return std::make_unique<BestFitPlacement>();
  if (name == "carbon") return std::make_unique<CarbonPlacement>(scenario);
  if (name == "count") return std::make_unique<CountPlacement>();
  return fail(unknown("placement", name, known_placement_policies()));
}

}  // namespace sched
}  // namespace gpufleet
