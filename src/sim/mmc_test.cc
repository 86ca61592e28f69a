// M/M/c: Poisson arrivals, exponential run times, one-GPU jobs, FIFO on c GPUs. The mean
// wait must match the Erlang C formula within statistical tolerance, and the exact FIFO
// recursion on the same sampled jobs within 0.5% (in fact to rounding).
#include <cmath>
#include <functional>
#include <queue>

#include <gtest/gtest.h>

#include "gpufleet/simulate.h"
#include "sim/sim_test_fixtures.h"
#include "util/rng.h"

namespace gpufleet {
namespace {

// Mean wait in queue of M/M/c with arrival rate lambda and service rate mu (per second).
double erlang_c_wait(int c, double lambda, double mu) {
  const double a = lambda / mu;  // offered load, Erlangs
  const double rho = a / c;
  double term = 1, sum = 0;      // term = a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double tail = term / (1 - rho);
  const double p_wait = tail / (sum + tail);
  return p_wait / (c * mu - lambda);
}

std::vector<testing::JobSpec> sampled_jobs(int c, double rho, int jobs, uint64_t seed) {
  const double mean_service_s = 3600;
  const double mu = 1 / mean_service_s;
  const double lambda = rho * c * mu;
  Rng rng(seed);
  std::vector<testing::JobSpec> specs;
  double t = 0;
  for (int i = 0; i < jobs; ++i) {
    t += rng.exponential(lambda);
    specs.push_back({t, 1, rng.exponential(mu)});
  }
  return specs;
}

double simulated_mean_wait(int c, const std::vector<testing::JobSpec>& specs) {
  const Scenario s = testing::one_site_scenario(c, specs.back().submit_s + 1e7);
  auto r = simulate(s, testing::make_workload(specs));
  EXPECT_TRUE(r);
  EXPECT_EQ(r->summary.completed, static_cast<int64_t>(specs.size()));
  return r->summary.mean_queue_s;
}

double simulated_mean_wait(int c, double rho, int jobs, uint64_t seed) {
  return simulated_mean_wait(c, sampled_jobs(c, rho, jobs, seed));
}

// FIFO on c servers, exactly: each job in arrival order starts when it has arrived and the
// earliest-free server is free.
double fifo_recursion_mean_wait(int c, const std::vector<testing::JobSpec>& specs) {
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int k = 0; k < c; ++k) free_at.push(0);
  double total = 0;
  for (const auto& j : specs) {
    const double start = std::max(j.submit_s, free_at.top());
    free_at.pop();
    free_at.push(start + j.duration_s);
    total += start - j.submit_s;
  }
  return total / static_cast<double>(specs.size());
}

TEST(MMc, MeanWaitEqualsTheExactFifoRecursionAtNinetyPercentLoad) {
  const int c = 16;
  const auto specs = sampled_jobs(c, 0.9, 200000, 5);
  const double exact = fifo_recursion_mean_wait(c, specs);
  const double got = simulated_mean_wait(c, specs);
  EXPECT_GT(exact, 0);
  EXPECT_NEAR(got, exact, 0.005 * exact);
  EXPECT_NEAR(got, exact, 1e-6 * exact) << "as recorded: the simulator adds nothing to a job's run time";
}

TEST(MMc, MeanWaitMatchesErlangCAtModerateLoad) {
  const int c = 16;
  const double expected = erlang_c_wait(c, 0.5 * c / 3600.0, 1 / 3600.0);
  const double got = simulated_mean_wait(c, 0.5, 400000, 7);
  // Wait is rare at this load (P(wait) ~ 2.6%): a looser relative tolerance.
  EXPECT_NEAR(got, expected, 0.12 * expected) << "Erlang C " << expected;
}

TEST(MMc, MeanWaitMatchesErlangCAtHighLoad) {
  const int c = 16;
  const double expected = erlang_c_wait(c, 0.8 * c / 3600.0, 1 / 3600.0);
  const double got = simulated_mean_wait(c, 0.8, 400000, 11);
  EXPECT_NEAR(got, expected, 0.07 * expected) << "Erlang C " << expected;
}

TEST(MMc, SingleServerMatchesMM1) {
  // M/M/1 at rho = 0.7: Wq = rho / (mu - lambda).
  const double mu = 1 / 3600.0, lambda = 0.7 * mu;
  const double expected = 0.7 / (mu - lambda);
  EXPECT_NEAR(erlang_c_wait(1, lambda, mu), expected, 1e-9 * expected);
  const double got = simulated_mean_wait(1, 0.7, 400000, 3);
  EXPECT_NEAR(got, expected, 0.07 * expected);
}

}  // namespace
}  // namespace gpufleet
