// run_stochastic_plan: futures drawn as `risk` draws them, the two-stage plan on them (the
// planner's extensive form, plan_futures.h), then the deterministic plan and both plans'
// costs on fresh futures (VSS), and each of a few planned futures planned alone (EVPI), each
// pass within what is left of the time limit.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/risk.h"
#include "plan/plan_futures.h"
#include "plan/plan_model_builder.h"
#include "risk/future_sampler.h"
#include "risk/risk_book.h"
#include "util/atomic_file.h"
#include "util/human_format.h"

namespace gpufleet {

Result<std::vector<PlanFuture>> plan_futures(const PlanInputs& in, const UncertaintySpec& spec, uint64_t seed, int64_t first,
                                             int64_t count) {
  auto book = risk::make_book(in, {});
  if (!book) return fail(book.error());
  std::vector<PlanFuture> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t k = first; k < first + count; ++k) {
    risk::FutureDraws d = risk::sample_future(spec, *book, seed, k);
    PlanFuture f;
    f.weight = 1.0 / static_cast<double>(count);
    f.demand = std::move(d.demand);
    f.delivery_delay_s = std::move(d.delivery_delay_s);
    f.unavailable = std::move(d.unavailable);
    f.on_demand_price = std::move(d.on_demand_price);
    f.spot_price = std::move(d.spot_price);
    out.push_back(std::move(f));
  }
  return out;
}

