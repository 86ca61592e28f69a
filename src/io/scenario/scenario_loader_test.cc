// The scenario loader: every field read as documented, and every rule rejected with its
// file, line, column, field and what was expected.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpufleet/scenario.h"
#include "io/scenario/scenario_loader.h"

namespace gpufleet {
namespace {

using ::testing::HasSubstr;

constexpr double kDay = 86400;

// 1-based line and column of the first occurrence of `needle` in `text`.
struct Pos {
  int line = 0, column = 0;
};
Pos pos_of(const std::string& text, const std::string& needle, size_t occurrence = 0) {
  size_t at = text.find(needle);
  for (size_t k = 0; k < occurrence && at != std::string::npos; ++k) at = text.find(needle, at + 1);
  EXPECT_NE(at, std::string::npos) << needle;
  Pos p{1, 1};
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// A small valid scenario the error tests edit.
const std::string kBase = R"(name: small
start: 2026-01-01
horizon: 365d
accelerators:
  - {name: H100-SXM, board_power_w: 700}
  - {name: GB200, board_power_w: 1200, speed_factor: 2.5}
providers:
  - name: aws
  - name: azure
sites:
  - name: aws-west
    provider: aws
    jurisdiction: US
    power_cap_mw: 10
    pue: 1.2
  - name: az-east
    provider: azure
    jurisdiction: EU
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

Error error_of(const std::string& text) {
  auto s = load_scenario_text(text, "test.yaml");
  EXPECT_FALSE(s.has_value()) << "expected an error for:\n" << text;
  return s ? Error{} : s.error();
}

// Asserts the error is located at `needle` in `text` and names `field`.
void expect_error_at(const std::string& text, const std::string& needle, const std::string& field,
                     const std::string& message_part, size_t occurrence = 0) {
  const Error e = error_of(text);
  const Pos p = pos_of(text, needle, occurrence);
  EXPECT_EQ(e.file, "test.yaml");
  EXPECT_EQ(e.line, p.line) << e.to_string();
  EXPECT_EQ(e.column, p.column) << e.to_string();
  EXPECT_EQ(e.field, field) << e.to_string();
  EXPECT_THAT(e.message, HasSubstr(message_part)) << e.to_string();
}

// A temporary folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("gpufleet_") + info->test_suite_name() + "_" + info->name() + "_" +
             std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// ---- every field -----------------------------------------------------------------------

const std::string kFull = R"(name: full
description: every field once
start: 2026-01-01
horizon: 730d
seed: 42
policy:
  queue: fifo-backfill
  placement: best-fit
  backfill_depth: 128
accelerators:
  - name: H100-SXM
    bf16_tflops: 989.4
    hbm_gib: 80
    board_power_w: 700
    speed_factor: 1.0
  - name: GB200
    bf16_tflops: 2500
    hbm_gib: 186
    board_power_w: 1200
    speed_factor: 2.5
providers:
  - name: aws
  - name: gcp
sites:
  - name: aws-us-west-2
    provider: aws
    region: us-west-2
    jurisdiction: US
    power_cap_mw: 300
    pue: 1.15
    gpus_per_node: 4
    carbon_g_per_kwh: 297.6
    electricity_usd_per_mwh: 75.2
  - name: gcp-us-central1
    provider: gcp
    region: us-central1
    jurisdiction: US
contracts:
  - name: aws-7yr
    provider: aws
    site: aws-us-west-2
    accelerator: GB200
    usd_per_gpu_hour: 5.40
    start: 2026-01-01
    end: 2033-01-01
    take_or_pay_share: 0.8
    ramp:
      - {at: 2026-01-01, gpus: 8192}
      - {at: 181d, gpus: 16384}
  - name: older
    site: gcp-us-central1
    accelerator: H100-SXM
    usd_per_gpu_hour: 4.5
    start: 2025-07-01
    term: 3y
    gpus: 4096
markets:
  - site: gcp-us-central1
    accelerator: H100-SXM
    on_demand_usd_per_gpu_hour: 11.06
    on_demand_gpus: 4096
    spot_usd_per_gpu_hour: 6.33
    spot_gpus: 2048
    spot_preemptions_per_node_hour: 0.0003
workload:
  max_jobs: 1000
  classes:
    - name: research
      kind: research
      tenant: lab
      priority: 1
      arrivals_per_hour: 120
      gpus: {1: 0.70, 2: 0.10, 8: 0.20}
      duration_median: 15m
      duration_sigma: 2.0
      duration_max: 30d
      accelerators: [H100-SXM, GB200]
      jurisdiction: US
      start: 2026-02-01
      end: 700d
  fixed:
    - name: pretrain
      kind: training
      tenant: pretraining
      priority: 2
      submit: 30d
      gpus: 16384
      duration: 60d
      accelerators: GB200
      jurisdiction: US
      count: 3
      every: 90d
plan:
  anything: [the planner, reads, this]
)";

TEST(ScenarioLoader, ReadsEveryField) {
  auto r = load_scenario_text(kFull, "full.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  const Scenario& s = *r;
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.description, "every field once");
  EXPECT_EQ(s.source_file, "full.yaml");
  EXPECT_EQ(s.start_unix_s, 1767225600);  // 2026-01-01T00:00:00Z
  EXPECT_DOUBLE_EQ(s.horizon_s, 730 * kDay);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.policy.queue, "fifo-backfill");
  EXPECT_EQ(s.policy.placement, "best-fit");
  EXPECT_EQ(s.policy.backfill_depth, 128);

  ASSERT_EQ(s.accelerators.size(), 2u);
  EXPECT_EQ(s.accelerators[0].name, "H100-SXM");
  EXPECT_DOUBLE_EQ(s.accelerators[0].bf16_tflops, 989.4);
  EXPECT_DOUBLE_EQ(s.accelerators[0].hbm_gib, 80);
  EXPECT_DOUBLE_EQ(s.accelerators[0].board_power_w, 700);
  EXPECT_DOUBLE_EQ(s.accelerators[0].speed_factor, 1.0);
  EXPECT_DOUBLE_EQ(s.accelerators[1].speed_factor, 2.5);
  EXPECT_DOUBLE_EQ(s.accelerators[1].hbm_gib, 186);

  ASSERT_EQ(s.providers.size(), 2u);
  EXPECT_EQ(s.providers[1].name, "gcp");

