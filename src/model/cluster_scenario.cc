#include <limits>

#include "gpufleet/scenario.h"

namespace gpufleet {

FaultSpec default_fault_model() {
  FaultSpec f;
  f.node_failures_per_gpu_hour = kLlama3FailuresPerGpuHour;
  f.repair_median_s = 0.85 * kSecondsPerDay;  // StepFun InfiniteHBD trace, docs/sources.md#reliability
  f.repair_sigma = 1.92;                      // (d) mean 5.4 d = median x exp(sigma^2 / 2)
  f.spot_preemptions = true;
  return f;
}

Scenario make_cluster_scenario(int64_t gpus) {
  const double horizon_s = std::numeric_limits<double>::infinity();
  Scenario s;
  s.name = "cluster";
  s.description = "one site of reference GPUs for trace replay";
  s.source_file = "<command line>";
  s.horizon_s = horizon_s;
  // H100-SXM dense BF16 989.4 TFLOP/s, 80 GB, 700 W (NVIDIA H100 whitepaper via
  // glennklockwood.com/garden/processors/h100): the reference accelerator, speed 1.0.
  s.accelerators.push_back({"H100-SXM", 989.4, 80, 700, 1.0});
  s.providers.push_back({"cluster"});
  Site site;
  site.name = "cluster";
  site.provider = 0;
  site.region = "cluster";
  site.jurisdiction = "";
  site.gpus_per_node = 8;
  s.sites.push_back(site);
  Contract c;
  c.name = "cluster";
  c.provider = 0;
  c.site = 0;
  c.accelerator = 0;
  c.ramp.push_back({0, gpus});
  c.usd_per_gpu_hour = 0;
  c.start_s = 0;
  c.end_s = horizon_s;
  c.take_or_pay_share = 1.0;
  s.contracts.push_back(c);
  return s;
}

}  // namespace gpufleet