Result<StochasticPlanResult> run_stochastic_plan(const PlanInputs& given, const UncertaintySpec& spec,
                                                 const StochasticPlanOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto left = [&] { return o.plan.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const std::string where = "<command line>";
  if (o.futures < 1 || o.futures > 100000) return fail(where, 0, 0, "--futures", fmt::format("{}: expected from 1 to 100,000", o.futures));
  if (o.evaluation_futures < 0 || o.evaluation_futures > 100000)
    return fail(where, 0, 0, "--evaluation-futures", "expected from 0 to 100,000");
  if (o.perfect_information_futures < 0 || o.perfect_information_futures > o.futures)
    return fail(where, 0, 0, "--evpi-futures", fmt::format("expected from 0 to --futures ({})", o.futures));
  if (!(spec.shortfall_penalty_usd_per_ref_gpu_hour > 0))
    return fail("<scenario>", 0, 0, "uncertainty.shortfall_penalty_usd_per_ref_gpu_hour",
                "the stochastic plan needs what unmet demand costs: set uncertainty.shortfall_penalty_usd_per_ref_gpu_hour");
  PlanInputs in = given;
  if (auto ok = prepare_plan_inputs(in); !ok) return fail(ok.error());
  // A model too large for memory is refused before any is built or sampled: the forecast
  // model and one future's block, times the futures planned on or evaluated.
  {
    auto sample = plan_futures(in, spec, in.scenario.seed, 0, 1);
    if (!sample) return fail(sample.error());
    plan::BuildOptions build;
    build.futures_price_horizon = true;
    build.forecast_unmet_usd_per_ref_gpu_hour = spec.shortfall_penalty_usd_per_ref_gpu_hour;
    const size_t most = static_cast<size_t>(std::max(o.futures, o.evaluation_futures));
    if (auto ok = plan::check_stochastic_size(in, plan::build_plan_model(in, build), sample->front(), most,
                                              spec.shortfall_penalty_usd_per_ref_gpu_hour);
        !ok)
      return fail(where, 0, 0, "--futures", ok.error().message);
  }

  StochasticPlanResult r;
  r.futures = o.futures;
  r.seed = in.scenario.seed;
  r.shortfall_penalty_usd_per_ref_gpu_hour = spec.shortfall_penalty_usd_per_ref_gpu_hour;
  r.risk_aversion = o.risk_aversion;
  r.cvar_alpha = o.cvar_alpha;
  if (!spec.power.empty())
    r.notes.push_back("power shortfalls are not weighed by the stochastic plan (it plans within the full power caps); "
                      "`gpufleet risk` evaluates them");

  StochasticOptions so;
  so.shortfall_usd_per_ref_gpu_hour = spec.shortfall_penalty_usd_per_ref_gpu_hour;
  so.risk_aversion = o.risk_aversion;
  so.cvar_alpha = o.cvar_alpha;
  auto planned = plan_futures(in, spec, r.seed, 0, o.futures);
  if (!planned) return fail(planned.error());
  so.futures = std::move(*planned);

  // The stochastic plan: most of the time; the passes after it share what is left.
  const bool after = o.evaluation_futures > 0 || o.perfect_information_futures > 0;
  PlanOptions po = o.plan;
  po.stochastic = so;
  po.time_limit_s = std::max(0.01, after ? 0.6 * left() : left());
  auto plan = run_plan(in, po);
  if (!plan) return fail(plan.error());
  r.plan = std::move(*plan);
  if (r.plan.status == PlanStatus::infeasible || r.plan.status == PlanStatus::no_plan_found) return r;

  // VSS: both plans on fresh futures.
  if (o.evaluation_futures > 0) {
    PlanOptions det = o.plan;
    det.marginals = det.limit_costs = det.diagnose = false;
    det.time_limit_s = std::max(0.01, left() / 3);
    auto deterministic = run_plan(in, det);
    if (!deterministic) return fail(deterministic.error());
    const bool have_det = deterministic->status == PlanStatus::optimal || deterministic->status == PlanStatus::time_limit;
    if (have_det) r.deterministic_objective_usd = deterministic->objective_usd;
    r.evaluation_seed = r.seed + 1;
    StochasticOptions fresh = so;
    auto futures = plan_futures(in, spec, r.evaluation_seed, 0, o.evaluation_futures);
    if (!futures) return fail(futures.error());
    fresh.futures = std::move(*futures);
    fresh.risk_aversion = 0;
    if (have_det && left() > 0) {
      auto det_costs = cost_in_futures(in, *deterministic, fresh, std::max(0.01, left() / 2), o.plan.threads);
      auto sto_costs = det_costs && left() > 0 ? cost_in_futures(in, r.plan, fresh, std::max(0.01, left() * (o.perfect_information_futures > 0 ? 0.5 : 1.0)), o.plan.threads)
                                                : Result<std::vector<double>>(fail("", 0, 0, "", "no time"));
      if (det_costs && sto_costs) {
        auto mean = [](const std::vector<double>& v) {
          double s = 0;
          for (double x : v) s += x;
          return s / static_cast<double>(v.size());
        };
        r.evaluation_futures = o.evaluation_futures;
        r.deterministic_expected_usd = mean(*det_costs);
        r.stochastic_expected_usd = mean(*sto_costs);
        r.vss_usd = r.deterministic_expected_usd - r.stochastic_expected_usd;
      } else {
        r.notes.push_back(fmt::format("the value of the stochastic solution was not measured: {}",
                                      !det_costs ? det_costs.error().to_string() : sto_costs.error().to_string()));
      }
    } else {
      r.notes.push_back("the value of the stochastic solution was not measured: the time limit was reached");
    }
  }

  // EVPI: each of the first planned futures planned alone (LP relaxation).
  if (o.perfect_information_futures > 0) {
    double here = 0, wait = 0;
    int64_t done = 0;
    for (int64_t k = 0; k < o.perfect_information_futures && left() > 0; ++k) {
      PlanOptions alone = o.plan;
      alone.relax = true;
      alone.marginals = alone.limit_costs = alone.diagnose = alone.verify = false;
      alone.stochastic = so;
      alone.stochastic.risk_aversion = 0;
      alone.stochastic.futures = {so.futures[static_cast<size_t>(k)]};
      alone.stochastic.futures[0].weight = 1.0;
      alone.time_limit_s = std::max(0.01, left() / static_cast<double>(o.perfect_information_futures - k));
      auto best = run_plan(in, alone);
      if (!best) return fail(best.error());
      if (best->status != PlanStatus::optimal) break;
      here += r.plan.future_cost_usd[static_cast<size_t>(k)];
      wait += best->objective_usd;
      ++done;
    }
    if (done == o.perfect_information_futures) {
      r.perfect_information_futures = done;
      r.here_and_now_usd = here / static_cast<double>(done);
      r.wait_and_see_usd = wait / static_cast<double>(done);
      r.evpi_usd = r.here_and_now_usd - r.wait_and_see_usd;
    } else {
      r.notes.push_back(fmt::format("the expected value of perfect information was not measured: the time limit was reached after {} of {} futures",
                                    done, o.perfect_information_futures));
    }
  }
  return r;
}

std::string format_stochastic_summary(const StochasticPlanResult& r) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  line("");
  line(fmt::format("Stochastic plan: {} futures (seed {}), unmet demand at ${:.2f} per reference GPU-hour{}", r.futures, r.seed,
                   r.shortfall_penalty_usd_per_ref_gpu_hour,
                   r.risk_aversion > 0 ? fmt::format(", objective E[cost] + {:g} x CVaR{:g}", r.risk_aversion, 100 * r.cvar_alpha)
                                       : std::string(", objective E[cost]")));
  if (r.plan.status != PlanStatus::optimal && r.plan.status != PlanStatus::time_limit)
    line("  no plan, so no cost over the futures");
  else
    line(fmt::format("  expected cost {} | CVaR{:g} {} (present value) | expected unmet demand {} reference GPU-hours, over the planned "
                     "futures",
                     human_usd(r.plan.expected_cost_usd), 100 * r.cvar_alpha, human_usd(r.plan.cvar_usd),
                     with_commas(r.plan.expected_shortfall_ref_gpu_hours)));
  if (r.evaluation_futures > 0)
    line(fmt::format("  value of the stochastic solution {} = {} (deterministic plan) - {} (stochastic plan), expected over {} fresh "
                     "futures (seed {})",
                     human_usd(r.vss_usd), human_usd(r.deterministic_expected_usd), human_usd(r.stochastic_expected_usd),
                     r.evaluation_futures, r.evaluation_seed));
  if (r.perfect_information_futures > 0)
    line(fmt::format("  expected value of perfect information {} = {} (this plan) - {} (each future planned alone, fractional "
                     "blocks), over {} planned futures",
                     human_usd(r.evpi_usd), human_usd(r.here_and_now_usd), human_usd(r.wait_and_see_usd), r.perfect_information_futures));
  for (const auto& n : r.notes) line("  note: " + n);
  return out;
}

