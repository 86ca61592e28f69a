// run_plan: the planner's named passes, each timed and each switchable by PlanOptions:
// build -> solve -> [marginals] -> [limit-costs] -> [verify], or build -> solve -> [diagnose] when
// infeasible.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "gpufleet/plan.h"
#include "plan/cbc_adapter.h"
#include "plan/plan_check.h"
#include "plan/plan_diagnose.h"
#include "plan/plan_benders.h"
#include "plan/plan_futures.h"
#include "plan/plan_marginals.h"
#include "plan/plan_model_builder.h"
#include "plan/plan_rounding.h"
#include "plan/plan_solution.h"
#include "plan/plan_start.h"

namespace gpufleet {

namespace {

// Times a pass into PlanResult::timings and tells options.progress that it starts.
class PassTimer {
 public:
  PassTimer(PlanResult& result, std::string name, const PlanOptions& options)
      : result_(result), name_(std::move(name)), t0_(std::chrono::steady_clock::now()) {
    if (options.progress) options.progress(PlanProgress{name_, "", -1, 0});
  }
  ~PassTimer() {
    result_.timings.push_back(
        {name_, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count()});
  }

 private:
  PlanResult& result_;
  std::string name_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace

Result<PlanResult> run_plan(PlanInputs inputs, const PlanOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  // Wall seconds left of options.time_limit_s, which bounds the whole call.
  auto left = [&] {
    return options.time_limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  if (auto ok = prepare_plan_inputs(inputs); !ok) return fail(ok.error());
  PlanResult result;
  result.relaxed = options.relax;

  const bool stochastic = !options.stochastic.futures.empty();
  using Method = StochasticOptions::Method;
  const bool use_benders = stochastic && (options.stochastic.method == Method::benders ||
                                          (options.stochastic.method == Method::automatic &&
                                           options.stochastic.futures.size() > kExtensiveFormFutures));
  if (stochastic)
    if (auto ok = plan::check_stochastic_inputs(inputs, options.stochastic); !ok) return fail(ok.error());
  plan::PlanModel model;
  std::vector<plan::FutureBlock> futures;
  {
    PassTimer timer(result, "build", options);
    plan::BuildOptions build;
    build.futures_price_horizon = stochastic;
    build.forecast_unmet_usd_per_ref_gpu_hour = options.stochastic.shortfall_usd_per_ref_gpu_hour;
    model = plan::build_plan_model(inputs, build);
    if (stochastic)
      if (auto ok = plan::check_stochastic_size(inputs, model, options.stochastic.futures.front(), options.stochastic.futures.size(),
                                                options.stochastic.shortfall_usd_per_ref_gpu_hour);
          !ok)
        return fail(ok.error());
    if (stochastic && !use_benders) futures = plan::add_future_blocks(inputs, model, options.stochastic);
  }

  plan::SolveRequest request;
  // The search leaves a tenth of the time (at most 5 s) for the marginal values and the check.
  const double reserve = options.marginals && !options.relax ? std::min(5.0, 0.1 * options.time_limit_s) : 0.0;
  request.time_limit_s = std::max(0.01, left() - reserve);
  request.relative_gap = options.relative_gap;
  request.threads = options.threads;
  request.relax = options.relax;
  request.want_duals = options.relax;
  request.roundings = plan::model_roundings(inputs, model);
  std::vector<double> start;  // the stochastic plan's first whole-block plan
  if (stochastic && !options.relax) {
    // The deterministic plan first (a fifth of the time at most): a whole-block plan the search
    // of the stochastic model starts from (plan_start.h).
    PassTimer timer(result, "start", options);
    plan::SolveRequest first = request;
    first.time_limit_s = std::max(0.01, 0.2 * request.time_limit_s);
    first.relative_gap = std::max(request.relative_gap, 0.01);
    start = plan::deterministic_start(inputs, model.lp, first);
    if (!start.empty()) request.roundings.insert(request.roundings.begin(), plan::start_rounding(start));
    request.time_limit_s = std::max(0.01, left() - reserve);
  }
  if (options.progress)
    request.on_pass = [&options](const std::string& pass, double incumbent, double bound) {
      options.progress(PlanProgress{"solve", pass, std::isfinite(incumbent) ? incumbent * plan::kUsdPerObjectiveUnit : -1,
                                    std::isfinite(bound) ? bound * plan::kUsdPerObjectiveUnit : 0});
    };
  plan::SolveOutcome outcome;
  std::vector<plan::SolvedRecourse> recourse;  // Benders: each future's, at the plan
  {
    PassTimer timer(result, "solve", options);
    if (use_benders) {
      auto solved = plan::solve_benders(inputs, model, options.stochastic, request, start);
      if (!solved) return fail(solved.error());
      outcome = std::move(solved->solve);
      futures = std::move(solved->blocks);
      recourse = std::move(solved->recourse);
    } else {
      auto solved = plan::solve_model(model.lp, request);
      if (!solved) return fail(solved.error());
      outcome = std::move(*solved);
    }
  }
  // The model as solved (Benders: the master with its cuts).
  result.size = {static_cast<int>(model.lp.rows().size()), static_cast<int>(model.lp.columns().size()),
                 model.lp.integers(), model.lp.nonzeros()};
  result.solver = outcome.solver;
  result.solver_status = outcome.words;
  for (const auto& p : outcome.passes)
    result.search.push_back({p.name, p.seconds, std::isfinite(p.incumbent) ? p.incumbent * plan::kUsdPerObjectiveUnit : -1,
                             std::isfinite(p.bound) ? p.bound * plan::kUsdPerObjectiveUnit : -1});
  if (std::isfinite(outcome.best_bound)) result.best_bound_usd = outcome.best_bound * plan::kUsdPerObjectiveUnit;

  switch (outcome.status) {
    case plan::SolveStatus::optimal: result.status = PlanStatus::optimal; break;
    case plan::SolveStatus::time_limit: result.status = PlanStatus::time_limit; break;
    case plan::SolveStatus::time_limit_no_solution: result.status = PlanStatus::no_plan_found; break;
    case plan::SolveStatus::infeasible: result.status = PlanStatus::infeasible; break;
    case plan::SolveStatus::unbounded:
      // Every column is bounded or priced at >= 0, so this is a broken invariant of the builder.
      return fail(Error{"<plan>", 0, 0, "", "the solver reports an unbounded model (a planner bug)"});
  }

  if (result.status == PlanStatus::infeasible) {
    if (options.diagnose) {
      PassTimer timer(result, "diagnose", options);
      plan::SolveRequest r = request;
      r.on_pass = nullptr;  // the search passes of the solve alone are reported
      r.time_limit_s = std::max(1.0, left());
      auto causes = plan::diagnose_infeasibility(inputs, r);
      if (!causes) return fail(causes.error());
      result.diagnosis = std::move(*causes);
    }
    return result;
  }
  if (outcome.x.empty()) return result;

  result.objective_usd = outcome.objective * plan::kUsdPerObjectiveUnit;
  result.best_bound_usd = outcome.best_bound * plan::kUsdPerObjectiveUnit;
  result.gap = std::abs(result.objective_usd) > 0
                   ? std::max(0.0, (result.objective_usd - result.best_bound_usd) / std::abs(result.objective_usd))
                   : 0.0;
  plan::fill_plan_result(inputs, model, outcome.x, result);
  if (stochastic) {
    plan::summarise_futures(options.stochastic, futures, outcome.x, recourse, result);
    result.notes.push_back(
        "a stochastic plan: its objective is the futures' expected cost; the periods and costs per year and provider show "
        "how the forecast would be served by its commitments");
    result.notes.push_back("marginal values, limit costs and the plan check are of deterministic plans: skipped");
    return result;
  }

  if (options.marginals && left() > 0) {
    PassTimer timer(result, "marginals", options);
    // At most as long as the search took (at least 2 s): the estimates come first, the exact
    // re-solves as far as that allows.
    plan::SolveRequest r = request;
    r.on_pass = nullptr;  // the search passes of the solve alone are reported
    r.time_limit_s = std::min(left(), std::max(2.0, outcome.seconds));
    auto values = plan::compute_marginals(inputs, model, outcome, r);
    if (!values) return fail(values.error());
    result.marginals = std::move(*values);
  } else if (options.marginals) {
    result.notes.push_back("marginal values skipped: the time limit was reached");
  }
  // What the whole provider share cap costs: the LP relaxation solved again without it (and,
  // for a MILP plan, with it, for a like-for-like difference), when it binds and time is left.
  const bool cap_binds = std::any_of(result.marginals.begin(), result.marginals.end(), [](const MarginalValue& m) {
    return m.kind == "share_point" && m.period == "all" && m.usd > 0;
  });
  if (options.limit_costs && cap_binds && inputs.max_provider_share < 1 && left() > 0) {
    PassTimer timer(result, "limit-costs", options);
    // At most as long as the search took (at least 2 s), like the marginal values.
    const auto pass_start = std::chrono::steady_clock::now();
    const double budget_s = std::min(left(), std::max(2.0, outcome.seconds));
    const auto pass_left = [&] {
      return std::min(left(), budget_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - pass_start).count());
    };
    PlanOptions lp;
    lp.relax = true;
    lp.marginals = lp.verify = lp.diagnose = lp.limit_costs = false;
    lp.threads = options.threads;
    std::optional<double> with_cap;
    if (options.relax) {
      with_cap = result.objective_usd;
    } else {
      lp.time_limit_s = std::max(0.01, pass_left() / 2);
      if (auto r = run_plan(inputs, lp); r && r->status == PlanStatus::optimal) with_cap = r->objective_usd;
    }
    PlanInputs uncapped = inputs;
    uncapped.max_provider_share = 1.0;
    lp.time_limit_s = std::max(0.01, pass_left());
    auto without = with_cap && pass_left() > 0 ? run_plan(std::move(uncapped), lp) : Result<PlanResult>(fail("", 0, 0, "", "no time"));
    if (with_cap && without && without->status == PlanStatus::optimal)
      result.share_cap_cost_usd = std::max(0.0, *with_cap - without->objective_usd);
    else
      result.notes.push_back("the whole share cap's cost was not measured: the time limit was reached");
  }
  if (options.verify) {
    PassTimer timer(result, "verify", options);
    result.check_failures = plan::check_plan(inputs, model, outcome.x, options.relax);
  }
  return result;
}

Result<std::vector<double>> cost_in_futures(PlanInputs inputs, const PlanResult& plan, const StochasticOptions& futures,
                                            double time_limit_s, int threads) {
  if (auto ok = prepare_plan_inputs(inputs); !ok) return fail(ok.error());
  if (auto ok = plan::check_stochastic_inputs(inputs, futures); !ok) return fail(ok.error());
  plan::BuildOptions build;
  build.futures_price_horizon = true;
  build.forecast_unmet_usd_per_ref_gpu_hour = futures.shortfall_usd_per_ref_gpu_hour;
  plan::PlanModel model = plan::build_plan_model(inputs, build);
  if (auto ok = plan::check_stochastic_size(inputs, model, futures.futures.front(), futures.futures.size(),
                                            futures.shortfall_usd_per_ref_gpu_hour);
      !ok)
    return fail(ok.error());
  // The plan's commitments fix the blocks of every contract variable of the horizon.
  std::map<std::tuple<int, int, int>, double> gpus;  // (offer, start period, term years) -> GPUs
  for (const auto& c : plan.commitments)
    if (c.kind == Commitment::Kind::gpus) gpus[{c.offer, c.start_period, c.term_years}] += static_cast<double>(c.gpus);
  for (const auto& cv : model.contracts) {
    if (cv.in_tail) continue;
    const ContractOffer& offer = inputs.offers[static_cast<size_t>(cv.offer)];
    auto it = gpus.find({cv.offer, cv.start, offer.terms[static_cast<size_t>(cv.term)].years});
    const double n = it == gpus.end() ? 0.0 : it->second / static_cast<double>(offer.block_gpus);
    if (it != gpus.end()) gpus.erase(it);
    auto& col = model.lp.columns()[static_cast<size_t>(cv.column)];
    col.lower = col.upper = n;
    if (cv.taken >= 0) {
      auto& y = model.lp.columns()[static_cast<size_t>(cv.taken)];
      y.lower = y.upper = n > 0 ? 1.0 : 0.0;
    }
  }
  if (!gpus.empty())
    return fail("<plan>", 0, 0, "commitments", "a commitment of the plan matches no offer, start and term of these inputs");
  plan::SolveRequest request;
  request.time_limit_s = time_limit_s;
  request.threads = threads;
  auto solved = plan::solve_benders(inputs, model, futures, request, {}, true);
  if (!solved) return fail(solved.error());
  if (solved->solve.status != plan::SolveStatus::optimal)
    return fail("<plan>", 0, 0, "futures",
                fmt::format("the plan's recourse in these futures was not solved ({})", plan::to_string(solved->solve.status)));
  PlanResult evaluated;
  evaluated.objective_usd = solved->solve.objective * plan::kUsdPerObjectiveUnit;
  plan::summarise_futures(futures, solved->blocks, solved->solve.x, solved->recourse, evaluated);
  return evaluated.future_cost_usd;
}

}  // namespace gpufleet
