// The fleet the serve tests run: a small scenario written into a test's folder.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace gpufleet::testing {

// Two providers, two accelerators (one 2.25x the reference), a contract that ramps on day 2,
// on-demand and spot markets; no faults. quotas: a YAML flow list of policy.quotas, or "".
inline std::string fleet_yaml(const std::string& queue, const std::string& placement, const std::string& quotas = "") {
  return R"(name: serve-test
start: 2026-01-01
horizon: 30d
seed: 7
policy:
  queue: )" + queue + "\n  placement: " + placement + (quotas.empty() ? "" : "\n  quotas: " + quotas) + R"(
accelerators:
  - {name: H100-SXM, bf16_tflops: 989.4, hbm_gib: 80, board_power_w: 700, speed_factor: 1.0}
  - {name: B200, bf16_tflops: 2250, hbm_gib: 192, board_power_w: 1000, speed_factor: 2.25}
providers:
  - name: aws
  - name: gcp
sites:
  - {name: aws-east, provider: aws, region: us-east-1, jurisdiction: US, pue: 1.2, carbon_g_per_kwh: 300, electricity_usd_per_mwh: 80}
  - {name: gcp-eu, provider: gcp, region: europe-west4, jurisdiction: EU, pue: 1.1, carbon_g_per_kwh: 250, electricity_usd_per_mwh: 90}
contracts:
  - name: aws-main
    site: aws-east
    accelerator: H100-SXM
    usd_per_gpu_hour: 2.5
    start: 2026-01-01
    end: 2040-01-01
    ramp:
      - {at: 2026-01-01, gpus: 128}
      - {at: 2026-01-03, gpus: 256}
  - name: gcp-b200
    site: gcp-eu
    accelerator: B200
    usd_per_gpu_hour: 5.0
    start: 2026-01-01
    end: 2040-01-01
    ramp:
      - {at: 2026-01-01, gpus: 64}
markets:
  - {site: gcp-eu, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 4.0, on_demand_gpus: 64, spot_usd_per_gpu_hour: 2.0, spot_gpus: 32}
workload:
  classes:
    - {name: r, kind: research, arrivals_per_hour: 1, gpus: {8: 1}, duration_median: 1h, duration_sigma: 0.5, duration_max: 1d}
)";
}

inline std::filesystem::path write_scenario(const std::filesystem::path& dir, const std::string& yaml) {
  const auto path = dir / "scenario.yaml";
  std::ofstream(path) << yaml;
  return path;
}

}  // namespace gpufleet::testing
