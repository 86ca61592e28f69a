// Markets from a price catalogue (`markets: - from_catalog:`): one per site whose region the
// catalogue prices, written entries winning, the GPU counts from the entry, the provenance
// recorded; and every misuse rejected where it is written.
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpufleet/scenario.h"

namespace gpufleet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A folder holding one scenario and its catalogue, removed at the end of the test.
class CatalogScenario {
 public:
  CatalogScenario() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("gpufleet_catalog_") + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~CatalogScenario() { std::filesystem::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Loads the scenario `markets` (the markets: section's items) over the two-provider base.
  Result<Scenario> load(const std::string& markets) const {
    write("scenario.yaml", kBase + "markets:\n" + markets);
    return load_scenario_file(path("scenario.yaml"));
  }

  static inline const std::string kBase = R"(name: catalogue
start: 2026-01-01
horizon: 30d
accelerators:
  - {name: H100-SXM, board_power_w: 700}
  - {name: A100-80GB, board_power_w: 400}
providers:
  - name: aws
  - name: gcp
sites:
  - {name: aws-east, provider: aws, region: us-east-1, jurisdiction: US}
  - {name: aws-west, provider: aws, region: us-west-2, jurisdiction: US}
  - {name: aws-moon, provider: aws, region: moon-1, jurisdiction: US}
  - {name: gcp-central, provider: gcp, region: us-east-1, jurisdiction: US}
)";

 private:
  std::filesystem::path dir_;
};

const std::string kAws =
    "InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region,AvailabilityZone\n"
    "p5.48xlarge,H100,8,98.32,24.0,us-east-1,use1-az1\n"
    "p5.48xlarge,H100,8,98.32,20.0,us-east-1,use1-az2\n"
    "p4de.24xlarge,A100-80GB,8,40.96,,us-east-1,use1-az1\n"
    "p5.48xlarge,H100,8,96.0,,us-west-2,usw2-az1\n"
    "p3.2xlarge,V100,1,3.06,0.9,us-west-2,usw2-az1\n";

const Market* market(const Scenario& s, const std::string& site, const std::string& accelerator) {
  for (const auto& m : s.markets)
    if (s.sites[static_cast<size_t>(m.site)].name == site &&
        s.accelerators[static_cast<size_t>(m.accelerator)].name == accelerator)
      return &m;
  return nullptr;
}

TEST(CatalogMarkets, OneMarketPerPricedSiteAndAcceleratorOfTheProvider) {
  CatalogScenario f;
  f.write("aws.csv", kAws);
  auto s = f.load("  - {from_catalog: aws.csv, provider: aws, date: 2026-05-20, on_demand_gpus: 64, spot_gpus: 32,\n"
                  "     spot_preemptions_per_node_hour: 0.0002}\n");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  ASSERT_EQ(s->markets.size(), 3u);  // aws-east H100 and A100-80GB, aws-west H100; not gcp's us-east-1
  const Market* east = market(*s, "aws-east", "H100-SXM");
  ASSERT_NE(east, nullptr);
  EXPECT_DOUBLE_EQ(east->on_demand_usd_per_gpu_hour, 98.32 / 8);
  EXPECT_EQ(east->on_demand_gpus, 64);
  EXPECT_DOUBLE_EQ(east->spot_usd_per_gpu_hour, 20.0 / 8);  // the cheaper zone
  EXPECT_EQ(east->spot_gpus, 32);
  EXPECT_DOUBLE_EQ(east->spot_preemptions_per_node_hour, 0.0002);
  const Market* a100 = market(*s, "aws-east", "A100-80GB");
  ASSERT_NE(a100, nullptr);
  EXPECT_DOUBLE_EQ(a100->on_demand_usd_per_gpu_hour, 5.12);
  EXPECT_EQ(a100->spot_gpus, 0);  // no spot price in the region: no spot market
  const Market* west = market(*s, "aws-west", "H100-SXM");
  ASSERT_NE(west, nullptr);
  EXPECT_DOUBLE_EQ(west->on_demand_usd_per_gpu_hour, 12.0);
  EXPECT_EQ(west->spot_gpus, 0);

  ASSERT_EQ(s->catalogs.size(), 1u);
  const CatalogSource& c = s->catalogs[0];
  EXPECT_EQ(c.path, f.path("aws.csv"));
  EXPECT_EQ(c.provider, "aws");
  EXPECT_EQ(c.date, "2026-05-20");
  EXPECT_FALSE(c.date_from_file);
  EXPECT_EQ(c.markets_added, 3);
  EXPECT_EQ(c.spot_unpriced, 2);
  EXPECT_THAT(c.sites_without_price, ElementsAre("aws-moon"));
  EXPECT_EQ(c.rows, 5);
  EXPECT_EQ(c.rows_unknown_accelerator, 0);  // V100 is in the map; the scenario has no V100
}

TEST(CatalogMarkets, WrittenEntriesWinWhereverTheyAreInTheList) {
  CatalogScenario f;
  f.write("aws.csv", kAws);
  auto s = f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 64}\n"
                  "  - {site: aws-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 6.88, on_demand_gpus: 8}\n");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  const Market* east = market(*s, "aws-east", "H100-SXM");
  ASSERT_NE(east, nullptr);
  EXPECT_DOUBLE_EQ(east->on_demand_usd_per_gpu_hour, 6.88);
  EXPECT_EQ(east->on_demand_gpus, 8);
  EXPECT_EQ(s->markets.size(), 3u);
  EXPECT_EQ(s->catalogs[0].markets_added, 2);
  EXPECT_EQ(s->catalogs[0].markets_written, 1);
  // No date given: the file's modification date, as YYYY-MM-DD.
  EXPECT_TRUE(s->catalogs[0].date_from_file);
  EXPECT_EQ(s->catalogs[0].date.size(), 10u);
}

