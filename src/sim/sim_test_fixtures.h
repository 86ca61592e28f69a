// Small scenarios and workloads built directly in C++ for the simulator's tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gpufleet/scenario.h"
#include "gpufleet/simulate.h"
#include "gpufleet/workload.h"

namespace gpufleet::testing {

// One accelerator "X" (1000 W, speed 1), one provider "p0", one site "s0" (US, PUE 1, 8 GPUs
// per node, carbon 0) and one flat contract of `gpus` GPUs at $1/GPU-hour over the horizon.
inline Scenario one_site_scenario(int64_t gpus, double horizon_s, int gpus_per_node = 8) {
  Scenario s;
  s.name = "one-site";
  s.source_file = "<test>";
  s.horizon_s = horizon_s;
  s.accelerators.push_back({"X", 1000, 80, 1000, 1.0});
  s.providers.push_back({"p0"});
  Site& site = s.sites.emplace_back();
  site.name = "s0";
  site.provider = 0;
  site.jurisdiction = "US";
  site.gpus_per_node = gpus_per_node;
  Contract c;
  c.name = "c0";
  c.provider = 0;
  c.site = 0;
  c.accelerator = 0;
  c.ramp.push_back({0, gpus});
  c.usd_per_gpu_hour = 1.0;
  c.start_s = 0;
  c.end_s = horizon_s;
  c.take_or_pay_share = 1.0;
  s.contracts.push_back(c);
  return s;
}

struct JobSpec {
  double submit_s;
  uint32_t gpus;
  double duration_s;
};

// Jobs in the given order (REQUIRES: sorted by submit), ids = indices, no tenants or
// jurisdictions besides the empty ones.
inline Workload make_workload(const std::vector<JobSpec>& specs) {
  Workload w;
  w.tenants = {""};
  w.jurisdictions = {""};
  for (size_t i = 0; i < specs.size(); ++i) {
    Job j;
    j.id = static_cast<uint32_t>(i);
    j.submit_s = specs[i].submit_s;
    j.gpus = specs[i].gpus;
    j.duration_s = specs[i].duration_s;
    w.jobs.push_back(j);
  }
  return w;
}

// The simulation under the queue and placement policies named (placement "" = the
// scenario's); a failure to simulate fails the test and gives empty results.
inline SimResults simulate_with(const Scenario& s, const Workload& w, const std::string& queue, const std::string& placement = "") {
  SimOptions o;
  o.queue_policy = queue;
  o.placement_policy = placement;
  auto r = simulate(s, w, o);
  EXPECT_TRUE(r) << r.error().to_string();
  return r ? *r : SimResults{};
}

}  // namespace gpufleet::testing
