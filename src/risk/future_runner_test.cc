// The runner: blocks that cover the futures in rank order, each outcome in its own future's
// slot for any thread count, and the lowest failing future's error whatever the threads' timing.
// Any evaluator plugs into the whole run through run_risk_with.
#include <string>

#include <gtest/gtest.h>

#include "risk/future_runner.h"
#include "risk/future_sampler.h"
#include "risk/period_model.h"
#include "risk/risk_run.h"

namespace gpufleet::risk {
namespace {

TEST(FutureRunner, RankBlocksAreContiguousInRankOrderAndEven) {
  for (int64_t futures : {1, 2, 7, 64, 1000, 10001}) {
    for (int size : {1, 2, 3, 8, 13}) {
      int64_t expected_first = 0;
      for (int r = 0; r < size; ++r) {
        const auto [first, last] = rank_block(futures, r, size);
        EXPECT_EQ(first, expected_first) << futures << " futures, rank " << r << " of " << size;
        EXPECT_GE(last - first, futures / size);
        EXPECT_LE(last - first, futures / size + 1);
        expected_first = last;
      }
      EXPECT_EQ(expected_first, futures);
    }
  }
  // More ranks than futures: some blocks are empty.
  EXPECT_EQ(rank_block(1, 0, 2), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_EQ(rank_block(1, 1, 2), (std::pair<int64_t, int64_t>{0, 1}));
}

TEST(FutureRunner, EachOutcomeLandsInItsFuturesSlotForAnyThreadCount) {
  const FutureEvaluator evaluate = [](int64_t k) -> Result<FutureOutcome> {
    FutureOutcome o;
    o.cost_usd = static_cast<double>(k) * 1.5;
    o.shortfall_gpu_hours = {static_cast<double>(k % 7)};
    return o;
  };
  for (int threads : {1, 2, 5}) {
    int64_t last_done = 0, total_seen = 0;
    FutureRun run{1000, threads, nullptr, {}};
    if (threads == 1)
      run.progress = [&](int64_t done, int64_t total) {
        EXPECT_GT(done, last_done);
        last_done = done;
        total_seen = total;
      };
    auto outcomes = run_futures(evaluate, run);
    ASSERT_TRUE(outcomes) << outcomes.error().to_string();
    ASSERT_EQ(outcomes->size(), 1000u);
    for (int64_t k = 0; k < 1000; ++k) {
      EXPECT_EQ((*outcomes)[static_cast<size_t>(k)].cost_usd, static_cast<double>(k) * 1.5);
      EXPECT_EQ((*outcomes)[static_cast<size_t>(k)].shortfall_gpu_hours[0], static_cast<double>(k % 7));
    }
    if (threads == 1) {
      EXPECT_EQ(last_done, 1000);
      EXPECT_EQ(total_seen, 1000);
    }
  }
}

TEST(FutureRunner, TheLowestFailingFuturesErrorIsReturnedWhateverTheTiming) {
  // Futures 70, 130 and 900 fail, in chunks of 64 that different threads take.
  const FutureEvaluator evaluate = [](int64_t k) -> Result<FutureOutcome> {
    if (k == 130 || k == 900) return fail("f.yaml", static_cast<int>(k), 1, "future", "failed");
    if (k == 70) return fail("f.yaml", 70, 1, "future", "failed");
    return FutureOutcome{};
  };
  for (int rep = 0; rep < 20; ++rep) {
    auto outcomes = run_futures(evaluate, {1000, 2 + rep % 3, nullptr, {}});
    ASSERT_FALSE(outcomes);
    EXPECT_EQ(outcomes.error().line, 70);
  }
}

}  // namespace
}  // namespace gpufleet::risk

namespace gpufleet::risk {
namespace {

// Another evaluator plugs into the whole run (checks, book, runner, summaries): here the
// period model with every cost doubled, whose summary is twice run_risk's; a factory's error
// is the run's.
TEST(RiskRunWith, AnyEvaluatorPlugsIntoTheRun) {
  auto in = load_plan_text(std::string(default_plan_scenario_yaml()), "<built-in>");
  ASSERT_TRUE(in) << in.error().to_string();
  UncertaintySpec spec;
  spec.training = {"", DemandModel::lognormal, 0.3, 0.5, {}};
  RiskOptions options;
  options.futures = 200;
  options.threads = 2;
  auto base = run_risk(*in, spec, {}, options);
  ASSERT_TRUE(base) << base.error().to_string();
  const uint64_t seed = in->scenario.seed;
  auto doubled = run_risk_with(*in, {}, options, [&](const Book& book) -> Result<FutureEvaluator> {
    return [&spec, &book, seed](int64_t k) -> Result<FutureOutcome> {
      FutureOutcome o = evaluate_future(book, sample_future(spec, book, seed, k));
      o.cost_usd *= 2;
      return o;
    };
  });
  ASSERT_TRUE(doubled) << doubled.error().to_string();
  EXPECT_GT(base->cost.p95, base->cost.p5);  // the futures differ
  EXPECT_DOUBLE_EQ(doubled->cost.mean, 2 * base->cost.mean);
  EXPECT_DOUBLE_EQ(doubled->cost.p95, 2 * base->cost.p95);
  EXPECT_EQ(doubled->shortfall_expected_gpu_hours, base->shortfall_expected_gpu_hours);
  auto refused = run_risk_with(*in, {}, options, [](const Book&) -> Result<FutureEvaluator> {
    return fail("sim.yaml", 3, 5, "workload", "cannot be scaled");
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "workload");
}

}  // namespace
}  // namespace gpufleet::risk
