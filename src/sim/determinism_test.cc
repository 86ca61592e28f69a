// Same scenario, workload and seed: byte-identical result files (sim_wall_s aside).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/atomic_file.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

Scenario two_provider_scenario() {
  Scenario s = testing::one_site_scenario(256, 30 * kSecondsPerDay);
  s.name = "determinism";
  s.providers.push_back({"p1"});
  Site b = s.sites[0];
  b.name = "s1";
  b.provider = 1;
  b.carbon_hourly.values = {300, 250, 200, 420};
  s.sites.push_back(b);
  Market m;
  m.site = 1;
  m.accelerator = 0;
  m.on_demand_usd_per_gpu_hour = 9;
  m.on_demand_gpus = 128;
  m.spot_usd_per_gpu_hour = 3;
  m.spot_gpus = 64;
  s.markets.push_back(m);
  s.contracts[0].take_or_pay_share = 0.7;
  s.contracts[0].ramp = {{0, 128}, {10 * kSecondsPerDay, 256}, {20 * kSecondsPerDay, 64}};
  return s;
}

Workload random_workload(uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  const uint32_t sizes[] = {1, 1, 2, 4, 8, 16, 32, 3};
  for (int i = 0; i < n; ++i) {
    t += rng.exponential(1 / 120.0);
    specs.push_back({t, sizes[rng.below(8)], rng.lognormal(3600, 1.5)});
  }
  Workload w = testing::make_workload(specs);
  w.names.resize(w.jobs.size());
  for (size_t i = 0; i < w.names.size(); ++i) w.names[i] = "job," + std::to_string(i);
  return w;
}

std::string without_wall_time(const std::string& json) {
  std::string out;
  size_t pos = 0;
  while (pos < json.size()) {
    size_t eol = json.find('\n', pos);
    if (eol == std::string::npos) eol = json.size();
    const std::string line = json.substr(pos, eol - pos);
    if (line.find("\"sim_wall_s\"") == std::string::npos) out += line + "\n";
    pos = eol + 1;
  }
  return out;
}

TEST(Determinism, TwoRunsWriteIdenticalFiles) {
  const Scenario s = two_provider_scenario();
  const Workload w = random_workload(5, 20000);
  const auto base = std::filesystem::temp_directory_path() / "gpufleet_determinism_test";
  std::filesystem::remove_all(base);
  for (const char* queue : {"fifo", "fifo-backfill", "sjf"}) {
    SimOptions o;
    o.queue_policy = queue;
    auto a = simulate(s, w, o);
    auto b = simulate(s, w, o);
    ASSERT_TRUE(a && b);
    const auto da = (base / (std::string(queue) + "-a")).string();
    const auto db = (base / (std::string(queue) + "-b")).string();
    ASSERT_TRUE(write_sim_results(*a, s, w, da));
    ASSERT_TRUE(write_sim_results(*b, s, w, db));
    for (const char* file : {"summary.json", "jobs.csv", "timeseries.csv", "focus.csv"}) {
      auto fa = read_file(da + "/" + file);
      auto fb = read_file(db + "/" + file);
      ASSERT_TRUE(fa && fb) << file;
      EXPECT_GT(fa->size(), 100u) << file;
      if (std::string(file) == "summary.json") {
        EXPECT_EQ(without_wall_time(*fa), without_wall_time(*fb)) << queue;
      } else {
        EXPECT_EQ(*fa, *fb) << queue << " " << file;
      }
    }
    EXPECT_GT(a->summary.completed, 1000) << queue;
  }
  std::filesystem::remove_all(base);
}

TEST(ResultsWriter, WritesTheDocumentedColumns) {
  const Scenario s = two_provider_scenario();
  const Workload w = random_workload(9, 200);
  auto r = simulate(s, w);
  ASSERT_TRUE(r);
  const auto dir = (std::filesystem::temp_directory_path() / "gpufleet_writer_test" / "nested").string();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(write_sim_results(*r, s, w, dir));
  auto jobs = read_file(dir + "/jobs.csv");
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->substr(0, jobs->find('\n')),
            "id,name,tenant,kind,priority,submit_s,start_s,end_s,gpus,accelerator,site,provider,source,queue_s,jct_s,"
            "gpu_hours_allocated,cost_usd,contract_usd,on_demand_usd,spot_usd,restarts");
  EXPECT_NE(jobs->find("\"job,0\""), std::string::npos);  // quoted name
  size_t rows = 0;
  for (char c : *jobs) rows += c == '\n';
  EXPECT_EQ(rows, w.jobs.size() + 1);
  auto ts = read_file(dir + "/timeseries.csv");
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->substr(0, ts->find('\n')),
            "hour,time,busy_physical_gpus,capacity_physical_gpus,queued_jobs,spend_usd_per_hour_p0,spend_usd_per_hour_p1,"
            "committed_physical_gpus_p0,committed_physical_gpus_p1,"
            "busy_physical_gpus_p0_contract,busy_physical_gpus_p0_on_demand,busy_physical_gpus_p0_spot,"
            "busy_physical_gpus_p1_contract,busy_physical_gpus_p1_on_demand,busy_physical_gpus_p1_spot,"
            "spend_usd_per_hour_p0_contract,spend_usd_per_hour_p0_on_demand,spend_usd_per_hour_p0_spot,"
            "spend_usd_per_hour_p1_contract,spend_usd_per_hour_p1_on_demand,spend_usd_per_hour_p1_spot,"
            "spend_usd_per_hour_p0_electricity,spend_usd_per_hour_p1_electricity,work_ref_gpus");
  auto summary = read_file(dir + "/summary.json");
  ASSERT_TRUE(summary);
  for (const char* key : {"\"jobs\"", "\"completed\"", "\"mean_jct_s\"", "\"p50_jct_s\"", "\"p99_jct_s\"",
                          "\"mean_queue_s\"", "\"makespan_s\"", "\"gpu_seconds_busy\"", "\"cost_usd\"",
                          "\"cost_usd_by_provider\"", "\"committed_utilisation\"", "\"energy_mwh\"",
                          "\"carbon_t\"", "\"events\"", "\"sim_wall_s\"", "\"unplaceable\"",
                          "\"never_started\"", "\"sites\"", "\"seed\""})
    EXPECT_NE(summary->find(key), std::string::npos) << key;
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

}  // namespace
}  // namespace gpufleet
