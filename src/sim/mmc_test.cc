// M/M/c: Poisson arrivals, exponential run times, one-GPU jobs, FIFO on c GPUs. The mean
// wait must match the Erlang C formula within statistical tolerance.
#include <cmath>

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

double simulated_mean_wait(int c, double rho, int jobs, uint64_t seed) {
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
  const Scenario s = testing::one_site_scenario(c, t + 1e7);
  auto r = simulate(s, testing::make_workload(specs));
  EXPECT_TRUE(r);
  EXPECT_EQ(r->summary.completed, jobs);
  return r->summary.mean_queue_s;
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
