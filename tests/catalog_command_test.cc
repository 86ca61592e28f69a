// End-to-end: a scenario whose markets come from a SkyPilot catalogue validates and simulates
// at the catalogue's per-GPU price; `gpufleet catalog import` prints a markets: list that loads
// back as the same prices.
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"

namespace gpufleet::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

const std::string kExcerpt = "skypilot_catalog/aws/vms.gpu-p4d-p5en-excerpt.csv";

TEST(CatalogCommand, FromCatalogScenarioValidatesAndSimulatesAtTheCataloguePrice) {
  if (!shared_file_exists(kExcerpt)) GTEST_SKIP() << "../shared/data/" << kExcerpt << " is absent";
  const fs::path dir = fresh_dir("catalog-sim");
  write_text(dir / "s.yaml", R"(name: catalogue-e2e
start: 2026-01-01
horizon: 2d
accelerators:
  - {name: H100-SXM, board_power_w: 700}
providers:
  - name: aws
sites:
  - {name: aws-us-east-1, provider: aws, region: us-east-1, jurisdiction: US}
  - {name: aws-moon-1, provider: aws, region: moon-1, jurisdiction: US}
markets:
  - from_catalog: )" + shared_file(kExcerpt) + R"(
    provider: aws
    date: 2026-05-20
    on_demand_gpus: 16
workload:
  fixed:
    - {name: one, submit: 1h, gpus: 8, duration: 1h, kind: research}
)");
  const auto validate = run_gpufleet("validate " + (dir / "s.yaml").string());
  ASSERT_EQ(validate.status, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("1 markets"));
  EXPECT_THAT(validate.out, HasSubstr("markets from catalogue " + shared_file(kExcerpt) + " (aws, dated 2026-05-20): 1 added"));
  EXPECT_THAT(validate.out, HasSubstr("no price for the sites aws-moon-1"));
  EXPECT_THAT(validate.out, HasSubstr("83 rows read"));
  EXPECT_THAT(validate.out, HasSubstr("3 without a price"));

  const auto sim = run_gpufleet("simulate --quiet --no-faults --out " + (dir / "out").string() + " " + (dir / "s.yaml").string());
  ASSERT_EQ(sim.status, 0) << sim.err;
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  // One 8-GPU hour on p5.48xlarge's on-demand price in us-east-1 (98.32 per instance-hour, 8 GPUs).
  EXPECT_DOUBLE_EQ(summary["cost_usd"].get<double>(), 8 * (98.32 / 8));
  // The catalogue's provenance is recorded with the results.
  ASSERT_EQ(summary["price_catalogues"].size(), 1u);
  EXPECT_EQ(summary["price_catalogues"][0]["path"], shared_file(kExcerpt));
  EXPECT_EQ(summary["price_catalogues"][0]["provider"], "aws");
  EXPECT_EQ(summary["price_catalogues"][0]["date"], "2026-05-20");
  EXPECT_EQ(summary["price_catalogues"][0]["date_from_file"], false);
  EXPECT_EQ(summary["price_catalogues"][0]["markets_added"], 1);
  fs::remove_all(dir);
}

TEST(CatalogCommand, PlanRecordsTheCatalogueAndItsEmittedScenarioStillFindsIt) {
  const fs::path dir = fresh_dir("catalog-plan");
  fs::create_directories(dir / "prices");
  write_text(dir / "prices" / "vms.csv",
             "InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region\n"
             "p5.48xlarge,H100,8,48.0,,us-east-1\n");
  std::string text = slurp(fs::path(GPUFLEET_SOURCE_DIR) / "tests/bad_input/base/plan.yaml");
  const std::string written = "  - {site: aws-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.0, on_demand_gpus: 4096}\n";
  const size_t at = text.find(written);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, written.size(),
               "  - {from_catalog: prices/vms.csv, provider: aws, date: 2026-05-20, on_demand_gpus: 4096}\n");
  write_text(dir / "s.yaml", text);
  const auto plan = run_gpufleet("plan --quiet --out " + (dir / "out").string() + " --emit-scenario " +
                                 (dir / "out" / "planned.yaml").string() + " " + (dir / "s.yaml").string());
  ASSERT_EQ(plan.status, 0) << plan.err;
  const auto j = nlohmann::json::parse(slurp(dir / "out" / "plan.json"));
  ASSERT_EQ(j["price_catalogues"].size(), 1u);
  EXPECT_EQ(j["price_catalogues"][0]["path"], (dir / "prices" / "vms.csv").string());
  EXPECT_EQ(j["price_catalogues"][0]["date"], "2026-05-20");
  // The emitted scenario names the catalogue by its absolute path: it validates from elsewhere.
  fs::create_directories(dir / "elsewhere");
  fs::copy_file(dir / "out" / "planned.yaml", dir / "elsewhere" / "planned.yaml");
  const auto validate = run_gpufleet("validate " + (dir / "elsewhere" / "planned.yaml").string());
  ASSERT_EQ(validate.status, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("markets from catalogue " + (dir / "prices" / "vms.csv").string() +
                                      " (aws, dated 2026-05-20): 1 added"));
  fs::remove_all(dir);
}

