// Futures 0 .. N-1 evaluated by any per-future evaluator (the period model; the simulator),
// on threads and across ranks: rank r of K takes the contiguous block rank_block(N, r, K), its
// threads take chunks of 64 futures of it in turn, each outcome is written into its own slot,
// and rank 0 gathers every rank's block in index order. A future depends on (seed, k) alone,
// so the outcomes are the same bytes for any thread and rank count.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "gpufleet/risk.h"
#include "risk/rank_group.h"

namespace gpufleet::risk {

// Evaluate future k. Called from worker threads, concurrently for different k: it may read
// shared state only, and its result must depend on k (and that state) alone.
using FutureEvaluator = std::function<Result<FutureOutcome>(int64_t future)>;

struct FutureRun {
  int64_t futures = 0;         // >= 1
  int threads = 1;             // >= 1, on this rank
  RankGroup* ranks = nullptr;  // nullptr: this process alone
  // Called from worker threads with the futures of this rank's block done so far and the
  // block's size; may be empty.
  std::function<void(int64_t done, int64_t total)> progress;
};

// [first, last) of the futures rank `rank` of `size` evaluates: contiguous, in rank order,
// sizes differing by at most one (empty when there are more ranks than futures).
std::pair<int64_t, int64_t> rank_block(int64_t futures, int rank, int size);

// Collective over run.ranks. Rank 0: every outcome, indexed by future. Other ranks: empty.
// When the evaluator fails, every rank gets the error of the lowest future that failed (the
// futures after it on its rank are not evaluated).
Result<std::vector<FutureOutcome>> run_futures(const FutureEvaluator& evaluate, const FutureRun& run);

}  // namespace gpufleet::risk
