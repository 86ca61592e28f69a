// bench_plan: the planner on the built-in seven-year plan (5 providers, 14 sites, 4
// accelerators, 4 terms, N-1 on providers and sites), opt-in (-DGPUFLEET_BENCH=ON).
//   plan/default_milp     the MILP at a 0.5% relative gap, 10 s limit, 2 threads
//   plan/default_lp       its LP relaxation alone
//   plan/scale/S/P        the MILP on S of the sites for P quarters (growth of solve time)
// Each prints the status, objective, gap and model size as counters: time per solve is the
// wall time of one run_plan (build + solve + marginals + verify).
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include "gpufleet/plan.h"

namespace {

using gpufleet::PlanInputs;

PlanInputs default_inputs() {
  auto in = gpufleet::load_plan_text(std::string(gpufleet::default_plan_scenario_yaml()), "<built-in>");
  if (!in) {
    std::fprintf(stderr, "default plan does not load: %s\n", in.error().to_string().c_str());
    std::abort();
  }
  return *in;
}

// `sites` sites of the default plan, taken across providers first (so that the share cap and
// N-1 stay satisfiable), for `periods` periods; offers, markets, existing contracts and
// inference demand outside them are dropped.
PlanInputs subset(PlanInputs in, int sites, int periods) {
  auto& sc = in.scenario;
  // One site per provider, then the EU and SG sites, then the rest (indices of the default).
  const int order[] = {0, 4, 7, 11, 13, 2, 3, 6, 10, 1, 5, 8, 9, 12};
  std::vector<int> new_index(sc.sites.size(), -1);
  std::vector<gpufleet::Site> kept;
  for (int i = 0; i < sites; ++i) {
    new_index[static_cast<size_t>(order[i])] = i;
    kept.push_back(sc.sites[static_cast<size_t>(order[i])]);
  }
  sc.sites = kept;
  auto gone = [&](int site) { return new_index[static_cast<size_t>(site)] < 0; };
  std::erase_if(in.offers, [&](const auto& o) { return gone(o.site); });
  std::erase_if(sc.markets, [&](const auto& m) { return gone(m.site); });
  std::erase_if(sc.contracts, [&](const auto& c) { return gone(c.site); });
  for (auto& o : in.offers) o.site = new_index[static_cast<size_t>(o.site)];
  for (auto& m : sc.markets) m.site = new_index[static_cast<size_t>(m.site)];
  for (auto& c : sc.contracts) c.site = new_index[static_cast<size_t>(c.site)];
  std::erase_if(in.inference, [&](const auto& d) {
    for (const auto& s : sc.sites)
      if (s.jurisdiction == d.jurisdiction) return false;
    return true;
  });
  in.periods = periods;
  in.training_ref_gpu_hours.resize(static_cast<size_t>(periods));
  for (auto& d : in.inference) d.ref_gpus.resize(static_cast<size_t>(periods));
  return in;
}

void run(benchmark::State& state, const PlanInputs& in, bool relax) {
  gpufleet::PlanOptions o;
  o.time_limit_s = 10;
  o.relative_gap = 0.005;
  o.threads = 2;
  o.relax = relax;
  gpufleet::PlanResult last;
  for (auto _ : state) {
    auto r = gpufleet::run_plan(in, o);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
    last = std::move(*r);
  }
  double solve_s = 0;
  for (const auto& p : last.timings)
    if (p.name == "solve") solve_s = p.seconds;
  state.counters["solve_s"] = solve_s;
  state.counters["gap_pct"] = 100 * last.gap;
  state.counters["objective_B"] = last.objective_usd / 1e9;
  state.counters["rows"] = last.size.rows;
  state.counters["cols"] = last.size.columns;
  state.counters["ints"] = last.size.integers;
  state.counters["nnz"] = static_cast<double>(last.size.nonzeros);
  state.counters["optimal"] = last.status == gpufleet::PlanStatus::optimal ? 1 : 0;
  state.counters["verified"] = last.check_failures.empty() ? 1 : 0;
  state.SetLabel(std::string(gpufleet::to_string(last.status)));
}

}  // namespace

int main(int argc, char** argv) {
  static const PlanInputs full = default_inputs();
  benchmark::RegisterBenchmark("plan/default_milp", [](benchmark::State& s) { run(s, full, false); })
      ->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("plan/default_lp", [](benchmark::State& s) { run(s, full, true); })
      ->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();
  static std::vector<PlanInputs> scaled;
  const int site_counts[] = {5, 9, 14};
  const int period_counts[] = {8, 16, 28};
  for (int s : site_counts)
    for (int p : period_counts) scaled.push_back(subset(full, s, p));
  size_t k = 0;
  for (int s : site_counts)
    for (int p : period_counts) {
      const PlanInputs* in = &scaled[k++];
      benchmark::RegisterBenchmark(("plan/scale/sites:" + std::to_string(s) + "/quarters:" + std::to_string(p)).c_str(),
                                   [in](benchmark::State& st) { run(st, *in, false); })
          ->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
    }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
