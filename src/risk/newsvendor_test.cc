// The newsvendor: one period, one pool, normally distributed demand D ~ N(mu, sigma), Q GPUs
// committed at c per GPU-hour (take-or-pay), on-demand at p > c, unlimited. Expected cost per
// hour: c Q + p E[(D - Q)+] = c Q + p sigma (phi(z) - z (1 - Phi(z))), z = (Q - mu) / sigma.
// `risk` must reproduce it within its own sampling error at the critical fractile
// Q = mu + sigma Phi^-1((p - c) / p), and the fractile must be the cheapest commitment.
#include <cmath>

#include <gtest/gtest.h>

#include "gpufleet/risk.h"
#include "plan/plan_test_util.h"

namespace gpufleet {
namespace {

using namespace plan_test;

double phi(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double big_phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double inverse_big_phi(double q) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 200; ++i) (big_phi(0.5 * (lo + hi)) < q ? lo : hi) = 0.5 * (lo + hi);
  return 0.5 * (lo + hi);
}

struct Newsvendor {
  double mu, sigma, c, p;
  int64_t q;
};

PlanInputs newsvendor_inputs(const Newsvendor& n) {
  PlanInputs in = base_inputs(1);  // 2026Q1, 2,160 hours
  const int prov = add_provider(in, "a");
  const int site = add_site(in, "a-us", prov, "US");
  add_contract(in, site, n.q, n.c, 1.0, 0, 90 * 86400.0);
  add_market(in, site, n.p, int64_t{1} << 40);
  set_training(in, {n.mu});
  in.training_critical_share = 1.0;
  EXPECT_TRUE(prepare_plan_inputs(in));
  return in;
}

struct Estimate {
  double mean, standard_error;
};

Estimate risk_cost(const Newsvendor& n, int64_t futures) {
  const PlanInputs in = newsvendor_inputs(n);
  UncertaintySpec spec;
  spec.training.model = DemandModel::normal;
  spec.training.volatility = n.sigma / n.mu;
  RiskOptions options;
  options.futures = futures;
  options.threads = 2;
  auto r = run_risk(in, spec, {}, options);
  EXPECT_TRUE(r) << r.error().to_string();
  double sum = 0, sum2 = 0;
  for (const auto& o : r->outcomes) {
    sum += o.cost_usd;
    sum2 += o.cost_usd * o.cost_usd;
  }
  const double k = static_cast<double>(futures), mean = sum / k;
  EXPECT_DOUBLE_EQ(mean, r->cost.mean);
  return {mean, std::sqrt(std::max(0.0, sum2 / k - mean * mean) / k)};
}

double closed_form(const Newsvendor& n) {
  const double z = (static_cast<double>(n.q) - n.mu) / n.sigma;
  return kQ1Hours * (n.c * static_cast<double>(n.q) + n.p * n.sigma * (phi(z) - z * (1 - big_phi(z))));
}

TEST(Newsvendor, RiskReproducesTheClosedFormAtTheCriticalFractile) {
  for (const auto& [mu, sigma, c, p] : {std::tuple{10000.0, 1500.0, 2.0, 5.0}, std::tuple{10000.0, 2500.0, 3.0, 4.0},
                                       std::tuple{50000.0, 5000.0, 1.0, 6.0}}) {
    Newsvendor n{mu, sigma, c, p, 0};
    n.q = std::llround(mu + sigma * inverse_big_phi((p - c) / p));
    const Estimate e = risk_cost(n, 200000);
    const double exact = closed_form(n);
    // Four standard errors: a correct model fails this with probability ~6e-5 (and the seed is fixed).
    EXPECT_NEAR(e.mean, exact, 4 * e.standard_error) << "mu " << mu << " sigma " << sigma << " c " << c << " p " << p;
    EXPECT_LT(e.standard_error / exact, 1e-3);  // the check is tight: well under 0.1% of the cost
  }
}

TEST(Newsvendor, TheCriticalFractileIsTheCheapestCommitment) {
  const double mu = 10000, sigma = 2000, c = 2, p = 5;
  const int64_t best = std::llround(mu + sigma * inverse_big_phi((p - c) / p));
  // Common random numbers (same seed, same draws): the comparison is not blurred by sampling.
  const double at_best = risk_cost({mu, sigma, c, p, best}, 50000).mean;
  for (int64_t q : {best - 1500, best - 500, best + 500, best + 1500}) {
    const double other = risk_cost({mu, sigma, c, p, q}, 50000).mean;
    EXPECT_GT(other, at_best) << q;
    EXPECT_NEAR(other, closed_form({mu, sigma, c, p, q}), 0.002 * other) << q;
  }
}

}  // namespace
}  // namespace gpufleet
