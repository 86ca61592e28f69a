#include "gpufleet/scenario.h"
#include "gpufleet/simulate.h"

namespace gpufleet {

std::string_view to_string(JobKind kind) {
  switch (kind) {
    case JobKind::training: return "training";
    case JobKind::research: return "research";
    case JobKind::inference: return "inference";
  }
  return "research";
}

std::optional<JobKind> job_kind_from_string(std::string_view name) {
  if (name == "training") return JobKind::training;
  if (name == "research") return JobKind::research;
  if (name == "inference") return JobKind::inference;
  return std::nullopt;
}

std::string_view to_string(CapacitySource source) {
  switch (source) {
    case CapacitySource::contract: return "contract";
    case CapacitySource::on_demand: return "on-demand";
    case CapacitySource::spot: return "spot";
  }
  return "contract";
}

}  // namespace gpufleet