  ASSERT_EQ(s.sites.size(), 2u);
  const Site& w = s.sites[0];
  EXPECT_EQ(w.name, "aws-us-west-2");
  EXPECT_EQ(w.provider, 0);
  EXPECT_EQ(w.region, "us-west-2");
  EXPECT_EQ(w.jurisdiction, "US");
  EXPECT_DOUBLE_EQ(w.power_cap_mw, 300);
  EXPECT_DOUBLE_EQ(w.pue, 1.15);
  EXPECT_EQ(w.gpus_per_node, 4);
  EXPECT_DOUBLE_EQ(w.carbon_g_per_kwh, 297.6);
  EXPECT_DOUBLE_EQ(w.carbon_at_hour(5), 297.6);
  EXPECT_TRUE(w.carbon_hourly.empty());
  EXPECT_DOUBLE_EQ(w.electricity_usd_per_mwh, 75.2);
  EXPECT_EQ(s.sites[1].provider, 1);
  EXPECT_DOUBLE_EQ(s.sites[1].pue, 1.0);        // default
  EXPECT_EQ(s.sites[1].gpus_per_node, 8);        // default
  EXPECT_DOUBLE_EQ(s.sites[1].power_cap_mw, 0);  // unlimited

  ASSERT_EQ(s.contracts.size(), 2u);
  const Contract& c = s.contracts[0];
  EXPECT_EQ(c.name, "aws-7yr");
  EXPECT_EQ(c.provider, 0);
  EXPECT_EQ(c.site, 0);
  EXPECT_EQ(c.accelerator, 1);
  EXPECT_DOUBLE_EQ(c.usd_per_gpu_hour, 5.40);
  EXPECT_DOUBLE_EQ(c.start_s, 0);
  EXPECT_DOUBLE_EQ(c.end_s, (7 * 365 + 2) * kDay);  // 2028 and 2032 are leap years
  EXPECT_DOUBLE_EQ(c.take_or_pay_share, 0.8);
  ASSERT_EQ(c.ramp.size(), 2u);
  EXPECT_DOUBLE_EQ(c.ramp[0].at_s, 0);
  EXPECT_EQ(c.ramp[0].gpus, 8192);
  EXPECT_DOUBLE_EQ(c.ramp[1].at_s, 181 * kDay);  // a duration from the start
  EXPECT_EQ(c.ramp[1].gpus, 16384);
  EXPECT_EQ(c.gpus_at(180 * kDay), 8192);
  EXPECT_EQ(c.gpus_at(181 * kDay), 16384);
  const Contract& o = s.contracts[1];
  EXPECT_EQ(o.provider, 1);  // from the site
  EXPECT_DOUBLE_EQ(o.start_s, -184 * kDay);  // 2025-07-01 is before the start
  EXPECT_DOUBLE_EQ(o.end_s, o.start_s + 3 * 365 * kDay);
  EXPECT_DOUBLE_EQ(o.take_or_pay_share, 1.0);
  ASSERT_EQ(o.ramp.size(), 1u);  // a flat contract is one step at its start
  EXPECT_DOUBLE_EQ(o.ramp[0].at_s, o.start_s);
  EXPECT_EQ(o.gpus_at(0), 4096);

  ASSERT_EQ(s.markets.size(), 1u);
  const Market& m = s.markets[0];
  EXPECT_EQ(m.site, 1);
  EXPECT_EQ(m.accelerator, 0);
  EXPECT_DOUBLE_EQ(m.on_demand_usd_per_gpu_hour, 11.06);
  EXPECT_EQ(m.on_demand_gpus, 4096);
  EXPECT_DOUBLE_EQ(m.spot_usd_per_gpu_hour, 6.33);
  EXPECT_EQ(m.spot_gpus, 2048);
  EXPECT_DOUBLE_EQ(m.spot_preemptions_per_node_hour, 0.0003);

  EXPECT_DOUBLE_EQ(s.workload.max_jobs, 1000);
  ASSERT_EQ(s.workload.classes.size(), 1u);
  const JobClass& k = s.workload.classes[0];
  EXPECT_EQ(k.name, "research");
  EXPECT_EQ(k.kind, JobKind::research);
  EXPECT_EQ(k.tenant, "lab");
  EXPECT_EQ(k.priority, 1);
  EXPECT_DOUBLE_EQ(k.arrivals_per_hour, 120);
  EXPECT_EQ(k.gpus, (std::vector<int>{1, 2, 8}));
  EXPECT_EQ(k.gpus_weight, (std::vector<double>{0.70, 0.10, 0.20}));
  EXPECT_DOUBLE_EQ(k.duration_median_s, 900);
  EXPECT_DOUBLE_EQ(k.duration_sigma, 2.0);
  EXPECT_DOUBLE_EQ(k.duration_max_s, 30 * kDay);
  EXPECT_EQ(k.accelerators, (std::vector<std::string>{"H100-SXM", "GB200"}));
  EXPECT_EQ(k.jurisdiction, "US");
  EXPECT_DOUBLE_EQ(k.start_s, 31 * kDay);
  ASSERT_TRUE(k.end_s.has_value());
  EXPECT_DOUBLE_EQ(*k.end_s, 700 * kDay);

