// The SkyPilot catalogue reader: per-GPU prices, the zone minimum, empty prices, the name map,
// columns found by name, every malformed row located; and the shared catalogues, with facts
// read off the files by hand.
#include "io/catalog/skypilot_catalog.h"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gpufleet {
namespace {

using ::testing::HasSubstr;

Catalog read_ok(const std::string& text, const CatalogReadOptions& options = {}) {
  auto c = read_skypilot_catalog_text(text, "vms.csv", options);
  EXPECT_TRUE(c.has_value()) << c.error().to_string();
  return c ? *c : Catalog{};
}

Error read_error(const std::string& text, const CatalogReadOptions& options = {}) {
  auto c = read_skypilot_catalog_text(text, "vms.csv", options);
  EXPECT_FALSE(c.has_value());
  return c ? Error{} : c.error();
}

const std::string kHeader = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,Price,SpotPrice,Region,AvailabilityZone\n";

TEST(SkypilotCatalog, PerGpuPriceIsTheInstancePriceOverTheCount) {
  const Catalog c = read_ok(kHeader + "p5.48xlarge,H100,8.0,192,98.32,30.0,us-east-1,use1-az1\n");
  ASSERT_EQ(c.prices.size(), 1u);
  const CatalogPrice& p = c.prices[0];
  EXPECT_EQ(p.region, "us-east-1");
  EXPECT_EQ(p.accelerator, "H100-SXM");
  EXPECT_EQ(p.catalog_accelerator, "H100");
  EXPECT_DOUBLE_EQ(*p.on_demand_usd_per_gpu_hour, 98.32 / 8);
  EXPECT_DOUBLE_EQ(*p.spot_usd_per_gpu_hour, 30.0 / 8);
  EXPECT_EQ(p.on_demand_instance, "p5.48xlarge");
  EXPECT_EQ(p.rows, 1);
  EXPECT_EQ(p.zones, 1);
}

TEST(SkypilotCatalog, ZonesAndInstanceTypesGiveTheMinimumOfEachPriceOnItsOwn) {
  const Catalog c = read_ok(kHeader +
                            "big,H100,8,192,80.0,24.0,us-east-1,az1\n"
                            "big,H100,8,192,80.0,16.0,us-east-1,az2\n"
                            "small,H100,1,24,9.0,1.5,us-east-1,az2\n"   // cheaper on-demand, dearer spot per GPU
                            "big,H100,8,192,72.0,,us-west-2,az9\n");
  ASSERT_EQ(c.prices.size(), 2u);
  const CatalogPrice* east = c.find("us-east-1", "H100-SXM");
  ASSERT_NE(east, nullptr);
  EXPECT_DOUBLE_EQ(*east->on_demand_usd_per_gpu_hour, 9.0);  // min(10, 10, 9)
  EXPECT_EQ(east->on_demand_instance, "small");
  EXPECT_DOUBLE_EQ(*east->spot_usd_per_gpu_hour, 1.5);  // min(3, 2, 1.5)
  EXPECT_EQ(east->rows, 3);
  EXPECT_EQ(east->zones, 2);
  const CatalogPrice* west = c.find("us-west-2", "H100-SXM");
  ASSERT_NE(west, nullptr);
  EXPECT_DOUBLE_EQ(*west->on_demand_usd_per_gpu_hour, 9.0);
  EXPECT_FALSE(west->spot_usd_per_gpu_hour.has_value());  // empty SpotPrice: no spot there
}

TEST(SkypilotCatalog, EmptyPriceIsNoOnDemandAndBothEmptyIsCounted) {
  const Catalog c = read_ok(kHeader +
                            "p5e.48xlarge,H200,8,192,,14.4,us-east-2,az1\n"
                            "p5e.48xlarge,H200,8,192,,,eu-north-1,az1\n");
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_FALSE(c.prices[0].on_demand_usd_per_gpu_hour.has_value());
  EXPECT_DOUBLE_EQ(*c.prices[0].spot_usd_per_gpu_hour, 1.8);
  EXPECT_EQ(c.rows_without_price, 1);
  EXPECT_EQ(c.rows, 2);
}

TEST(SkypilotCatalog, NamesAreMappedAndUnknownOnesCountedAndSkipped) {
  const Catalog c = read_ok(kHeader +
                            "a,A100,8,96,32.0,,r1,z\n"
                            "b,A100-80GB,8,96,40.0,,r1,z\n"
                            "c,H100-MEGA,8,208,80.0,,r1,z\n"
                            "d,tpu-v5p-8,1,0,4.2,,r1,z\n"
                            "e,tpu-v5p-8,1,0,4.2,,r2,z\n"
                            "f,,,4,0.2,,r1,z\n");
  ASSERT_EQ(c.prices.size(), 2u);
  EXPECT_NE(c.find("r1", "A100-40GB"), nullptr);
  EXPECT_NE(c.find("r1", "A100-80GB"), nullptr);
  EXPECT_EQ(c.rows_unknown_accelerator, 3);
  ASSERT_EQ(c.unknown_accelerators.size(), 2u);
  EXPECT_EQ(c.unknown_accelerators.at("H100-MEGA"), 1);
  EXPECT_EQ(c.unknown_accelerators.at("tpu-v5p-8"), 2);
  EXPECT_EQ(c.rows_without_accelerator, 1);
}

TEST(SkypilotCatalog, OverridesAddRenameAndDropNames) {
  auto overrides = parse_catalog_accelerator_map("H100-MEGA=H100-SXM, A100=", "--accelerator-map");
  ASSERT_TRUE(overrides.has_value()) << overrides.error().to_string();
  CatalogReadOptions options;
  options.accelerator_map = catalog_map_with_overrides(*overrides);
  const Catalog c = read_ok(kHeader +
                            "a3-high,H100,8,208,88.0,,r1,z\n"
                            "a3-mega,H100-MEGA,8,208,80.0,,r1,z\n"
                            "a2,A100,8,96,32.0,,r1,z\n",
                            options);
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(*c.prices[0].on_demand_usd_per_gpu_hour, 10.0);  // the MEGA row, mapped onto H100-SXM
  EXPECT_EQ(c.prices[0].on_demand_instance, "a3-mega");
  EXPECT_EQ(c.prices[0].catalog_accelerator, "H100+H100-MEGA");
  EXPECT_EQ(c.unknown_accelerators.at("A100"), 1);  // dropped by the override

  EXPECT_THAT(parse_catalog_accelerator_map("H100", "--accelerator-map").error().message,
              HasSubstr("expected CATALOGUE_NAME=SCENARIO_NAME"));
  EXPECT_THAT(parse_catalog_accelerator_map("H100=a,H100=b", "--accelerator-map").error().message,
              HasSubstr("'H100' mapped twice"));
}

TEST(SkypilotCatalog, SharesOfAGpuAreCountedAndSkipped) {
  const Catalog c = read_ok(kHeader + "nv6ads,A10,0.167,6,0.45,,eastus,\nnv36,A10,1,36,3.2,,eastus,\n");
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(*c.prices[0].on_demand_usd_per_gpu_hour, 3.2);
  EXPECT_EQ(c.rows_fractional_gpus, 1);
  EXPECT_EQ(c.prices[0].zones, 0);  // an empty zone is not a zone
}

TEST(SkypilotCatalog, ColumnsAreFoundByNameInAnyOrder) {
  // GCP's order, without SpotPrice or AvailabilityZone columns at all (Lambda has no zones).
  const Catalog c = read_ok("Region,Price,InstanceType,vCPUs,AcceleratorCount,AcceleratorName\n"
                            "us-central1,33.6,,0,8,H100\n");
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(*c.prices[0].on_demand_usd_per_gpu_hour, 4.2);
  EXPECT_FALSE(c.prices[0].spot_usd_per_gpu_hour.has_value());
  EXPECT_FALSE(c.has_zones);
  EXPECT_EQ(c.prices[0].on_demand_instance, "");  // an attachable GPU (GCP)
}

TEST(SkypilotCatalog, ExtraTrailingFieldsAreCountedAndIgnored) {
  // Azure's catalogue writes Generation "V1,V2" unquoted: one field more than the header.
  const Catalog c = read_ok("InstanceType,AcceleratorName,AcceleratorCount,Price,SpotPrice,Region,Generation\n"
                            "ND96isr_H100_v5,H100,8,98.32,18.0,eastus,V1,V2\n");
  EXPECT_EQ(c.rows_extra_fields, 1);
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(*c.prices[0].on_demand_usd_per_gpu_hour, 12.29);
}

// An error at line `line` of vms.csv, at column `column` (1-based characters), naming `field`.
void expect_error(const std::string& text, int line, int column, const std::string& field,
                  const std::string& message_part) {
  const Error e = read_error(text);
  EXPECT_EQ(e.file, "vms.csv");
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.column, column) << e.to_string();
  EXPECT_EQ(e.field, field) << e.to_string();
  EXPECT_THAT(e.message, HasSubstr(message_part)) << e.to_string();
}