TEST(CatalogMarkets, AcceleratorsFilterAndAcceleratorMapApply) {
  CatalogScenario f;
  f.write("aws.csv", kAws);
  auto only = f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8, accelerators: [A100-80GB]}\n");
  ASSERT_TRUE(only.has_value()) << only.error().to_string();
  ASSERT_EQ(only->markets.size(), 1u);
  EXPECT_NE(market(*only, "aws-east", "A100-80GB"), nullptr);

  // H100 dropped, V100 taken as the A100-80GB (a user's choice): aws-west gets 3.06 per GPU.
  auto mapped = f.load("  - from_catalog: aws.csv\n    provider: aws\n    on_demand_gpus: 8\n"
                       "    accelerator_map: {H100: null, V100: A100-80GB}\n");
  ASSERT_TRUE(mapped.has_value()) << mapped.error().to_string();
  ASSERT_EQ(mapped->markets.size(), 2u);
  EXPECT_EQ(market(*mapped, "aws-east", "H100-SXM"), nullptr);
  ASSERT_NE(market(*mapped, "aws-west", "A100-80GB"), nullptr);
  EXPECT_DOUBLE_EQ(market(*mapped, "aws-west", "A100-80GB")->on_demand_usd_per_gpu_hour, 3.06);
  EXPECT_EQ(mapped->catalogs[0].rows_unknown_accelerator, 3);
  EXPECT_THAT(mapped->catalogs[0].unknown_accelerators, ElementsAre("H100"));
}

