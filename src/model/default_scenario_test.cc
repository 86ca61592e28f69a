// The built-in scenario: it loads, it has the documented scale, every published figure
// names its source, and the workload keeps the fleet busy without swamping it.
#include <cmath>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gpufleet/scenario.h"

namespace gpufleet {
namespace {

TEST(DefaultScenario, Loads) {
  auto s = default_scenario();
  ASSERT_TRUE(s.has_value()) << s.error().to_string();
  EXPECT_EQ(s->name, "frontier-lab-2026");
  EXPECT_EQ(s->source_file, "<built-in>");
  EXPECT_EQ(s->start_unix_s, 1767225600);  // 2026-01-01
  EXPECT_DOUBLE_EQ(s->horizon_s, 730 * kSecondsPerDay);
  EXPECT_EQ(s->policy.queue, "fifo-backfill");
  for (const char* name : {"H100-SXM", "H200", "B200", "GB200"}) EXPECT_GE(s->find_accelerator(name), 0) << name;
  for (const char* name : {"aws-us-west-2", "aws-eu-central-1", "aws-ap-southeast-1"})
    EXPECT_GE(s->find_site(name), 0) << name;
}

TEST(DefaultScenario, TextReparsedEqualsTheScenario) {
  auto a = default_scenario();
  auto b = load_scenario_text(std::string(default_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_TRUE(*a == *b);
  // The comparison is not vacuous.
  Scenario c = *b;
  c.contracts[0].ramp.back().gpus += 1;
  EXPECT_FALSE(*a == c);
}

TEST(DefaultScenario, MoreThan100kGpusAcrossThreeProvidersAtTheEnd) {
  auto s = default_scenario();
  ASSERT_TRUE(s.has_value());
  EXPECT_GE(s->providers.size(), 3u);
  const double last = s->horizon_s - 1;  // the last second in service
  std::vector<int64_t> by_provider(s->providers.size(), 0);
  for (const auto& c : s->contracts) by_provider[static_cast<size_t>(c.provider)] += c.gpus_at(last);
  for (const auto& m : s->markets)
    by_provider[static_cast<size_t>(s->sites[static_cast<size_t>(m.site)].provider)] += m.on_demand_gpus + m.spot_gpus;
  int64_t total = 0;
  for (size_t p = 0; p < by_provider.size(); ++p) {
    EXPECT_GT(by_provider[p], 0) << s->providers[p].name;
    total += by_provider[p];
  }
  EXPECT_GT(total, 100000);
}

TEST(DefaultScenario, SevenYearAwsCommitmentOutlivesTheHorizon) {
  auto s = default_scenario();
  ASSERT_TRUE(s.has_value());
  int aws_contracts = 0;
  for (const auto& c : s->contracts) {
    if (s->providers[static_cast<size_t>(c.provider)].name != "aws") continue;
    ++aws_contracts;
    EXPECT_NEAR((c.end_s - c.start_s) / kSecondsPerDay, 7 * 365 + 2, 0.5) << c.name;  // 2028, 2032 leap
    EXPECT_GT(c.end_s, s->horizon_s);
    EXPECT_GT(c.ramp.size(), 1u) << c.name << " ramps";
  }
  EXPECT_EQ(aws_contracts, 3);
}

// Every line that states a published figure carries a comment naming its source (a section of
// docs/sources.md) or its derivation ((d)) or calling it an assumption.
TEST(DefaultScenario, EveryPublishedFigureNamesItsSource) {
  const std::vector<std::string> keys = {"bf16_tflops:", "hbm_gib:", "board_power_w:", "speed_factor:",
                                         "pue:", "carbon_g_per_kwh:", "electricity_usd_per_mwh:",
                                         "usd_per_gpu_hour:", "power_cap_mw:"};
  std::istringstream in{std::string(default_scenario_yaml())};
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(' ') != std::string::npos && line[line.find_first_not_of(' ')] == '#')
      continue;  // a comment line
    for (const auto& k : keys) {
      if (line.find(k) == std::string::npos) continue;
      ++checked;
      const size_t hash = line.find('#');
      ASSERT_NE(hash, std::string::npos) << "no source: " << line;
      const std::string comment = line.substr(hash);
      const bool sourced = comment.find("sources.md#") != std::string::npos || comment.find("(d)") != std::string::npos ||
                           comment.find("assumption") != std::string::npos ||
                           comment.find("reference accelerator") != std::string::npos;
      EXPECT_TRUE(sourced) << line;
    }
  }
  EXPECT_GT(checked, 40);
}

// Mean of min(X, cap) for X lognormal with the given median and sigma of ln X.
double capped_lognormal_mean(double median, double sigma, double cap) {
  if (sigma == 0) return std::min(median, cap);
  const double mu = std::log(median);
  const auto phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  const double z = (std::log(cap) - mu) / sigma;
  return std::exp(mu + sigma * sigma / 2) * phi(z - sigma) + cap * (1 - phi(z));
}

// Offered work (reference GPU-hours) against contracted capacity (reference-equivalent
// GPU-hours, i.e. GPUs x speed factor), and the number of jobs, over the horizon.
TEST(DefaultScenario, WorkloadKeepsTheFleetBusyButNotSwamped) {
  auto s = default_scenario();
  ASSERT_TRUE(s.has_value());
  double jobs = 0, work_gpu_h = 0;
  for (const auto& c : s->workload.classes) {
    const double hours = (c.end_s.value_or(s->horizon_s) - c.start_s) / kSecondsPerHour;
    double wsum = 0, gsum = 0;
    for (size_t i = 0; i < c.gpus.size(); ++i) {
      wsum += c.gpus_weight[i];
      gsum += c.gpus_weight[i] * c.gpus[i];
    }
    const double n = c.arrivals_per_hour * hours;
    jobs += n;
    work_gpu_h += n * gsum / wsum *
                  capped_lognormal_mean(c.duration_median_s, c.duration_sigma, c.duration_max_s) / kSecondsPerHour;
  }
  for (const auto& f : s->workload.fixed) {
    for (int k = 0; k < f.count; ++k) {
      const double submit = f.submit_s + k * f.every_s;
      if (submit >= s->horizon_s) break;
      jobs += 1;
      // Only the part that can run before the horizon (at the fastest allowed speed).
      double speed = 0;
      for (const auto& a : f.accelerators)
        speed = std::max(speed, s->accelerators[static_cast<size_t>(s->find_accelerator(a))].speed_factor);
      const double run_s = std::min(f.duration_s / speed, s->horizon_s - submit);
      work_gpu_h += f.gpus * run_s * speed / kSecondsPerHour;
    }
  }
  double capacity_gpu_h = 0;
  for (double t = 0; t < s->horizon_s; t += kSecondsPerHour)
    for (const auto& c : s->contracts)
      capacity_gpu_h += static_cast<double>(c.gpus_at(t)) * s->accelerators[static_cast<size_t>(c.accelerator)].speed_factor;
  EXPECT_GT(jobs, 100000);
  EXPECT_LT(jobs, 300000);
  const double load = work_gpu_h / capacity_gpu_h;
  EXPECT_GT(load, 0.6) << "committed capacity would sit idle";
  EXPECT_LT(load, 1.0) << "hopelessly overloaded";
}

}  // namespace
}  // namespace gpufleet