TEST(CatalogCommand, ImportPrintsAMarketsListThatLoadsBackAsTheSamePrices) {
  const fs::path dir = fresh_dir("catalog-import");
  write_text(dir / "vms.csv",
             "Region,AvailabilityZone,InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice\n"
             "us-east-1,use1-az1,p5.48xlarge,H100,8.0,98.32,24.0\n"
             "us-east-1,use1-az2,p5.48xlarge,H100,8.0,98.32,21.0\n"
             "us-west-2,usw2-az1,p5.48xlarge,H100,8.0,96.0,\n"
             "us-west-2,usw2-az1,m5.large,,,0.096,0.04\n"
             "us-west-2,usw2-az1,trn1.32xlarge,Trainium,16,21.5,\n");
  const auto import = run_gpufleet("catalog import " + (dir / "vms.csv").string() +
                                   " --provider aws --on-demand-gpus 16 --spot-gpus 8 --date 2026-05-20");
  ASSERT_EQ(import.status, 0) << import.err;
  EXPECT_THAT(import.out, HasSubstr("(dated 2026-05-20)"));
  EXPECT_THAT(import.out, HasSubstr("1 of accelerators not in the map (Trainium 1)"));
  EXPECT_THAT(import.out, HasSubstr("  - site: aws-us-east-1\n    accelerator: H100-SXM\n"
                                    "    on_demand_usd_per_gpu_hour: 12.29   # p5.48xlarge (H100), 2 zones\n"
                                    "    on_demand_gpus: 16\n"
                                    "    spot_usd_per_gpu_hour: 2.625   # p5.48xlarge\n    spot_gpus: 8\n"));
  EXPECT_THAT(import.out, HasSubstr("  - site: aws-us-west-2\n    accelerator: H100-SXM\n"
                                    "    on_demand_usd_per_gpu_hour: 12   # p5.48xlarge (H100), 1 zone\n"
                                    "    on_demand_gpus: 16\n"));

  // Pasted under a scenario with those two sites, the list is valid and offers what it says.
  write_text(dir / "s.yaml", R"(name: pasted
start: 2026-01-01
horizon: 2d
accelerators:
  - {name: H100-SXM, board_power_w: 700}
providers:
  - name: aws
sites:
  - {name: aws-us-east-1, provider: aws, region: us-east-1, jurisdiction: US}
  - {name: aws-us-west-2, provider: aws, region: us-west-2, jurisdiction: US}
workload:
  fixed:
    - {name: one, submit: 1h, gpus: 8, duration: 1h, kind: research}
)" + import.out);
  const auto validate = run_gpufleet("validate " + (dir / "s.yaml").string());
  ASSERT_EQ(validate.status, 0) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("2 markets"));
  EXPECT_THAT(validate.out, HasSubstr("aws: peak contracted GPUs 0, on-demand up to 32, spot up to 8"));
  // The placement takes the cheapest: us-west-2's 12.00 per GPU-hour.
  const auto sim = run_gpufleet("simulate --quiet --no-faults --out " + (dir / "out").string() + " " + (dir / "s.yaml").string());
  ASSERT_EQ(sim.status, 0) << sim.err;
  const auto summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_DOUBLE_EQ(summary["cost_usd"].get<double>(), 8 * 12.0);
  fs::remove_all(dir);
}

TEST(CatalogCommand, ImportOfTheSharedAwsExcerpt) {
  if (!shared_file_exists(kExcerpt)) GTEST_SKIP() << "../shared/data/" << kExcerpt << " is absent";
  const auto import = run_gpufleet("catalog import " + shared_file(kExcerpt) + " --provider aws");
  ASSERT_EQ(import.status, 0) << import.err;
  EXPECT_THAT(import.out, HasSubstr("  - site: aws-us-east-1\n    accelerator: H100-SXM\n"
                                    "    on_demand_usd_per_gpu_hour: 12.29   # p5.48xlarge (H100), 6 zones\n"
                                    "    on_demand_gpus: 0\n"
                                    "    spot_usd_per_gpu_hour: 2.624175   # p5.48xlarge\n"));
  EXPECT_THAT(import.out, HasSubstr("# 83 rows;"));
}

}  // namespace
}  // namespace gpufleet::testing