TEST(CatalogMarkets, InstanceTypesKeepOnlyThoseMachines) {
  CatalogScenario f;
  f.write("aws.csv", kAws + "p5e.48xlarge,H100,8,80.0,,us-east-1,use1-az1\n");
  auto all = f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8}\n");
  ASSERT_TRUE(all.has_value()) << all.error().to_string();
  EXPECT_DOUBLE_EQ(market(*all, "aws-east", "H100-SXM")->on_demand_usd_per_gpu_hour, 10.0);  // p5e's 80 / 8
  auto p5 = f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8, instance_types: [p5.]}\n");
  ASSERT_TRUE(p5.has_value()) << p5.error().to_string();
  EXPECT_DOUBLE_EQ(market(*p5, "aws-east", "H100-SXM")->on_demand_usd_per_gpu_hour, 98.32 / 8);
  EXPECT_EQ(market(*p5, "aws-east", "A100-80GB"), nullptr);  // p4de is another instance type
  EXPECT_EQ(p5->catalogs[0].rows_other_instance, 3);           // p4de, p3, p5e
}

TEST(CatalogMarkets, OnlySpotAskedWhereNoSpotIsPricedGivesNoMarket) {
  CatalogScenario f;
  f.write("aws.csv", kAws);
  auto s = f.load("  - {from_catalog: aws.csv, provider: aws, spot_gpus: 16}\n");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  ASSERT_EQ(s->markets.size(), 1u);  // only aws-east's H100 has a spot price
  EXPECT_EQ(s->markets[0].on_demand_gpus, 0);
  EXPECT_DOUBLE_EQ(s->markets[0].spot_usd_per_gpu_hour, 2.5);
}

// The error names the file, line, column and field, and says `message_part`.
void expect_error(const Result<Scenario>& s, const std::string& file, int line, int column, const std::string& field,
                  const std::string& message_part) {
  ASSERT_FALSE(s.has_value());
  const Error& e = s.error();
  EXPECT_EQ(e.file, file) << e.to_string();
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.column, column) << e.to_string();
  EXPECT_EQ(e.field, field) << e.to_string();
  EXPECT_THAT(e.message, HasSubstr(message_part)) << e.to_string();
}

TEST(CatalogMarketsErrors, ABadCatalogueRowIsReportedInTheCatalogue) {
  CatalogScenario f;
  f.write("aws.csv", kAws + "p5.48xlarge,H100,8,0,,us-east-1,use1-az3\n");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8}\n"), f.path("aws.csv"), 7, 20,
               "Price", "found '0'; expected the on-demand price");
  // With skip_bad_rows the row is counted instead.
  auto s = f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8, skip_bad_rows: true}\n");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->catalogs[0].rows_skipped, 1);
}

TEST(CatalogMarketsErrors, MisusesAreLocatedInTheScenario) {
  CatalogScenario f;
  f.write("aws.csv", kAws);
  const std::string scenario = f.path("scenario.yaml");
  const int line = 16;  // the first markets: item
  expect_error(f.load("  - {from_catalog: missing.csv, provider: aws, on_demand_gpus: 8}\n"), f.path("missing.csv"), 0,
               0, "", "");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: azure, on_demand_gpus: 8}\n"), scenario, line, 39,
               "markets[0].provider", "no provider named 'azure'; providers are: aws, gcp");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: aws}\n"), scenario, line, 5, "markets[0].on_demand_gpus",
               "a catalogue gives prices, not availability");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8, accelerator_map: {H100: B200}}\n"),
               scenario, line, 87, "markets[0].accelerator_map.H100", "no accelerator named 'B200'");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: gcp, on_demand_gpus: 8, accelerators: [A100-80GB],\n"
                      "     accelerator_map: {A100-80GB: null}}\n"),
               scenario, line, 20, "markets[0].from_catalog",
               "the catalogue prices none of the scenario's accelerators at a site of provider 'gcp'");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8, spot_gpu: 8}\n"), scenario, line,
               63, "markets[0].spot_gpu", "did you mean 'spot_gpus'?");
  expect_error(f.load("  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 8}\n"
                      "  - {from_catalog: aws.csv, provider: aws, on_demand_gpus: 4}\n"),
               scenario, line + 1, 5, "markets[1]", "a second catalogue market for site 'aws-east'");
}

}  // namespace
}  // namespace gpufleet