TEST(SkypilotCatalogErrors, MissingColumnsAreNamedWithTheHeaderFound) {
  expect_error("InstanceType,AcceleratorName,Price,Region\np5,H100,98,us-east-1\n", 1, 0, "AcceleratorCount",
               "missing column 'AcceleratorCount'; the header has: 'InstanceType', 'AcceleratorName'");
  expect_error("InstanceType,AcceleratorName,AcceleratorCount,Region\np5,H100,8,us-east-1\n", 1, 0, "Price",
               "a SkyPilot catalogue has the columns");
  expect_error("", 0, 0, "", "empty file: expected a header with the columns InstanceType");
  expect_error(kHeader, 0, 0, "", "no rows after the header");
}

TEST(SkypilotCatalogErrors, BadPricesAreLocatedAtTheirField) {
  // Price is column 5: "p5,H100,8,192," is 14 characters, so it starts at character 15.
  expect_error(kHeader + "p5,H100,8,192,0,1.0,us-east-1,z\n", 2, 15, "Price",
               "found '0'; expected the on-demand price (or an empty field: none) in USD per instance-hour, a number > 0");
  expect_error(kHeader + "p5,H100,8,192,-3,1.0,us-east-1,z\n", 2, 15, "Price", "found '-3'; expected the on-demand price");
  expect_error(kHeader + "p5,H100,8,192,$98.32,1.0,us-east-1,z\n", 2, 15, "Price", "found '$98.32'");
  expect_error(kHeader + "p5,H100,8,192,98.32,free,us-east-1,z\n", 2, 21, "SpotPrice",
               "found 'free'; expected the spot price (or an empty field: no spot)");
  expect_error(kHeader + "p5,H100,8,192,98.32,0.0,us-east-1,z\n", 2, 21, "SpotPrice", "a number > 0");
}

