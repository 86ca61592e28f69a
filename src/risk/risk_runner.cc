// run_risk_with: checks, the book, any evaluator's futures through the runner (threads,
// ranks), then the summaries on rank 0 in index order, so that the result is the same for any
// thread and rank count. run_risk: the same with the period model.
#include <algorithm>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "gpufleet/risk.h"
#include "risk/future_runner.h"
#include "risk/future_sampler.h"
#include "risk/period_model.h"
#include "risk/rank_group.h"
#include "risk/risk_book.h"
#include "risk/risk_run.h"
#include "risk/risk_stats.h"
#include "risk/simulated_future.h"

namespace gpufleet {

namespace {
constexpr double kMaxRiskOutcomeBytes = 4.0 * (1 << 30);  // what the outcomes of one run may take
}  // namespace

namespace risk {

Result<RiskResult> run_risk_with(const PlanInputs& in, const std::vector<Contract>& commitments, const RiskOptions& options,
                                 const EvaluatorFactory& make_evaluator) {
  // Every rank checks the same things; they agree before any future is evaluated, so that a
  // rank that fails never leaves the others waiting for its outcomes.
  std::optional<risk::Book> book;
  std::optional<FutureEvaluator> evaluate;
  Result<void> ready = [&]() -> Result<void> {
    if (options.futures < 1 || options.futures > kMaxRiskFutures)
      return fail("<command line>", 0, 0, "--futures", fmt::format("{}: expected from 1 to {}", options.futures, kMaxRiskFutures));
    if (options.threads < 1) return fail("<command line>", 0, 0, "--threads", "expected at least 1");
    if (options.shards < 0 || (options.shards > 0 && (options.shard < 0 || options.shard >= options.shards)))
      return fail("<command line>", 0, 0, "--shard", fmt::format("{}/{}: expected I/K with 0 <= I < K", options.shard, options.shards));
    if (options.shards > 0 && options.ranks && options.ranks->size() > 1)
      return fail("<command line>", 0, 0, "--shard", "a shard runs in one process: use --shard or mpirun, not both");
    auto made = risk::make_book(in, commitments);
    if (!made) return fail(made.error());
    book = std::move(*made);
    // Each future's outcome is kept until the end (futures.csv has a row per future, on
    // rank 0): refuse a run whose outcomes would not fit before allocating them.
    const Scenario& sc = in.scenario;
    const auto periods = static_cast<size_t>(in.periods);
    const size_t doubles_per_future = 3 * periods + static_cast<size_t>(book->calendar.years) +
                                      sc.providers.size() * (4 + periods) + 3 * book->streams.size() + 2 * sc.sites.size();
    constexpr size_t kVectors = 14, kAllocationOverhead = 16;
    const double bytes_per_future =
        static_cast<double>(sizeof(FutureOutcome) + 8 * doubles_per_future + kVectors * kAllocationOverhead);
    if (bytes_per_future * static_cast<double>(options.futures) > kMaxRiskOutcomeBytes)
      return fail("<command line>", 0, 0, "--futures",
                  fmt::format("{} futures of this plan keep about {:.1f} GiB of outcomes; at most {:.0f} GiB ({} futures)", options.futures,
                              bytes_per_future * static_cast<double>(options.futures) / (1 << 30), kMaxRiskOutcomeBytes / (1 << 30),
                              static_cast<int64_t>(kMaxRiskOutcomeBytes / bytes_per_future)));
    auto e = make_evaluator(*book);
    if (!e) return fail(e.error());
    evaluate = std::move(*e);
    return {};
  }();
  std::unique_ptr<risk::RankGroup> alone;
  risk::RankGroup* ranks = options.ranks;
  if (!ranks) {
    alone = risk::single_process_group();
    ranks = alone.get();
  }
  if (auto ok = risk::agree(*ranks, ready); !ok) return fail(ok.error());
  const Scenario& sc = in.scenario;

  RiskResult r;
  r.scenario = sc.name;
  r.futures = options.futures;
  r.seed = sc.seed;
  r.fidelity = options.fidelity;
  r.streams = book->streams;
  for (int t = 0; t < in.periods; ++t) r.period_labels.push_back(period_label(in, t));
  for (int y = 0; y < book->calendar.years; ++y) r.year_labels.push_back(period_label(in, y * (12 / in.period_months)).substr(0, 4));
  for (const auto& p : sc.providers) r.providers.push_back(p.name);
  for (const auto& s : sc.sites) r.sites.push_back(s.name);
  for (size_t c = 0; c < book->contracts.size(); ++c) {
    const Contract& k = book->contracts[c];
    RiskResult::ContractTerms t;
    t.name = k.name;
    t.provider = sc.providers[static_cast<size_t>(k.provider)].name;
    t.site = sc.sites[static_cast<size_t>(k.site)].name;
    t.accelerator = sc.accelerators[static_cast<size_t>(k.accelerator)].name;
    t.existing = c < sc.contracts.size();
    t.start_unix_s = sc.start_unix_s + static_cast<int64_t>(k.start_s);
    t.end_unix_s = sc.start_unix_s + static_cast<int64_t>(k.in_force_until_s());
    for (const auto& step : k.ramp) t.peak_gpus = std::max(t.peak_gpus, step.gpus);
    t.usd_per_gpu_hour = k.usd_per_gpu_hour;
    r.contracts.push_back(std::move(t));
  }

  const int64_t chunk = options.fidelity == RiskFidelity::simulator ? 1 : 64;  // a simulation is a second or more
  if (options.shards > 0) {  // one block, on this process's threads
    const auto [first, last] = rank_block(options.futures, options.shard, options.shards);
    const FutureEvaluator& whole = *evaluate;
    auto block = risk::run_futures([&whole, first](int64_t k) { return whole(first + k); },
                                   {last - first, options.threads, nullptr, options.progress, chunk});
    if (!block) return fail(block.error());
    r.reports = false;
    r.first_future = first;
    r.outcomes = std::move(*block);
    return r;
  }
  auto outcomes = risk::run_futures(*evaluate, {options.futures, options.threads, ranks, options.progress, chunk});
  if (!outcomes) return fail(outcomes.error());
  if (ranks->rank() != 0) {
    r.reports = false;
    return r;
  }
  r.outcomes = std::move(*outcomes);

  // Summaries, each over the futures in index order.
  const auto n = static_cast<size_t>(options.futures);
  const auto periods = static_cast<size_t>(in.periods);
  auto over = [&](auto value) {
    std::vector<double> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = value(r.outcomes[k]);
    return risk::summarise(std::move(v));
  };
  r.cost = over([](const FutureOutcome& o) { return o.cost_usd; });
  r.idle_take_or_pay = over([](const FutureOutcome& o) { return o.idle_take_or_pay_usd; });
  r.shortfall_total = over([](const FutureOutcome& o) {
    double s = 0;
    for (double x : o.shortfall_gpu_hours) s += x;
    return s;
  });
  for (size_t t = 0; t < static_cast<size_t>(in.periods); ++t) {
    size_t any = 0;
    for (const auto& o : r.outcomes) any += o.shortfall_gpu_hours[t] > 0 ? 1 : 0;
    r.shortfall_probability.push_back(static_cast<double>(any) / static_cast<double>(n));
    const Distribution d = over([t](const FutureOutcome& o) { return o.shortfall_gpu_hours[t]; });
    r.shortfall_expected_gpu_hours.push_back(d.mean);
    r.shortfall_p95_gpu_hours.push_back(d.p95);
    r.shortfall_by_period.push_back(d);
    r.demand_by_period.push_back(over([t](const FutureOutcome& o) { return o.demand_ref_gpus[t]; }));
    r.delivered_by_period.push_back(over([t](const FutureOutcome& o) { return o.delivered_ref_gpus[t]; }));
  }
  for (size_t k = 0; k < r.streams.size(); ++k)
    r.shortfall_by_stream.push_back(over([k](const FutureOutcome& o) { return o.shortfall_by_stream_gpu_hours[k]; }));
  for (size_t y = 0; y < r.year_labels.size(); ++y)
    r.cost_by_year.push_back(over([y](const FutureOutcome& o) { return o.cost_by_year_usd[y]; }));
  for (size_t p = 0; p < r.providers.size(); ++p) {
    r.cost_by_provider.push_back(over([p](const FutureOutcome& o) { return o.cost_by_provider_usd[p]; }));
    r.idle_by_provider.push_back(over([p](const FutureOutcome& o) { return o.idle_by_provider_usd[p]; }));
    r.spend_by_provider_period.emplace_back();
    for (size_t t = 0; t < periods; ++t)
      r.spend_by_provider_period.back().push_back(
          over([p, t, periods](const FutureOutcome& o) { return o.spend_by_provider_period_usd[p * periods + t]; }));
  }
  return r;
}

}  // namespace risk

Result<RiskResult> run_risk(const PlanInputs& in, const UncertaintySpec& spec, const std::vector<Contract>& commitments,
                            const RiskOptions& options) {
  const uint64_t seed = in.scenario.seed;
  const RiskFidelity fidelity = options.fidelity;
  return risk::run_risk_with(in, commitments, options, [&in, &spec, seed, fidelity](const risk::Book& book) -> Result<risk::FutureEvaluator> {
    if (fidelity == RiskFidelity::period_model)
      return [&spec, &book, seed](int64_t k) -> Result<FutureOutcome> { return risk::evaluate_future(book, risk::sample_future(spec, book, seed, k)); };
    // The simulator: each future a whole simulation (thread-safe: evaluate reads the prepared state).
    auto prepared = risk::SimulatedFutures::prepare(in, book);
    if (!prepared) return fail(prepared.error());
    auto simulated = std::make_shared<const risk::SimulatedFutures>(std::move(*prepared));
    return [&spec, &book, seed, simulated](int64_t k) -> Result<FutureOutcome> {
      auto o = simulated->evaluate(risk::sample_future(spec, book, seed, k));
      if (o) return o;
      Error e = o.error();
      e.message = fmt::format("future {}: {}", k, e.message);
      return fail(std::move(e));
    };
  });
}

}  // namespace gpufleet
