// The policy names a scenario may choose. Add a name here when its policy is built.
#include "gpufleet/scenario.h"

namespace gpufleet {

const std::vector<std::string_view>& known_queue_policies() {
  static const std::vector<std::string_view> names = {"fifo", "sjf", "fifo-backfill", "srtf", "las"};
  return names;
}

const std::vector<std::string_view>& known_placement_policies() {
  static const std::vector<std::string_view> names = {"cost", "best-fit", "carbon", "count"};
  return names;
}

}  // namespace gpufleet