TEST(SkypilotCatalogErrors, BadCountsRegionsAndShortRowsAreLocated) {
  expect_error(kHeader + "p5,H100,0,192,98.32,,us-east-1,z\n", 2, 9, "AcceleratorCount",
               "found '0'; expected the number of 'H100' accelerators of the instance, a number > 0");
  expect_error(kHeader + "p5,H100,eight,192,98.32,,us-east-1,z\n", 2, 9, "AcceleratorCount", "found 'eight'");
  expect_error(kHeader + "p5,H100,8,192,98.32,,,z\n", 2, 22, "Region", "expected the region's name");
  expect_error(kHeader + "p5,H100,8,192,98.32\n", 2, 20, "SpotPrice", "the row has 5 fields; expected 8 as in the header");
  expect_error(kHeader + "p5,\"H100,8\n", 2, 4, "", "unterminated quoted field");  // the scanner's error
}

TEST(SkypilotCatalogErrors, SkipBadRowsCountsThemAndKeepsTheFirst) {
  CatalogReadOptions options;
  options.skip_bad_rows = true;
  const Catalog c = read_ok(kHeader +
                            "p5,H100,8,192,0,,us-east-1,z\n"
                            "p5,H100,x,192,98.32,,us-east-1,z\n"
                            "p5,H100,8,192,98.32,,us-east-1,z\n",
                            options);
  EXPECT_EQ(c.rows_skipped, 2);
  EXPECT_THAT(c.first_skipped, HasSubstr("vms.csv:2:15: Price: found '0'"));
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(*c.prices[0].on_demand_usd_per_gpu_hour, 12.29);
}

