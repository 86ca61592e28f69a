// run_risk: futures on threads, each written into its own slot, then summarised in index
// order, so that the result is the same for any thread count.
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "gpufleet/risk.h"
#include "risk/future_sampler.h"
#include "risk/period_model.h"
#include "risk/risk_book.h"
#include "risk/risk_stats.h"
#include "risk/simulated_future.h"

namespace gpufleet {

namespace {
constexpr double kMaxRiskOutcomeBytes = 4.0 * (1 << 30);  // what the outcomes of one run may take
}  // namespace

Result<RiskResult> run_risk(const PlanInputs& in, const UncertaintySpec& spec, const std::vector<Contract>& commitments,
                            const RiskOptions& options) {
  if (options.futures < 1 || options.futures > kMaxRiskFutures)
    return fail("<command line>", 0, 0, "--futures", fmt::format("{}: expected from 1 to {}", options.futures, kMaxRiskFutures));
  if (options.threads < 1) return fail("<command line>", 0, 0, "--threads", "expected at least 1");
  auto book = risk::make_book(in, commitments);
  if (!book) return fail(book.error());
  const Scenario& sc = in.scenario;

  // Each future's outcome is kept until the end (futures.csv has a row per future): refuse a
  // run whose outcomes would not fit before allocating them.
  const size_t doubles_per_future = static_cast<size_t>(in.periods + book->calendar.years) + 4 * sc.providers.size() +
                                    3 * book->streams.size() + 2 * sc.sites.size();
  constexpr size_t kVectors = 11, kAllocationOverhead = 16;
  const double bytes_per_future =
      static_cast<double>(sizeof(FutureOutcome) + 8 * doubles_per_future + kVectors * kAllocationOverhead);
  if (bytes_per_future * static_cast<double>(options.futures) > kMaxRiskOutcomeBytes)
    return fail("<command line>", 0, 0, "--futures",
                fmt::format("{} futures of this plan keep about {:.1f} GiB of outcomes; at most {:.0f} GiB ({} futures)", options.futures,
                            bytes_per_future * static_cast<double>(options.futures) / (1 << 30), kMaxRiskOutcomeBytes / (1 << 30),
                            static_cast<int64_t>(kMaxRiskOutcomeBytes / bytes_per_future)));

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
  r.contracts = static_cast<int>(book->contracts.size());
  r.outcomes.resize(static_cast<size_t>(options.futures));

  // The evaluator: the period model, or the simulator (each future a whole simulation, taken one at a time).
  std::optional<risk::SimulatedFutures> simulated;
  if (options.fidelity == RiskFidelity::simulator) {
    auto s = risk::SimulatedFutures::prepare(in, *book);
    if (!s) return fail(s.error());
    simulated = std::move(*s);
  }
  std::vector<std::optional<Error>> errors(simulated ? r.outcomes.size() : 0);
  auto evaluate = [&](int64_t k) {
    const risk::FutureDraws draws = risk::sample_future(spec, *book, sc.seed, k);
    if (!simulated) return risk::evaluate_future(*book, draws);
    auto o = simulated->evaluate(draws);
    if (o) return std::move(*o);
    Error e = o.error();
    e.message = fmt::format("future {}: {}", k, e.message);
    errors[static_cast<size_t>(k)] = std::move(e);
    return FutureOutcome{};
  };

  const int threads = static_cast<int>(std::min<int64_t>(options.threads, options.futures));
  std::atomic<int64_t> next{0}, done{0};
  const int64_t chunk = simulated ? 1 : 64;  // futures taken at once by a thread
  auto work = [&] {
    for (;;) {
      const int64_t first = next.fetch_add(chunk);
      if (first >= options.futures) return;
      const int64_t last = std::min(options.futures, first + chunk);
      for (int64_t k = first; k < last; ++k)
        r.outcomes[static_cast<size_t>(k)] = evaluate(k);
      const int64_t now = done.fetch_add(last - first) + (last - first);
      if (options.progress) options.progress(now, options.futures);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)  // the first future, in index order, that could not be simulated
    if (e) return fail(*e);

  // Summaries, each over the futures in index order.
  const auto n = static_cast<size_t>(options.futures);
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
  }
  for (size_t k = 0; k < r.streams.size(); ++k)
    r.shortfall_by_stream.push_back(over([k](const FutureOutcome& o) { return o.shortfall_by_stream_gpu_hours[k]; }));
  for (size_t y = 0; y < r.year_labels.size(); ++y)
    r.cost_by_year.push_back(over([y](const FutureOutcome& o) { return o.cost_by_year_usd[y]; }));
  for (size_t p = 0; p < r.providers.size(); ++p) {
    r.cost_by_provider.push_back(over([p](const FutureOutcome& o) { return o.cost_by_provider_usd[p]; }));
    r.idle_by_provider.push_back(over([p](const FutureOutcome& o) { return o.idle_by_provider_usd[p]; }));
  }
  return r;
}

}  // namespace gpufleet