  ASSERT_EQ(s.workload.fixed.size(), 1u);
  const FixedJob& f = s.workload.fixed[0];
  EXPECT_EQ(f.name, "pretrain");
  EXPECT_EQ(f.kind, JobKind::training);
  EXPECT_EQ(f.tenant, "pretraining");
  EXPECT_EQ(f.priority, 2);
  EXPECT_DOUBLE_EQ(f.submit_s, 30 * kDay);
  EXPECT_EQ(f.gpus, 16384);
  EXPECT_DOUBLE_EQ(f.duration_s, 60 * kDay);
  EXPECT_EQ(f.accelerators, (std::vector<std::string>{"GB200"}));
  EXPECT_EQ(f.jurisdiction, "US");
  EXPECT_EQ(f.count, 3);
  EXPECT_DOUBLE_EQ(f.every_s, 90 * kDay);
}

TEST(ScenarioLoader, DefaultsForOptionalFields) {
  auto r = load_scenario_text(kBase, "test.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->seed, 1u);
  EXPECT_EQ(r->policy.queue, "fifo");
  EXPECT_EQ(r->policy.placement, "cost");
  EXPECT_EQ(r->policy.backfill_depth, 256);
  EXPECT_DOUBLE_EQ(r->accelerators[0].speed_factor, 1.0);
  EXPECT_TRUE(r->contracts.empty());
  EXPECT_TRUE(r->markets.empty());
  EXPECT_TRUE(r->workload.classes.empty());
}

TEST(ScenarioLoader, EndInsteadOfHorizon) {
  auto r = load_scenario_text(replaced(kBase, "horizon: 365d", "end: 2027-01-01"), "test.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_DOUBLE_EQ(r->horizon_s, 365 * kDay);
}

TEST(ScenarioLoader, PlanSectionIsLeftToThePlanner) {
  auto r = load_scenario_text(kBase + "plan: {periods: quarter, whatever: [1, 2]}\n", "test.yaml");
  EXPECT_TRUE(r.has_value()) << r.error().to_string();
}

TEST(ScenarioLoader, PolicyNamesComeFromOneList) {
  EXPECT_THAT(known_queue_policies(), ::testing::ElementsAre("fifo", "sjf", "fifo-backfill", "srtf", "las"));
  EXPECT_THAT(known_placement_policies(), ::testing::ElementsAre("cost", "best-fit", "carbon", "count"));
  for (auto q : known_queue_policies()) {
    auto r = load_scenario_text(kBase + "policy: {queue: " + std::string(q) + "}\n", "test.yaml");
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->policy.queue, q);
  }
}

// ---- errors: keys, types, notations ----------------------------------------------------

TEST(ScenarioErrors, MisspelledKeyNamesTheNearestOne) {
  const std::string text = replaced(kBase, "pue: 1.2", "peu: 1.2");
  expect_error_at(text, "peu", "sites[0].peu", "did you mean 'pue'?");
}

TEST(ScenarioErrors, UnknownTopLevelKey) {
  const std::string text = replaced(kBase, "accelerators:", "acelerators:");
  expect_error_at(text, "acelerators", "acelerators", "did you mean 'accelerators'?");
}

TEST(ScenarioErrors, KeyGivenTwice) {
  const std::string text = replaced(kBase, "pue: 1.2", "pue: 1.2\n    pue: 1.3");
  expect_error_at(text, "pue", "sites[0].pue", "given twice", 1);
}

TEST(ScenarioErrors, BadDate) {
  const std::string text = replaced(kBase, "start: 2026-01-01", "start: 2026-13-01");
  expect_error_at(text, "2026-13-01", "start", "expected an ISO date");
}

TEST(ScenarioErrors, BadDuration) {
  const std::string text = replaced(kBase, "horizon: 365d", "horizon: 365 days");
  expect_error_at(text, "365 days", "horizon", "expected a duration");
}

TEST(ScenarioErrors, AbsurdDurationIsRejected) {
  const std::string text = replaced(kBase, "horizon: 365d", "horizon: 1e300y");
  expect_error_at(text, "1e300y", "horizon", "at most 10000y");
}

TEST(ScenarioErrors, BadTime) {
  const std::string text = kBase + R"(contracts:
  - {name: c, site: aws-west, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: soon, term: 1y, gpus: 8}
)";
  expect_error_at(text, "soon", "contracts[0].start", "expected a time: an ISO date");
}

TEST(ScenarioErrors, WrongType) {
  const std::string text = replaced(kBase, "power_cap_mw: 10", "power_cap_mw: [1, 2]");
  expect_error_at(text, "[1, 2]", "sites[0].power_cap_mw", "expected a number, found a list");
  const std::string text2 = replaced(kBase, "power_cap_mw: 10", "power_cap_mw: ten");
  expect_error_at(text2, "ten", "sites[0].power_cap_mw", "expected a number, found 'ten'");
  const std::string text3 = replaced(kBase, "providers:\n  - name: aws\n  - name: azure",
                                     "providers: {name: aws}");
  expect_error_at(text3, "{name: aws}", "providers", "expected a list, found a map");
}

TEST(ScenarioErrors, MissingRequired) {
  const std::string text = replaced(kBase, "name: small\n", "");
  const Error e = error_of(text);
  EXPECT_EQ(e.field, "name");
  EXPECT_THAT(e.message, HasSubstr("missing required field 'name'"));
  EXPECT_EQ(e.line, 1);
}

TEST(ScenarioErrors, HorizonXorEnd) {
  const std::string both = replaced(kBase, "horizon: 365d", "horizon: 365d\nend: 2027-01-01");
  expect_error_at(both, "2027-01-01", "end", "not both");
  const Error neither = error_of(replaced(kBase, "horizon: 365d\n", ""));
  EXPECT_EQ(neither.field, "horizon");
  EXPECT_THAT(neither.message, HasSubstr("missing 'horizon'"));
  const std::string early = replaced(kBase, "horizon: 365d", "end: 2025-06-01");
  expect_error_at(early, "2025-06-01", "end", "after the start");
}

TEST(ScenarioErrors, NotYamlOrEmpty) {
  const Error e = error_of("name: [unclosed\nstart: 2026-01-01\n");
  EXPECT_EQ(e.file, "test.yaml");
  EXPECT_GT(e.line, 0);
  EXPECT_THAT(e.message, HasSubstr("not valid YAML"));
  EXPECT_THAT(error_of("").message, HasSubstr("empty"));
  EXPECT_THAT(error_of("just text").message, HasSubstr("expected a map"));
}

TEST(ScenarioErrors, DeepNestingIsRejectedBeforeParsing) {
  const std::string deep = "name: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  const Error e = error_of(deep);
  EXPECT_THAT(e.message, HasSubstr("nested deeper"));
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 7 + YamlField::kMaxFlowDepth);
  // Brackets inside quotes and comments do not count.
  auto ok = load_scenario_text(replaced(kBase, "name: small", "name: \"" + std::string(200, '[') +
                                                                  "\" # " + std::string(200, '{')),
                               "test.yaml");
  EXPECT_TRUE(ok.has_value()) << ok.error().to_string();
}

TEST(ScenarioErrors, DeepBlockNestingDoesNotCrash) {
  std::string deep = "name: ";
  for (int i = 0; i < 5000; ++i) deep += "- ";
  deep += "x\n";
  EXPECT_FALSE(load_scenario_text(deep, "test.yaml").has_value());
}

TEST(ScenarioErrors, UnknownPolicy) {
  const std::string text = kBase + "policy: {queue: lifo}\n";
  expect_error_at(text, "lifo", "policy.queue", "expected one of: fifo, sjf, fifo-backfill");
  const std::string text2 = kBase + "policy: {placement: random}\n";
  expect_error_at(text2, "random", "policy.placement", "expected one of: cost, best-fit");
}

// ---- errors: references and names -------------------------------------------------------

TEST(ScenarioErrors, DanglingSiteInContractNamesWhatExists) {
  const std::string text = kBase + R"(contracts:
  - {name: c, site: aws-east, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: 0d, term: 1y, gpus: 8}
)";
  expect_error_at(text, "aws-east", "contracts[0].site",
                  "no site named 'aws-east'; sites are: aws-west, az-east");
}

