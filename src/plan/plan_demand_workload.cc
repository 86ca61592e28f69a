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

// Where a job of the mix comes from: a workload class (drawn as the generator draws), or the
// jobs of a trace of one kind group (inference, or the rest), one picked at random.
struct Source {
  double weight = 0;           // jobs per hour: a class's arrivals_per_hour, a trace's jobs over its span
  int cls = -1;                // index into the classes, or -1 for trace jobs
  std::vector<Job> jobs;       // trace jobs (size, duration, tenant, kind, accelerators)
  bool inference = false;
  std::string jurisdiction;    // a class's; "" = any
  double mean_gpu_hours = 0;   // per job
};

// The sources one demand stream draws its jobs from, each with its weight.
struct Mix {
  std::vector<size_t> sources;
  std::vector<double> cumulative;  // of the weights
  double mean_gpu_hours = 0;       // per job drawn
};

Mix mix_of(const std::vector<Source>& sources, const std::vector<size_t>& chosen) {
  Mix m;
  double total = 0, gpu_hours = 0;
  for (size_t i : chosen) {
    if (!(sources[i].weight > 0)) continue;
    total += sources[i].weight;
    gpu_hours += sources[i].weight * sources[i].mean_gpu_hours;
    m.sources.push_back(i);
    m.cumulative.push_back(total);
  }
  m.mean_gpu_hours = total > 0 ? gpu_hours / total : 0;
  return m;
}

Source class_source(const JobClass& c, int index) {
  Source s;
  s.weight = c.arrivals_per_hour;
  s.cls = index;
  s.inference = c.kind == JobKind::inference;
  s.jurisdiction = c.jurisdiction;
  double weights = 0, gpus = 0;
  for (size_t k = 0; k < c.gpus.size(); ++k) {
    weights += c.gpus_weight[k];
    gpus += c.gpus_weight[k] * c.gpus[k];
  }
  s.mean_gpu_hours = (weights > 0 ? gpus / weights : 0) *
                     capped_lognormal_mean(c.duration_median_s, c.duration_sigma, c.duration_max_s) / kSecondsPerHour;
  return s;
}

// The scenario's traces, read whole and split by kind, their tenants interned into w.
Result<std::vector<Source>> trace_sources(const Scenario& sc, Workload& w) {
  if (sc.workload.traces.empty()) return std::vector<Source>{};
  Scenario only = sc;
  only.workload = WorkloadSpec{};
  only.workload.traces = sc.workload.traces;
  only.horizon_s = 0;  // the whole trace
  auto read = build_workload(only);
  if (!read) return fail(read.error());
  std::vector<Source> out(2);
  out[1].inference = true;
  double first = 0, last = 0;
  for (size_t i = 0; i < read->jobs.size(); ++i) {
    Job j = read->jobs[i];
    first = i == 0 ? j.submit_s : std::min(first, j.submit_s);
    last = std::max(last, j.submit_s);
    j.tenant = w.intern_tenant(read->tenants[j.tenant]);
    j.jurisdiction = 0;
    j.profile = 0;
    Source& s = out[j.kind == JobKind::inference ? 1 : 0];
    s.jobs.push_back(j);
    s.mean_gpu_hours += j.gpus * j.duration_s / kSecondsPerHour;
  }
  const double span_hours = std::max(1.0, (last - first) / kSecondsPerHour);
  for (Source& s : out) {
    if (s.jobs.empty()) continue;
    s.mean_gpu_hours /= static_cast<double>(s.jobs.size());
    s.weight = static_cast<double>(s.jobs.size()) / span_hours;
  }
  return out;
}

}  // namespace

Result<Workload> build_plan_demand_workload(const PlanInputs& in, const std::vector<std::vector<double>>& demand_multiplier) {
  const Scenario& sc = in.scenario;
  const auto& classes = sc.workload.classes;
  auto error = [&](std::string field, std::string message) { return fail(sc.source_file, 0, 0, std::move(field), std::move(message)); };
  if (static_cast<int>(in.period_start_unix_s.size()) < in.periods + 1) return error("plan", "the plan's calendar is not prepared");
  if (classes.empty() && sc.workload.traces.empty())
    return error("workload", "expected classes or traces: the job-size and duration mix the plan's demand is cut into");
  Workload w;
  auto templates = job_class_templates(sc, w);
  if (!templates) return fail(templates.error());
  std::vector<Source> sources;
  for (size_t i = 0; i < classes.size(); ++i) sources.push_back(class_source(classes[i], static_cast<int>(i)));
  auto traced = trace_sources(sc, w);
  if (!traced) return fail(traced.error());
  for (auto& s : *traced) sources.push_back(std::move(s));

  // Streams: training (anywhere) from the sources of other kinds than inference, the inference
  // of each jurisdiction from the inference sources open to it; a stream with no such source
  // draws from every source.
  const size_t streams = 1 + in.inference.size();
  if (!demand_multiplier.empty() && demand_multiplier.size() != streams)
    return error("demand_multiplier", fmt::format("{} streams of multipliers; the plan has {} demand streams", demand_multiplier.size(), streams));
  std::vector<size_t> all(sources.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<Mix> mixes;
  std::vector<uint16_t> jurisdiction(streams, 0);
  for (size_t k = 0; k < streams; ++k) {
    std::vector<size_t> chosen;
    const std::string j = k == 0 ? "" : in.inference[k - 1].jurisdiction;
    for (size_t i = 0; i < sources.size(); ++i) {
      const Source& src = sources[i];
      if (k == 0 ? !src.inference : src.inference && (src.jurisdiction.empty() || src.jurisdiction == j)) chosen.push_back(i);
    }
    Mix m = mix_of(sources, chosen);
    if (m.sources.empty()) m = mix_of(sources, all);
    if (m.sources.empty())
      return error("workload", "expected a class with arrivals_per_hour > 0 or a trace with jobs (the mix's weights)");
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
        size_t si = 0;
        while (si + 1 < m.cumulative.size() && !(u < m.cumulative[si])) ++si;
        const Source& src = sources[m.sources[si]];
        Job job;
        double d = 0;
        if (src.cls >= 0) {
          const JobClass& c = classes[static_cast<size_t>(src.cls)];
          double weights = 0;
          for (double x : c.gpus_weight) weights += x;
          const double us = rng.uniform() * weights;
          size_t s = 0;
          for (double acc = c.gpus_weight[0]; s + 1 < c.gpus.size() && !(us < acc); acc += c.gpus_weight[++s]) {
          }
          d = std::min(rng.lognormal(c.duration_median_s, c.duration_sigma), c.duration_max_s);
          if (!(d > 0)) d = c.duration_max_s;
          job = (*templates)[static_cast<size_t>(src.cls)];
          job.gpus = static_cast<uint32_t>(c.gpus[s]);
        } else {
          job = src.jobs[rng.below(src.jobs.size())];
          d = job.duration_s;
        }
        const double at = from[t] + (end - from[t]) * rng.uniform();
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