// The shared catalogues (read-only data beside the repository; skipped when absent).
std::string shared(const std::string& name) { return std::string(GPUFLEET_SHARED_DATA) + "/skypilot_catalog/" + name; }

TEST(SkypilotCatalogShared, AwsExcerptH100InUsEast1IsP5PriceOverEight) {
  const std::string path = shared("aws/vms.gpu-p4d-p5en-excerpt.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto c = read_skypilot_catalog(path);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  // Lines 49-54 of the file: p5.48xlarge, H100, 8.0, Price 98.32 in each of us-east-1's six
  // zones (use1-az1 .. az6); spot 30.326, 27.6948, 20.9934, 29.3511, 25.8774, 25.3026.
  const CatalogPrice* h100 = c->find("us-east-1", "H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(*h100->on_demand_usd_per_gpu_hour, 98.32 / 8);
  EXPECT_DOUBLE_EQ(*h100->spot_usd_per_gpu_hour, 20.9934 / 8);
  EXPECT_EQ(h100->zones, 6);
  EXPECT_EQ(h100->on_demand_instance, "p5.48xlarge");
  // 83 rows; the three p5e.48xlarge rows with neither price (ap-southeast-2, eu-north-1,
  // eu-west-2) are counted; 29 (region, accelerator) pairs in 14 regions.
  EXPECT_EQ(c->rows, 83);
  EXPECT_EQ(c->rows_without_price, 3);
  EXPECT_EQ(c->prices.size(), 29u);
  // us-east-2's H200: p5e.48xlarge rows with spot only (Price empty; 16.3895, 14.4663) and
  // p5en.48xlarge rows at 84.8 on-demand: each price is the minimum of the rows that have it.
  const CatalogPrice* h200 = c->find("us-east-2", "H200");
  ASSERT_NE(h200, nullptr);
  EXPECT_DOUBLE_EQ(*h200->on_demand_usd_per_gpu_hour, 10.6);
  EXPECT_DOUBLE_EQ(*h200->spot_usd_per_gpu_hour, 1.8082875);
}

size_t region_count(const Catalog& c) {
  std::vector<std::string> regions;
  for (const auto& p : c.prices)
    if (std::find(regions.begin(), regions.end(), p.region) == regions.end()) regions.push_back(p.region);
  return regions.size();
}

TEST(SkypilotCatalogShared, AzureWholeFileLoads) {
  const std::string path = shared("anycloud-sh_catalog/azure/vms.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto c = read_skypilot_catalog(path);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  // Counted with Python's csv module over the file: 56,671 rows, 55,842 without an accelerator,
  // 108 of a share of a GPU (0.167, 0.333, 0.5), M60 (57) and MI25 (92) not in the map, 27,141
  // rows with Generation "V1,V2" unquoted; 213 pairs in 49 regions.
  EXPECT_EQ(c->rows, 56671);
  EXPECT_EQ(c->rows_without_accelerator, 55842);
  EXPECT_EQ(c->rows_fractional_gpus, 108);
  EXPECT_EQ(c->rows_unknown_accelerator, 149);
  EXPECT_EQ(c->rows_extra_fields, 27141);
  EXPECT_EQ(c->prices.size(), 213u);
  EXPECT_EQ(region_count(*c), 49u);
  // eastus "H100": NC40ads_H100_v5 (one H100 NVL) at 6.98 is below ND96isr_H100_v5's 98.32 / 8.
  const CatalogPrice* h100 = c->find("eastus", "H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(*h100->on_demand_usd_per_gpu_hour, 6.98);
  EXPECT_EQ(h100->on_demand_instance, "Standard_NC40ads_H100_v5");
}

TEST(SkypilotCatalogShared, AzureInstancePrefixesLeaveTheH100NvlOut) {
  const std::string path = shared("anycloud-sh_catalog/azure/vms.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  CatalogReadOptions options;
  options.instance_prefixes = {"Standard_ND"};
  auto c = read_skypilot_catalog(path, options);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  // eastus's Standard_ND96isr_H100_v5: 98.32 for 8 H100 SXM, spot 18.169536.
  const CatalogPrice* h100 = c->find("eastus", "H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(*h100->on_demand_usd_per_gpu_hour, 98.32 / 8);
  EXPECT_DOUBLE_EQ(*h100->spot_usd_per_gpu_hour, 18.169536 / 8);
  EXPECT_EQ(h100->on_demand_instance, "Standard_ND96isr_H100_v5");
  EXPECT_GT(c->rows_other_instance, 0);
  EXPECT_EQ(c->rows_other_instance + c->rows_unknown_accelerator + c->rows_fractional_gpus + c->rows_without_accelerator +
                [&] {
                  int64_t n = 0;
                  for (const auto& p : c->prices) n += p.rows;
                  return n;
                }(),
            c->rows);
}

TEST(SkypilotCatalogShared, GcpWholeFileLoads) {
  const std::string path = shared("anycloud-sh_catalog/gcp/vms.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto c = read_skypilot_catalog(path);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  // Python's csv module: 31,285 rows, 28,890 without an accelerator, 1,759 rows of 178 names not
  // in the map (TPUs, H100-MEGA, P100, P4); 99 pairs in 31 regions. us-central1 H100: attachable
  // GPUs (InstanceType empty) at 4.20076 per GPU, spot 4.0013, in three zones.
  EXPECT_EQ(c->rows, 31285);
  EXPECT_EQ(c->rows_without_accelerator, 28890);
  EXPECT_EQ(c->rows_unknown_accelerator, 1759);
  EXPECT_EQ(c->unknown_accelerators.size(), 178u);
  EXPECT_EQ(c->unknown_accelerators.at("H100-MEGA"), 24);
  EXPECT_EQ(c->prices.size(), 99u);
  EXPECT_EQ(region_count(*c), 31u);
  const CatalogPrice* h100 = c->find("us-central1", "H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(*h100->on_demand_usd_per_gpu_hour, 4.20076);
  EXPECT_DOUBLE_EQ(*h100->spot_usd_per_gpu_hour, 4.0013);
  EXPECT_EQ(h100->zones, 3);
  EXPECT_EQ(h100->on_demand_instance, "");
}

TEST(SkypilotCatalogShared, LambdaWholeFileLoads) {
  const std::string path = shared("anycloud-sh_catalog/lambda/vms.csv");
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  auto c = read_skypilot_catalog(path);
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  // 425 rows, 119 pairs in 17 regions, no spot anywhere (SpotPrice always empty on GPU rows).
  EXPECT_EQ(c->rows, 425);
  EXPECT_EQ(c->prices.size(), 119u);
  EXPECT_EQ(region_count(*c), 17u);
  for (const auto& p : c->prices) EXPECT_FALSE(p.spot_usd_per_gpu_hour.has_value()) << p.region << " " << p.accelerator;
}

}  // namespace
}  // namespace gpufleet