TEST(ScenarioErrors, DanglingProviderInSite) {
  const std::string text = replaced(kBase, "provider: azure", "provider: gcp");
  expect_error_at(text, "gcp", "sites[1].provider", "no provider named 'gcp'; providers are: aws, azure");
}

TEST(ScenarioErrors, DanglingAcceleratorInMarket) {
  const std::string text = kBase + R"(markets:
  - {site: aws-west, accelerator: B200, on_demand_gpus: 8, on_demand_usd_per_gpu_hour: 14}
)";
  expect_error_at(text, "B200, on_demand", "markets[0].accelerator",
                  "no accelerator named 'B200'; accelerators are: H100-SXM, GB200");
}

TEST(ScenarioErrors, DanglingAcceleratorInJobClass) {
  const std::string text = kBase + R"(workload:
  classes:
    - name: r
      arrivals_per_hour: 1
      gpus: 8
      accelerators: [H100-SXM, H200]
)";
  expect_error_at(text, "H200", "workload.classes[0].accelerators[1]",
                  "no accelerator named 'H200'; accelerators are: H100-SXM, GB200");
  const std::string fixed = kBase + R"(workload:
  fixed:
    - {name: big, gpus: 8, duration: 1d, accelerators: TPU}
)";
  expect_error_at(fixed, "TPU", "workload.fixed[0].accelerators", "no accelerator named 'TPU'");
}

TEST(ScenarioErrors, UnknownJurisdiction) {
  const std::string text = kBase + R"(workload:
  fixed:
    - {name: big, gpus: 8, duration: 1d, jurisdiction: SG}
)";
  expect_error_at(text, "SG", "workload.fixed[0].jurisdiction",
                  "no site is in jurisdiction 'SG'; the sites' jurisdictions are: US, EU");
}

TEST(ScenarioErrors, DuplicateNames) {
  expect_error_at(replaced(kBase, "name: GB200", "name: H100-SXM"), "H100-SXM", "accelerators[1].name",
                  "duplicate accelerator name 'H100-SXM' (also accelerators[0])", 1);
  expect_error_at(replaced(kBase, "name: azure", "name: aws"), "aws", "providers[1].name",
                  "duplicate provider name 'aws'", 1);
  expect_error_at(replaced(kBase, "name: az-east", "name: aws-west"), "aws-west", "sites[1].name",
                  "duplicate site name 'aws-west'", 1);
  const std::string contracts = kBase + R"(contracts:
  - {name: c, site: aws-west, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: 0d, term: 1y, gpus: 8}
  - {name: c, site: az-east, accelerator: H100-SXM, usd_per_gpu_hour: 2, start: 0d, term: 1y, gpus: 8}
)";
  expect_error_at(contracts, "c, site: az-east", "contracts[1].name", "duplicate contract name 'c'");
  const std::string markets = kBase + R"(markets:
  - {site: aws-west, accelerator: GB200}
  - {site: aws-west, accelerator: GB200}
)";
  expect_error_at(markets, "{site: aws-west", "markets[1]", "a second market for site 'aws-west'", 1);
}

// ---- errors: contracts ------------------------------------------------------------------

const std::string kContractHead = kBase + R"(contracts:
  - name: c
    site: aws-west
    accelerator: H100-SXM
    usd_per_gpu_hour: 2
    start: 2026-01-01
)";

TEST(ScenarioErrors, RampTimesMustNotDecrease) {
  const std::string text = kContractHead + R"(    end: 2027-01-01
    ramp:
      - {at: 2026-06-01, gpus: 8}
      - {at: 2026-03-01, gpus: 16}
)";
  expect_error_at(text, "2026-03-01", "contracts[0].ramp[1].at",
                  "ramp times must not decrease: 2026-03-01 comes after 2026-06-01");
}

TEST(ScenarioErrors, RampGpusNonNegative) {
  const std::string text = kContractHead + R"(    end: 2027-01-01
    ramp:
      - {at: 0d, gpus: -8}
)";
  expect_error_at(text, "-8", "contracts[0].ramp[0].gpus", "expected a whole number >= 0");
}

TEST(ScenarioErrors, ContractEndAfterStart) {
  expect_error_at(kContractHead + "    end: 2025-12-01\n    gpus: 8\n", "2025-12-01", "contracts[0].end",
                  "expected an end after the contract's start (2026-01-01)");
  expect_error_at(kContractHead + "    end: 2027-01-01\n    term: 1y\n    gpus: 8\n", "1y",
                  "contracts[0].term", "not both");
  const Error e = error_of(kContractHead + "    gpus: 8\n");
  EXPECT_EQ(e.field, "contracts[0].end");
  EXPECT_THAT(e.message, HasSubstr("missing 'end'"));
}

TEST(ScenarioErrors, ContractProviderMustMatchSite) {
  const std::string text = replaced(kContractHead, "    site: aws-west", "    provider: azure\n    site: aws-west") +
                           "    term: 1y\n    gpus: 8\n";
  expect_error_at(text, "azure\n    site", "contracts[0].provider",
                  "provider 'azure' differs from the provider of site 'aws-west', which is 'aws'");
}

TEST(ScenarioErrors, ContractAboveSitePowerCapGivesTheNumbers) {
  // 12,000 x 700 W x 1.2 = 10.08 MW > 10 MW; 11,000 GPUs (9.24 MW) would fit.
  const std::string text = kContractHead + R"(    term: 1y
    ramp:
      - {at: 0d, gpus: 11000}
      - {at: 90d, gpus: 12000}
)";
  expect_error_at(text, "12000", "contracts[0].ramp[1].gpus",
                  "12000 GPUs x 700 W (H100-SXM) x PUE 1.2 = 10.08 MW exceeds the power cap of site "
                  "'aws-west', 10 MW");
  // Steps that are not in force within [start, end) do not count.
  const std::string later = kContractHead + R"(    term: 80d
    ramp:
      - {at: 0d, gpus: 11000}
      - {at: 90d, gpus: 12000}
)";
  EXPECT_TRUE(load_scenario_text(later, "test.yaml").has_value());
  // An unlimited site (no cap) takes anything.
  const std::string unlimited = replaced(kContractHead, "site: aws-west", "site: az-east") + "    term: 1y\n    gpus: 1000000\n";
  EXPECT_TRUE(load_scenario_text(unlimited, "test.yaml").has_value());
}

TEST(ScenarioErrors, MarketWithGpusNeedsAPrice) {
  const std::string text = kBase + R"(markets:
  - {site: aws-west, accelerator: GB200, spot_gpus: 64}
)";
  const Error e = error_of(text);
  EXPECT_EQ(e.field, "markets[0].spot_usd_per_gpu_hour");
  EXPECT_THAT(e.message, HasSubstr("spot_gpus is 64"));
}

