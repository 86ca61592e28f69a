#include "risk/future_runner.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "risk/outcome_codec.h"

namespace gpufleet::risk {

namespace {

constexpr int64_t kChunk = 64;  // futures a thread takes at once

// The outcomes of [first, last) on this rank's threads, or the error of the lowest future in
// it that failed.
Result<std::vector<FutureOutcome>> run_block(const FutureEvaluator& evaluate, int64_t first, int64_t last, const FutureRun& run) {
  const int64_t n = last - first;
  std::vector<FutureOutcome> outcomes(static_cast<size_t>(n));
  if (n == 0) return outcomes;
  std::atomic<int64_t> next{first}, done{0};
  // Futures at or after the lowest failure so far are skipped; those before it still run, so
  // that the error kept is the lowest future's whatever the threads' timing.
  std::atomic<int64_t> failed_at{std::numeric_limits<int64_t>::max()};
  std::mutex error_mutex;
  std::optional<Error> error;
  auto work = [&] {
    for (;;) {
      const int64_t from = next.fetch_add(kChunk);
      if (from >= last || from >= failed_at.load()) return;
      const int64_t to = std::min(last, from + kChunk);
      for (int64_t k = from; k < to && k < failed_at.load(); ++k) {
        Result<FutureOutcome> o = evaluate(k);
        if (o) {
          outcomes[static_cast<size_t>(k - first)] = std::move(*o);
          continue;
        }
        std::lock_guard lock(error_mutex);
        if (k < failed_at.load()) {
          failed_at.store(k);
          error = o.error();
        }
        return;
      }
      const int64_t now = done.fetch_add(to - from) + (to - from);
      if (run.progress) run.progress(std::min(now, n), n);
    }
  };
  const int threads = static_cast<int>(std::min<int64_t>(run.threads, (n + kChunk - 1) / kChunk));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) return fail(*error);
  return outcomes;
}

}  // namespace

std::pair<int64_t, int64_t> rank_block(int64_t futures, int rank, int size) {
  // futures <= kMaxRiskFutures (1e7) and size <= INT_MAX: the products fit in 64 bits.
  return {futures * rank / size, futures * (rank + 1) / size};
}

Result<std::vector<FutureOutcome>> run_futures(const FutureEvaluator& evaluate, const FutureRun& run) {
  std::unique_ptr<RankGroup> alone;
  RankGroup* ranks = run.ranks;
  if (!ranks) {
    alone = single_process_group();
    ranks = alone.get();
  }
  const auto [first, last] = rank_block(run.futures, ranks->rank(), ranks->size());
  auto block = run_block(evaluate, first, last, run);
  // Blocks are in future order, so the lowest failing rank holds the lowest failing future.
  if (auto ok = agree(*ranks, block ? Result<void>{} : fail(block.error())); !ok) return fail(ok.error());
  if (ranks->size() == 1) return block;

  std::string mine;
  if (ranks->rank() != 0)
    for (const FutureOutcome& o : *block) encode_outcome(o, mine);
  std::vector<FutureOutcome> all;
  std::optional<Error> corrupt;
  ranks->gather_to_root(mine, [&](int rank, std::string_view bytes) {
    if (rank == 0) {
      all = std::move(*block);
      all.resize(static_cast<size_t>(run.futures));
      return;
    }
    const auto [from, to] = rank_block(run.futures, rank, ranks->size());
    for (int64_t k = from; k < to && !corrupt; ++k)
      if (!decode_outcome(bytes, all[static_cast<size_t>(k)]))
        corrupt = Error{"<mpi>", 0, 0, "", fmt::format("the outcome of future {} from MPI rank {} did not arrive whole", k, rank)};
    if (!corrupt && !bytes.empty())
      corrupt = Error{"<mpi>", 0, 0, "", fmt::format("MPI rank {} sent more outcomes than its {} futures", rank, to - from)};
  });
  if (corrupt) return fail(*corrupt);
  return all;
}

}  // namespace gpufleet::risk