Result<void> write_stochastic_results(const StochasticPlanResult& r, const std::string& dir) {
  nlohmann::ordered_json j;
  j["futures"] = r.futures;
  j["seed"] = r.seed;
  j["shortfall_penalty_usd_per_ref_gpu_hour"] = r.shortfall_penalty_usd_per_ref_gpu_hour;
  j["risk_aversion"] = r.risk_aversion;
  j["cvar_alpha"] = r.cvar_alpha;
  j["status"] = to_string(r.plan.status);
  const bool have_plan = r.plan.status == PlanStatus::optimal || r.plan.status == PlanStatus::time_limit;
  auto cost = [have_plan](double v) { return have_plan ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
  j["objective_usd"] = cost(r.plan.objective_usd);  // null: no plan
  j["expected_cost_usd"] = cost(r.plan.expected_cost_usd);
  j["cvar_usd"] = cost(r.plan.cvar_usd);
  j["expected_unmet_ref_gpu_hours"] = cost(r.plan.expected_shortfall_ref_gpu_hours);
  j["deterministic_objective_usd"] = r.deterministic_objective_usd;
  j["value_of_stochastic_solution"] = {{"futures", r.evaluation_futures},
                                       {"seed", r.evaluation_seed},
                                       {"deterministic_expected_usd", r.deterministic_expected_usd},
                                       {"stochastic_expected_usd", r.stochastic_expected_usd},
                                       {"vss_usd", r.vss_usd}};
  j["expected_value_of_perfect_information"] = {{"futures", r.perfect_information_futures},
                                                {"here_and_now_usd", r.here_and_now_usd},
                                                {"wait_and_see_usd", r.wait_and_see_usd},
                                                {"evpi_usd", r.evpi_usd}};
  j["future_cost_usd"] = r.plan.future_cost_usd;
  j["notes"] = r.notes;
  return write_file_atomically((std::filesystem::path(dir) / "stochastic.json").string(), j.dump(2) + "\n");
}

}  // namespace gpufleet