// ---- errors: value ranges ---------------------------------------------------------------

TEST(ScenarioErrors, ValueRanges) {
  expect_error_at(replaced(kBase, "speed_factor: 2.5", "speed_factor: 0.0"), "0.0", "accelerators[1].speed_factor",
                  "expected a speed factor > 0");
  expect_error_at(replaced(kBase, "pue: 1.2", "pue: 0.9"), "0.9", "sites[0].pue", "expected a number >= 1");
  expect_error_at(replaced(kBase, "power_cap_mw: 10", "power_cap_mw: -1"), "-1", "sites[0].power_cap_mw",
                  "expected a number >= 0");
  const std::string weights = kBase + R"(workload:
  classes:
    - {name: r, arrivals_per_hour: 1, gpus: {1: 0.5, 8: 0}}
)";
  expect_error_at(weights, "0}}", "workload.classes[0].gpus.8", "expected a weight > 0");
  const std::string sizes = kBase + R"(workload:
  classes:
    - {name: r, arrivals_per_hour: 1, gpus: {0: 1}}
)";
  expect_error_at(sizes, "1}}", "workload.classes[0].gpus.0", "as the key, found '0'");
  const std::string kind = kBase + R"(workload:
  fixed:
    - {name: j, gpus: 8, duration: 1d, kind: serving}
)";
  expect_error_at(kind, "serving", "workload.fixed[0].kind", "expected one of: training, research, inference");
}

TEST(ScenarioErrors, TooManyExpectedJobsWithoutACap) {
  const std::string text = kBase + R"(workload:
  classes:
    - {name: flood, arrivals_per_hour: 1000000, gpus: 1}
)";
  EXPECT_THAT(error_of(text).message, HasSubstr("set workload.max_jobs"));
  EXPECT_TRUE(load_scenario_text(replaced(text, "classes:", "max_jobs: 1000\n  classes:"), "test.yaml"));
}

// ---- files: carbon CSV, traces, load_scenario_file ----------------------------------------

std::string with_carbon(const std::string& path, const std::string& column) {
  return replaced(kBase, "    pue: 1.2\n",
                  "    pue: 1.2\n    carbon_hourly:\n      path: " + path + "\n      column: \"" + column + "\"\n");
}

TEST(ScenarioCarbon, ReadsTheNamedColumnRelativeToTheScenarioFolder) {
  TempDir dir;
  dir.write("carbon/zone.csv",
            "\xEF\xBB\xBF" "Datetime,\"Carbon, direct\",Other\r\n"
            "2024-01-01 00:00,316.4,1\r\n2024-01-01 01:00,\"300\",2\r\n2024-01-01 02:00,290.5,3\r\n");
  const std::string yaml = dir.write("s.yaml", with_carbon("carbon/zone.csv", "Carbon, direct"));
  auto r = load_scenario_file(yaml);
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  const Site& site = r->sites[0];
  EXPECT_EQ(site.carbon_hourly.values, (std::vector<double>{316.4, 300, 290.5}));
  EXPECT_EQ(site.carbon_hourly.source, dir.path() + "/carbon/zone.csv");
  EXPECT_DOUBLE_EQ(site.carbon_at_hour(1), 300);
  EXPECT_DOUBLE_EQ(site.carbon_at_hour(4), 300);  // repeats past its end
}

TEST(ScenarioCarbon, MissingFile) {
  TempDir dir;
  const std::string text = with_carbon("nowhere.csv", "x");
  auto r = load_scenario_text(text, "test.yaml", dir.path());
  ASSERT_FALSE(r.has_value());
  const Pos p = pos_of(text, "nowhere.csv");
  EXPECT_EQ(r.error().line, p.line);
  EXPECT_EQ(r.error().column, p.column);
  EXPECT_EQ(r.error().field, "sites[0].carbon_hourly.path");
  EXPECT_THAT(r.error().message, HasSubstr(dir.path() + "/nowhere.csv' does not exist"));
}

TEST(ScenarioCarbon, MissingColumnNamesTheColumnsThatExist) {
  TempDir dir;
  dir.write("c.csv", "time,direct,lca\n0,1,2\n");
  const std::string text = with_carbon("c.csv", "carbon");
  auto r = load_scenario_text(text, "test.yaml", dir.path());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "sites[0].carbon_hourly.column");
  EXPECT_EQ(r.error().line, pos_of(text, "\"carbon\"").line);
  EXPECT_THAT(r.error().message, HasSubstr("no column \"carbon\""));
  EXPECT_THAT(r.error().message, HasSubstr("its columns are: \"time\", \"direct\", \"lca\""));
}

TEST(ScenarioCarbon, BadValueGivesCsvLineAndColumn) {
  TempDir dir;
  const std::string csv = dir.write("c.csv", "time,direct\n0,1.5\n1,2.5\n2,n/a\n");
  auto r = load_scenario_text(with_carbon("c.csv", "direct"), "test.yaml", dir.path());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().file, csv);
  EXPECT_EQ(r.error().line, 4);
  EXPECT_EQ(r.error().column, 3);
  EXPECT_EQ(r.error().field, "direct");
  EXPECT_THAT(r.error().message, HasSubstr("expected a number from 0 to 1e+15, found 'n/a'"));
}

TEST(ScenarioCarbon, ShortRowAndHeaderOnly) {
  TempDir dir;
  dir.write("short.csv", "time,direct\n0,1\n1\n");
  auto r = load_scenario_text(with_carbon("short.csv", "direct"), "test.yaml", dir.path());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().line, 3);
  EXPECT_THAT(r.error().message, HasSubstr("row has 1 fields"));
  dir.write("empty.csv", "time,direct\n");
  auto e = load_scenario_text(with_carbon("empty.csv", "direct"), "test.yaml", dir.path());
  ASSERT_FALSE(e.has_value());
  EXPECT_THAT(e.error().message, HasSubstr("no data rows"));
}

