// workload: {from_plan_demand: true}: the plan's demand cut into jobs with the size and
// duration mix of the scenario's workload classes (docs/scenario-format.md).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "gpufleet/plan.h"
#include "gpufleet/workload.h"
#include "plan/plan_model_builder.h"
#include "util/digest.h"
#include "util/rng.h"

namespace gpufleet {

namespace {

// The most jobs a demand workload may make (as the generator's guard: 50 M jobs take 2 GB).
constexpr double kMaxDemandJobs = 50e6;

// Mean of min(X, cap) for X lognormal with the given median and sigma of ln X.
double capped_lognormal_mean(double median, double sigma, double cap) {
  if (!(sigma > 0)) return std::min(median, cap);
  const double mu = std::log(median), lc = std::log(cap);
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  return std::exp(mu + 0.5 * sigma * sigma) * phi((lc - mu - sigma * sigma) / sigma) + cap * (1.0 - phi((lc - mu) / sigma));
}

// The classes one demand stream draws its jobs from, each with its arrival rate as weight.
struct Mix {
  std::vector<size_t> classes;
  std::vector<double> cumulative;  // of arrivals_per_hour
  double mean_gpu_hours = 0;       // per job drawn
};

Mix mix_of(const std::vector<JobClass>& classes, const std::vector<size_t>& chosen) {
  Mix m;
  double total = 0, gpu_hours = 0;
  for (size_t i : chosen) {
    const JobClass& c = classes[i];
    if (!(c.arrivals_per_hour > 0)) continue;
    double weights = 0, gpus = 0;
    for (size_t k = 0; k < c.gpus.size(); ++k) {
      weights += c.gpus_weight[k];
      gpus += c.gpus_weight[k] * c.gpus[k];
    }
    const double mean_gpus = weights > 0 ? gpus / weights : 0;
    total += c.arrivals_per_hour;
    gpu_hours += c.arrivals_per_hour * mean_gpus * capped_lognormal_mean(c.duration_median_s, c.duration_sigma, c.duration_max_s) /
                 kSecondsPerHour;
    m.classes.push_back(i);
    m.cumulative.push_back(total);
  }
  m.mean_gpu_hours = total > 0 ? gpu_hours / total : 0;
  return m;
}

}  // namespace

Result<Workload> build_plan_demand_workload(const PlanInputs& in, const std::vector<std::vector<double>>& demand_multiplier) {
  const Scenario& sc = in.scenario;
  const auto& classes = sc.workload.classes;
  auto error = [&](std::string field, std::string message) { return fail(sc.source_file, 0, 0, std::move(field), std::move(message)); };
  if (static_cast<int>(in.period_start_unix_s.size()) < in.periods + 1) return error("plan", "the plan's calendar is not prepared");
  if (classes.empty()) return error("workload.classes", "expected the job-size and duration mix the plan's demand is cut into");
  Workload w;
  auto templates = job_class_templates(sc, w);
  if (!templates) return fail(templates.error());

  // Streams: training (anywhere) from the classes of other kinds than inference, the inference
  // of each jurisdiction from the inference classes open to it; a stream with no such class
  // draws from every class.
  const size_t streams = 1 + in.inference.size();
  if (!demand_multiplier.empty() && demand_multiplier.size() != streams)
    return error("demand_multiplier", fmt::format("{} streams of multipliers; the plan has {} demand streams", demand_multiplier.size(), streams));
  std::vector<size_t> all(classes.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<Mix> mixes;
  std::vector<uint16_t> jurisdiction(streams, 0);
  for (size_t k = 0; k < streams; ++k) {
    std::vector<size_t> chosen;
    const std::string j = k == 0 ? "" : in.inference[k - 1].jurisdiction;
    for (size_t i = 0; i < classes.size(); ++i) {
      const bool inference = classes[i].kind == JobKind::inference;
      if (k == 0 ? !inference : inference && (classes[i].jurisdiction.empty() || classes[i].jurisdiction == j)) chosen.push_back(i);
    }
    Mix m = mix_of(classes, chosen);
    if (m.classes.empty()) m = mix_of(classes, all);
    if (m.classes.empty()) return error("workload.classes", "expected a class with arrivals_per_hour > 0 (the classes' weights)");
    mixes.push_back(std::move(m));
    if (k > 0) jurisdiction[k] = w.intern_jurisdiction(j);
  }

  // Targets per stream and period (reference GPU-hours), within the scenario's horizon.
  const double horizon = sc.horizon_s > 0 ? sc.horizon_s : std::numeric_limits<double>::infinity();
  const auto periods = static_cast<size_t>(in.periods);
  std::vector<std::vector<double>> target(streams, std::vector<double>(periods, 0.0));
  std::vector<double> from(periods), to(periods);
  double expected_jobs = 0;
  for (size_t t = 0; t < periods; ++t) {
    from[t] = static_cast<double>(in.period_start_unix_s[t] - sc.start_unix_s);
    to[t] = static_cast<double>(in.period_start_unix_s[t + 1] - sc.start_unix_s);
    const double inside = std::clamp((std::min(to[t], horizon) - from[t]) / (to[t] - from[t]), 0.0, 1.0);
    const double hours = plan::period_hours(in, static_cast<int>(t));
    for (size_t k = 0; k < streams; ++k) {
      const double forecast = k == 0 ? in.training_ref_gpu_hours[t] : in.inference[k - 1].ref_gpus[t] * hours;
      const double m = demand_multiplier.empty() ? 1.0 : demand_multiplier[k].at(t);
      target[k][t] = std::max(0.0, forecast * m * inside);
      expected_jobs += target[k][t] / mixes[k].mean_gpu_hours;
    }
  }
  const double cap = sc.workload.max_jobs > 0 ? std::min(sc.workload.max_jobs, kMaxDemandJobs) : kMaxDemandJobs;
  if (expected_jobs > cap)
    return error("workload.from_plan_demand",
                 fmt::format("the plan's demand cut into jobs of this mix makes about {:.3g} jobs; expected at most {:.3g}: use "
                             "larger or longer jobs{}",
                             expected_jobs, cap, sc.workload.max_jobs > 0 ? " or raise workload.max_jobs" : ""));
  w.jobs.reserve(static_cast<size_t>(expected_jobs * 1.1) + 16);

  // Per stream and period, jobs drawn from the mix until their GPU-hours reach the target; the
  // last is cut short to meet it. Submits are uniform in the period (within the horizon).
  const uint64_t label = fnv1a64("from_plan_demand");
  for (size_t k = 0; k < streams; ++k) {
    const Mix& m = mixes[k];
    for (size_t t = 0; t < periods; ++t) {
      double left = target[k][t];
      if (!(left > 0)) continue;
      Rng rng = Rng::derived(sc.seed ^ label, static_cast<uint64_t>(k) * 1'000'003ULL + t);
      const double end = std::min(to[t], horizon);
      while (left > 0) {
        const double u = rng.uniform() * m.cumulative.back();
        size_t ci = 0;
        while (ci + 1 < m.cumulative.size() && !(u < m.cumulative[ci])) ++ci;
        const JobClass& c = classes[m.classes[ci]];
        double weights = 0;
        for (double x : c.gpus_weight) weights += x;
        const double us = rng.uniform() * weights;
        size_t s = 0;
        for (double acc = c.gpus_weight[0]; s + 1 < c.gpus.size() && !(us < acc); acc += c.gpus_weight[++s]) {
        }
        double d = std::min(rng.lognormal(c.duration_median_s, c.duration_sigma), c.duration_max_s);
        if (!(d > 0)) d = c.duration_max_s;
        const double at = from[t] + (end - from[t]) * rng.uniform();
        Job job = (*templates)[m.classes[ci]];
        job.gpus = static_cast<uint32_t>(c.gpus[s]);
        const double gpu_hours = job.gpus * d / kSecondsPerHour;
        if (gpu_hours >= left) {
          d = left * kSecondsPerHour / job.gpus;
          left = 0;
        } else {
          left -= gpu_hours;
        }
        job.submit_s = at;
        job.duration_s = d;
        if (k > 0) {
          job.jurisdiction = jurisdiction[k];
          job.kind = JobKind::inference;
        }
        w.jobs.push_back(job);
      }
    }
  }
  if (w.jobs.size() > std::numeric_limits<uint32_t>::max()) return error("workload.from_plan_demand", "more jobs than a workload holds");
  w.finalize();
  return w;
}

}  // namespace gpufleet
