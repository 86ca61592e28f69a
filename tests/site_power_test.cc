// A site's power cap bounds what runs there at one instant, contracts and markets together:
// `simulate` offers the markets only the power the contracts leave, and says so.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

TEST(SitePower, MarketsRunOnlyOnThePowerTheContractsLeave) {
  const auto dir = fresh_dir("site-power");
  // 1 MW, PUE 1.0, 1 kW a GPU: the contract's 900 GPUs leave 100 kW, so 100 of the market's
  // 600 GPUs can run.
  std::ofstream(dir / "scenario.yaml") << R"(name: site-power
start: 2026-01-01
horizon: 2d
seed: 1
accelerators:
  - {name: X, bf16_tflops: 1000, hbm_gib: 80, board_power_w: 1000, speed_factor: 1.0}
providers:
  - name: p0
sites:
  - {name: s0, provider: p0, region: r0, jurisdiction: US, pue: 1.0, power_cap_mw: 1.0, carbon_g_per_kwh: 0, electricity_usd_per_mwh: 50}
contracts:
  - {name: c0, site: s0, accelerator: X, usd_per_gpu_hour: 1.0, start: 2026-01-01, end: 2027-01-01, ramp: [{at: 2026-01-01, gpus: 900}]}
markets:
  - {site: s0, accelerator: X, on_demand_usd_per_gpu_hour: 3.0, on_demand_gpus: 600}
workload:
  classes:
    - {name: r, kind: research, arrivals_per_hour: 1, gpus: {1: 1}, duration_median: 1h, duration_sigma: 0.5, duration_max: 1d}
)";
  {
    std::ofstream csv(dir / "trace.csv");
    csv << "submit,duration,gpus\n";
    for (int i = 0; i < 1500; ++i) csv << "0,3600,1\n";
  }
  const auto r = run_gpufleet("simulate " + (dir / "scenario.yaml").string() + " --trace csv:" + (dir / "trace.csv").string() +
                              " --map submit=submit,duration=duration,gpus=gpus --no-faults --out " + (dir / "out").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("the markets at site 's0' offer 600 GPUs, but its contracts draw 0.900 MW of its 1 MW power cap: "
                       "100 of them can run"),
            std::string::npos)
      << r.err;
  std::istringstream jobs(slurp(dir / "out" / "jobs.csv"));
  std::string line;
  std::getline(jobs, line);
  int started_at_once = 0, on_demand = 0;
  while (std::getline(jobs, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_GT(cells.size(), 12u) << line;
    started_at_once += cells[6] == "0.000";  // start_s
    on_demand += cells[12] == "on-demand";   // source
  }
  EXPECT_EQ(started_at_once, 1000) << "900 on the contract and 100 on the market, not 1,500";
  EXPECT_EQ(on_demand, 100) << "the market ran 100 at a time, and was never needed again after the first hour";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpufleet::testing