TEST(ScenarioCarbon, ElectricityMapsPjm2024) {
  const std::string csv = std::string(GPUFLEET_SHARED_DATA) +
                          "/carbon_green_dcc/carbon_intensity/US-MIDA-PJM/2024/US-MIDA-PJM_2024_hourly.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "shared data absent: " << csv;
  auto r = load_scenario_text(with_carbon(csv, "Carbon Intensity gCO₂eq/kWh (direct)"), "test.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  const auto& v = r->sites[0].carbon_hourly.values;
  EXPECT_EQ(v.size(), 8784u);  // 2024 is a leap year
  EXPECT_DOUBLE_EQ(v[0], 316.4);
  EXPECT_DOUBLE_EQ(v[1], 316.23);
  double sum = 0;
  for (double x : v) sum += x;
  EXPECT_NEAR(sum / static_cast<double>(v.size()), 321.0, 1.0);  // docs/sources.md#grid-carbon: PJM 2024 direct mean
}

TEST(ScenarioFiles, TracePathResolvedAndChecked) {
  TempDir dir;
  dir.write("traces/philly.csv", "timestamp,duration,num_gpus,gpu_time,cluster\n");
  const std::string text = kBase + R"(workload:
  traces:
    - {format: philly, path: traces/philly.csv, time_scale: 0.5, offset: 1d, tenant: t, kind: training}
)";
  auto r = load_scenario_text(text, "test.yaml", dir.path());
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  ASSERT_EQ(r->workload.traces.size(), 1u);
  const TraceSource& t = r->workload.traces[0];
  EXPECT_EQ(t.format, "philly");
  EXPECT_EQ(t.path, dir.path() + "/traces/philly.csv");
  EXPECT_DOUBLE_EQ(t.time_scale, 0.5);
  EXPECT_DOUBLE_EQ(t.size_scale, 1.0);
  EXPECT_DOUBLE_EQ(t.offset_s, kDay);
  EXPECT_EQ(t.tenant, "t");
  EXPECT_EQ(t.kind, JobKind::training);

  auto missing = load_scenario_text(replaced(text, "traces/philly.csv", "traces/none.csv"), "test.yaml", dir.path());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "workload.traces[0].path");
  EXPECT_THAT(missing.error().message, HasSubstr("does not exist"));
  expect_error_at(replaced(text, "format: philly", "format: alibaba"), "alibaba", "workload.traces[0].format",
                  "expected one of: philly, sia");
  // Without file access (fuzzing) the path is only resolved.
  auto unread = load_scenario_text_with(replaced(text, "traces/philly.csv", "traces/none.csv"), "test.yaml",
                                        dir.path(), ScenarioLoadOptions{.read_files = false});
  EXPECT_TRUE(unread.has_value());
}

TEST(ScenarioFiles, LoadScenarioFileNamesTheFile) {
  auto r = load_scenario_file("/nonexistent/scenario.yaml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().file, "/nonexistent/scenario.yaml");
  EXPECT_THAT(r.error().message, HasSubstr("cannot read"));
  TempDir dir;
  const std::string path = dir.write("bad.yaml", replaced(kBase, "pue: 1.2", "pue: high"));
  auto bad = load_scenario_file(path);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().to_string(), path + ":15:10: sites[0].pue: expected a number, found 'high'");
}

}  // namespace
}  // namespace gpufleet

namespace gpufleet {
namespace {

const std::string kReliability = R"(checkpoint: {interval: 1h, cost: 2m, restart_overhead: 10m}
faults:
  node_failures_per_gpu_hour: 2.0e-5
  repair_median: 1d
  repair_sigma: 1.5
  spot_preemptions: false
  spot_return: 30m
  outages:
    - {name: us-east-1 2025-10-19, site: aws-west, start: 2026-03-01, duration: 14.5h}
    - {provider: azure, per_year: 0.5, mean_duration: 7.5h}
policy:
  queue: las
  placement: carbon
  las_thresholds_gpu_hours: [1, 10, 100]
  quotas:
    - {tenant: research, guaranteed_gpus: 512}
    - {tenant: prod, guaranteed_gpus: 4096, can_borrow: false}
workload:
  fixed:
    - {name: big, gpus: 1024, duration: 30d, checkpoint_interval: 30m, checkpoint_cost: 1m, flexible_slack: 6h}
)";

TEST(ScenarioReliability, SectionsLoad) {
  auto r = load_scenario_text(kBase + kReliability, "test.yaml");
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->checkpoint, (CheckpointSpec{3600, 120, 600}));
  EXPECT_EQ(r->faults.node_failures_per_gpu_hour, 2.0e-5);
  EXPECT_EQ(r->faults.repair_median_s, 86400);
  EXPECT_FALSE(r->faults.spot_preemptions);
  EXPECT_EQ(r->faults.spot_return_s, 1800);
  ASSERT_EQ(r->faults.outages.size(), 2u);
  EXPECT_EQ(r->faults.outages[0].name, "us-east-1 2025-10-19");
  EXPECT_FALSE(r->faults.outages[0].provider_wide);
  EXPECT_EQ(r->faults.outages[0].target, 0);
  EXPECT_EQ(*r->faults.outages[0].start_s, 59 * 86400.0);
  EXPECT_EQ(r->faults.outages[0].duration_s, 14.5 * 3600);
  EXPECT_TRUE(r->faults.outages[1].provider_wide);
  EXPECT_EQ(r->faults.outages[1].target, 1);
  EXPECT_EQ(r->faults.outages[1].name, "provider azure");
  EXPECT_EQ(r->faults.outages[1].per_year, 0.5);
  EXPECT_EQ(r->policy.las_thresholds_gpu_s, (std::vector<double>{3600, 36000, 360000}));
  ASSERT_EQ(r->policy.quotas.size(), 2u);
  EXPECT_EQ(r->policy.quotas[1], (TenantQuota{"prod", 4096, false}));
  EXPECT_EQ(*r->workload.fixed[0].checkpoint_interval_s, 1800);
  EXPECT_EQ(*r->workload.fixed[0].checkpoint_cost_s, 60);
  EXPECT_EQ(r->workload.fixed[0].flexible_slack_s, 6 * 3600);
}

TEST(ScenarioReliability, ErrorsNameTheField) {
  const std::string base = kBase + kReliability;
  expect_error_at(replaced(base, "repair_sigma", "repair_sgima"), "repair_sgima", "faults.repair_sgima",
                  "did you mean 'repair_sigma'?");
  expect_error_at(replaced(base, "site: aws-west,", "site: aws-wst,"), "aws-wst", "faults.outages[0].site",
                  "no site named 'aws-wst'");
  expect_error_at(replaced(base, "provider: azure, per_year", "provider: azur, per_year"), "azur,",
                  "faults.outages[1].provider", "no provider named");
  expect_error_at(replaced(base, "duration: 14.5h}", "mean_duration: 14.5h}"), "{name: us-east-1",
                  "faults.outages[0].duration", "missing");
  expect_error_at(replaced(base, "[1, 10, 100]", "[1, 100, 10]"), "10]", "policy.las_thresholds_gpu_hours[2]",
                  "increasing");
  expect_error_at(replaced(base, "checkpoint_cost: 1m", "checkpoint_cots: 1m"), "checkpoint_cots",
                  "workload.fixed[0].checkpoint_cots", "did you mean 'checkpoint_cost'?");
  expect_error_at(replaced(base, "queue: las", "queue: lsa"), "lsa", "policy.queue", "las");
  expect_error_at(replaced(base, "restart_overhead: 10m", "restart_overhead: -1m"), "-1m",
                  "checkpoint.restart_overhead", "expected a duration");
}

