// Committed utilisation: busy contract GPU-seconds / in-service contract GPU-seconds (nodes
// that are draining after a ramp-down count as in service until they leave).
#pragma once

#include "sim/observer.h"

namespace gpufleet::sim {

class UtilisationObserver final : public Observer {
 public:
  void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) override {
    if (pool.spec.source != CapacitySource::contract) return;
    busy_s_ += static_cast<double>(pool.busy_gpus) * (to_s - from_s);
    available_s_ += static_cast<double>(pool.in_service_gpus) * (to_s - from_s);
  }
  void on_finish(SimResults& results) override {
    results.summary.committed_utilisation = available_s_ > 0 ? busy_s_ / available_s_ : 0;
  }

 private:
  double busy_s_ = 0, available_s_ = 0;
};

}  // namespace gpufleet::sim