// ---- spend commitments, prices over time, early termination --------------------------

const std::string kWithMarket = kBase + R"(markets:
  - {site: az-east, accelerator: H100-SXM, on_demand_usd_per_gpu_hour: 4.0, on_demand_gpus: 1024}
contracts:
  - name: old
    site: aws-west
    accelerator: H100-SXM
    usd_per_gpu_hour: 2.0
    escalator_per_year: 0.05
    start: 2026-01-01
    end: 2029-01-01
    termination: {at: 2028-01-01, fee_usd: 3.0e6}
    ramp:
      - {at: 2026-01-01, gpus: 512}
      - {at: 2026-07-01, gpus: 1024, usd_per_gpu_hour: 1.8}
)";

TEST(ScenarioSpend, ASpendCommitmentOverItsTermIsSpreadOverItsYears) {
  // $7M over 2026-01-01 .. 2028-07-01, growing 10% a year: the years weigh 1, 1.1 and
  // 1.21 x 182/366 (the last is half of leap 2028), so the first commits 7M / 2.70169.
  const std::string text = kWithMarket + R"(spend_commitments:
  - {name: az-spend, provider: azure, start: 2026-01-01, end: 2028-07-01, usd: 7.0e6, discount: 0.25,
     shortfall_share: 0.5, escalator_per_year: 0.1}
)";
  auto s = load_scenario_text(text, "test.yaml");
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_EQ(s->spend_commitments.size(), 1u);
  const SpendCommitment& c = s->spend_commitments[0];
  EXPECT_EQ(c.provider, 1);
  EXPECT_DOUBLE_EQ(c.discount, 0.25);
  EXPECT_DOUBLE_EQ(c.shortfall_share, 0.5);
  const double weight = 1 + 1.1 + 1.21 * 182.0 / 366.0;
  EXPECT_NEAR(c.usd_per_year, 7.0e6 / weight, 1e-6);
  const auto years = spend_commitment_years(c, s->start_unix_s);
  ASSERT_EQ(years.size(), 3u);
  EXPECT_DOUBLE_EQ(years[1].first, 365 * kDay);
  EXPECT_DOUBLE_EQ(years[2].first, (365 + 365) * kDay);
  EXPECT_DOUBLE_EQ(years[2].second, (365 + 365 + 182) * kDay);  // cut by the end, 2028-07-01
  double total = 0;
  for (size_t k = 0; k < years.size(); ++k) total += spend_committed_usd(c, s->start_unix_s, k, c.end_s);
  EXPECT_NEAR(total, 7.0e6, 1e-6);
  EXPECT_DOUBLE_EQ(spend_usd_per_gpu_hour(c, 4.0), 3.0);
  EXPECT_DOUBLE_EQ(spend_shortfall_usd(c, 100, 40), 30);
  EXPECT_DOUBLE_EQ(spend_shortfall_usd(c, 100, 140), 0);
}

TEST(ScenarioSpend, ATermInYearsEndsOnTheAnniversary) {
  auto s = load_scenario_text(kWithMarket + "spend_commitments:\n  - {name: a, provider: azure, start: 2028-02-29, term: 1y, usd_per_year: 1.0e6}\n",
                              "test.yaml");
  ASSERT_TRUE(s) << s.error().to_string();
  // 29 February 2028 + 1 year: 1 March 2029.
  EXPECT_DOUBLE_EQ(s->spend_commitments[0].end_s - s->spend_commitments[0].start_s, 366 * kDay);
}

TEST(ScenarioSpend, StepPricesEscalatorAndTerminationAreRead) {
  auto s = load_scenario_text(kWithMarket, "test.yaml");
  ASSERT_TRUE(s) << s.error().to_string();
  const Contract& c = s->contracts[0];
  EXPECT_DOUBLE_EQ(c.escalator_per_year, 0.05);
  ASSERT_EQ(c.prices.size(), 1u);
  EXPECT_DOUBLE_EQ(c.prices[0].at_s, 181 * kDay);
  ASSERT_TRUE(c.termination);
  EXPECT_DOUBLE_EQ(c.termination->at_s, (365 + 365) * kDay);
  EXPECT_DOUBLE_EQ(c.termination->fee_usd, 3.0e6);
  EXPECT_FALSE(c.termination->exercised);
  // The price: $2, $1.80 from the step, x 1.05 from 2027-01-01, x 1.05^2 from 2028-01-01.
  EXPECT_DOUBLE_EQ(contract_price_at(c, 100 * kDay, s->start_unix_s), 2.0);
  EXPECT_DOUBLE_EQ(contract_price_at(c, 200 * kDay, s->start_unix_s), 1.8);
  EXPECT_DOUBLE_EQ(contract_price_at(c, 400 * kDay, s->start_unix_s), 1.8 * 1.05);
  EXPECT_DOUBLE_EQ(contract_price_at(c, 800 * kDay, s->start_unix_s), 1.8 * 1.05 * 1.05);
  // Integrated across the step and the anniversary: 181 d at $2, 184 d at $1.80, 10 d at $1.89.
  EXPECT_NEAR(contract_usd_per_gpu(c, 0, 375 * kDay, s->start_unix_s), 24 * (181 * 2.0 + 184 * 1.8 + 10 * 1.89), 1e-9);
  EXPECT_NEAR(contract_capacity_usd(c, 0, 365 * kDay, s->start_unix_s), 24 * (181 * 512 * 2.0 + 184 * 1024 * 1.8), 1e-6);
  // Not exercised, the option leaves the capacity to the end.
  EXPECT_EQ(c.gpus_at(800 * kDay), 1024);
  Contract ended = c;
  ended.termination->exercised = true;
  EXPECT_EQ(ended.gpus_at(800 * kDay), 0);
}

TEST(ScenarioSpend, ErrorsNameWhereAndWhat) {
  const std::string base = kWithMarket + "spend_commitments:\n";
  expect_error_at(base + "  - {name: a, provider: azure, start: 2026-01-01, term: 1y, usd: 1.0e6, discount: 1.0}\n", "1.0}",
                  "spend_commitments[0].discount", "expected a share of the list price in [0, 1)");
  expect_error_at(base + "  - {name: a, provider: aws, start: 2026-01-01, term: 1y, usd: 1.0e6}\n", "aws, start",
                  "spend_commitments[0].provider", "nothing to spend the commitment on");
  expect_error_at(base + "  - {name: a, provider: azure, start: 2026-01-01, term: 36m, usd: 1.0e6}\n", "36m",
                  "spend_commitments[0].term", "expected whole years like 7y or months like 84mo");
  expect_error_at(base + "  - {name: a, provider: azure, start: 2026-01-01, term: 18mo, usd: 1.0e6}\n", "18mo",
                  "spend_commitments[0].term", "whole years");
  expect_error_at(base + "  - {name: a, provider: azure, start: 2026-01-01, term: 1y, usd: 0.0}\n", "0.0}",
                  "spend_commitments[0].usd", "more than $0");
  expect_error_at(base + "  - {name: a, provider: azure, start: 2026-01-01, term: 2y, usd: 1.0e6}\n"
                         "  - {name: b, provider: azure, start: 2027-06-01, term: 1y, usd: 1.0e6}\n",
                  "2027-06-01", "spend_commitments[1].start", "overlaps 'a' of the same provider");
  expect_error_at(replaced(kWithMarket, "fee_usd: 3.0e6", "fee_usd: -1"), "-1", "contracts[0].termination.fee_usd", ">= 0");
  expect_error_at(replaced(kWithMarket, "at: 2028-01-01, fee", "at: 2030-01-01, fee"), "2030-01-01",
                  "contracts[0].termination.at", "inside the contract's term");
  expect_error_at(replaced(kWithMarket, "escalator_per_year: 0.05", "escalator_per_year: -0.9"), "-0.9",
                  "contracts[0].escalator_per_year", ">= -0.5");
  expect_error_at(replaced(kWithMarket, "usd_per_gpu_hour: 1.8}", "usd_per_gpu_hour: x}"), "x}",
                  "contracts[0].ramp[1].usd_per_gpu_hour", "expected a number");
}

}  // namespace
}  // namespace gpufleet

namespace gpufleet {
namespace {

// ---- a site's backend (gpufleet serve) --------------------------------------------------

std::string with_backend(const std::string& slurm) {
  return replaced(kBase, "    pue: 1.2\n", "    pue: 1.2\n    backend:\n      slurm:\n" + slurm);
}

TEST(ScenarioBackend, ASlurmSiteReadsEveryField) {
  const std::string text = with_backend(
      "        cluster: us-west\n        partition: gpu\n        command: srun train.py\n        conf: etc/slurm.conf\n"
      "        bin_dir: /opt/slurm/bin\n        gres: gpu:h100\n        account: lab\n        accounts: {research: lab-r, prod: lab-p}\n"
      "        output: /logs/%j.out\n        sbatch_args: [--qos=high, --exclusive]\n        time_limit_factor: 1.5\n"
      "        poll_interval: 5s\n        retry_interval: 1m\n        command_timeout: 10s\n");
  auto s = load_scenario_text(text, "test.yaml", "/base");
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  ASSERT_TRUE(s->sites[0].slurm.has_value());
  EXPECT_FALSE(s->sites[1].slurm.has_value());  // the dry run
  const SlurmBackendSpec& b = *s->sites[0].slurm;
  EXPECT_EQ(b.cluster, "us-west");
  EXPECT_EQ(b.partition, "gpu");
  EXPECT_EQ(b.command, "srun train.py");
  EXPECT_EQ(b.conf, "/base/etc/slurm.conf");
  EXPECT_EQ(b.bin_dir, "/opt/slurm/bin");
  EXPECT_EQ(b.gres, "gpu:h100");
  EXPECT_EQ(b.account, "lab");
  ASSERT_EQ(b.accounts.size(), 2u);
  EXPECT_EQ(b.accounts[1], (std::pair<std::string, std::string>{"prod", "lab-p"}));
  EXPECT_EQ(b.output, "/logs/%j.out");
  EXPECT_EQ(b.sbatch_args, (std::vector<std::string>{"--qos=high", "--exclusive"}));
  EXPECT_DOUBLE_EQ(b.time_limit_factor, 1.5);
  EXPECT_DOUBLE_EQ(b.poll_interval_s, 5);
  EXPECT_DOUBLE_EQ(b.retry_interval_s, 60);
  EXPECT_DOUBLE_EQ(b.command_timeout_s, 10);
}

TEST(ScenarioBackend, BadBackendsAreRefusedAtTheirLineAndColumn) {
  const std::string ok = "        cluster: c\n        partition: gpu\n        command: 'sleep 1'\n";
  expect_error_at(with_backend(ok + "        partiton: x\n"), "partiton", "sites[0].backend.slurm.partiton", "did you mean 'partition'?");
  expect_error_at(replaced(with_backend(ok), "      slurm:", "      slurn:"), "slurn", "sites[0].backend.slurn", "did you mean 'slurm'?");
  expect_error_at(replaced(with_backend(ok), "        partition: gpu\n", ""), "cluster", "sites[0].backend.slurm.partition", "missing");
  expect_error_at(replaced(with_backend(ok), "        command: 'sleep 1'\n", ""), "cluster", "sites[0].backend.slurm",
                  "neither command nor script");
  expect_error_at(with_backend(ok + "        script: /x.sh\n"), "/x.sh", "sites[0].backend.slurm.script", "both command and script");
  expect_error_at(replaced(with_backend(ok), "partition: gpu", "partition: gpu,cpu"), "gpu,cpu", "sites[0].backend.slurm.partition",
                  "one partition name");
  expect_error_at(with_backend(ok + "        time_limit_factor: 0.5\n"), "0.5", "sites[0].backend.slurm.time_limit_factor", "0.5");
  expect_error_at(with_backend(ok + "        poll_interval: 0s\n"), "0s", "sites[0].backend.slurm.poll_interval",
                  "expected a duration from 0.1 s");
  expect_error_at(with_backend(ok + "        sbatch_args: [qos=high]\n"), "[qos=high]", "sites[0].backend.slurm.sbatch_args",
                  "each starting with '-'");
  expect_error_at(with_backend(ok + "        gres: 'gpu:'\n"), "'gpu:'", "sites[0].backend.slurm.gres", "a GRES name");
  expect_error_at(replaced(with_backend(ok), "command: 'sleep 1'", "script: /no/such/script.sh"), "/no/such", "sites[0].backend.slurm.script",
                  "cannot read '/no/such/script.sh'");
  expect_error_at(with_backend(ok + "        accounts: {research: 'a b'}\n"), "'a b'", "sites[0].backend.slurm.accounts.research",
                  "a Slurm account name");
}

}  // namespace
}  // namespace gpufleet
