// build_workload: a scenario's traces (replayed and scaled), generated job classes and fixed
// jobs merged into one Workload. Every random draw comes from one Rng stream per class,
// derived from the scenario seed and the class name, so adding, removing or reordering a
// class leaves the jobs of every other class unchanged.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "gpufleet/workload.h"
#include "util/digest.h"
#include "util/rng.h"

namespace gpufleet {

namespace {

constexpr uint64_t kMaxJobs = std::numeric_limits<uint32_t>::max();  // ids are 32-bit
constexpr size_t kMaxInterned = std::numeric_limits<uint16_t>::max();

struct Builder {
  const Scenario& scenario;
  Workload out;
  double horizon_s;  // submits at or after this are dropped; +inf without a horizon
  uint64_t cap;      // at most this many jobs kept in the end (kMaxJobs when uncapped)

  Error error(std::string field, std::string message) const {
    return Error{scenario.source_file, 0, 0, std::move(field), std::move(message)};
  }
};

bool finite_at_least(double v, double low) { return std::isfinite(v) && v >= low; }
bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

Result<uint64_t> accelerator_mask(const Builder& b, const std::vector<std::string>& names,
                                  const std::string& field) {
  if (names.empty()) return kAnyAccelerator;
  uint64_t mask = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    const int index = b.scenario.find_accelerator(names[i]);
    if (index < 0) {
      std::string known;
      for (const auto& a : b.scenario.accelerators) {
        if (!known.empty()) known += ", ";
        known += a.name;
      }
      return fail(b.error(fmt::format("{}[{}]", field, i),
                          fmt::format("unknown accelerator '{}'; the scenario has: {}", names[i],
                                      known.empty() ? "(none)" : known)));
    }
    if (index >= 64)
      return fail(b.error(fmt::format("{}[{}]", field, i),
                          fmt::format("accelerator '{}' is number {} in the scenario; jobs can "
                                      "name only the first 64",
                                      names[i], index + 1)));
    mask |= uint64_t{1} << index;
  }
  return mask;
}

Result<uint8_t> priority_of(const Builder& b, int priority, const std::string& field) {
  if (priority < 0 || priority > 255)
    return fail(b.error(field, fmt::format("found {}; expected a priority in 0..255", priority)));
  return static_cast<uint8_t>(priority);
}

enum class Table { tenants, jurisdictions };

Result<uint16_t> intern_checked(Builder& b, Table which, const std::string& name,
                                const std::string& field) {
  const auto& table = which == Table::tenants ? b.out.tenants : b.out.jurisdictions;
  if (!name.empty() && table.size() > kMaxInterned &&
      std::find(table.begin(), table.end(), name) == table.end())
    return fail(b.error(field, "too many distinct names: at most 65,535"));
  return which == Table::tenants ? b.out.intern_tenant(name) : b.out.intern_jurisdiction(name);
}

// The profile of a class or fixed job: the scenario's checkpoint defaults with the item's
// overrides, shared with every item that ends up the same (at most 256 distinct).
Result<uint8_t> profile_of(Builder& b, std::optional<double> interval_s, std::optional<double> cost_s,
                           double slack_s, const std::string& field) {
  JobProfile p = b.out.profiles[0];
  p.checkpoint_interval_s = interval_s.value_or(p.checkpoint_interval_s);
  p.checkpoint_cost_s = cost_s.value_or(p.checkpoint_cost_s);
  p.flexible_slack_s = slack_s;
  if (!finite_at_least(p.checkpoint_interval_s, 0))
    return fail(b.error(field + ".checkpoint_interval", "expected a duration >= 0"));
  if (!finite_at_least(p.checkpoint_cost_s, 0))
    return fail(b.error(field + ".checkpoint_cost", "expected a duration >= 0"));
  if (!finite_at_least(p.flexible_slack_s, 0))
    return fail(b.error(field + ".flexible_slack", "expected a duration >= 0"));
  for (size_t i = 0; i < b.out.profiles.size(); ++i)
    if (b.out.profiles[i] == p) return static_cast<uint8_t>(i);
  if (b.out.profiles.size() >= 256)
    return fail(b.error(field, "more than 256 distinct checkpoint / slack settings; expected fewer"));
  b.out.profiles.push_back(p);
  return static_cast<uint8_t>(b.out.profiles.size() - 1);
}

// Names are kept only when some source has them; jobs of other sources get "".
void append_names(Workload& out, size_t jobs_before, std::vector<std::string>&& names) {
  if (names.empty()) return;
  out.names.resize(jobs_before);
  for (auto& n : names) out.names.push_back(std::move(n));
}

Result<void> add_trace(Builder& b, size_t index, const TraceSource& src,
                       const TraceReadOptions& options) {
  const std::string field = fmt::format("workload.traces[{}]", index);
  if (!finite_positive(src.time_scale))
    return fail(b.error(field + ".time_scale", "expected a number > 0"));
  if (!finite_positive(src.size_scale))
    return fail(b.error(field + ".size_scale", "expected a number > 0"));
  if (!finite_positive(src.duration_scale))
    return fail(b.error(field + ".duration_scale", "expected a number > 0"));
  if (!finite_at_least(src.offset_s, 0))
    return fail(b.error(field + ".offset", "expected a duration >= 0"));

  Result<Workload> read = fail(Error{});
  if (src.format == "philly") {
    read = read_philly_trace(src.path, options);
  } else if (src.format == "sia") {
    read = read_sia_workload(src.path, options);
  } else if (src.format == "csv") {
    read = read_csv_trace(src.path, src.map, src.time_format, options);
  } else if (src.format == "slurm") {
    read = read_slurm_sacct_trace(src.path, options);
  } else {
    return fail(b.error(field + ".format",
                        fmt::format("unknown trace format '{}'; expected philly, sia, csv or slurm", src.format)));
  }
  if (!read) return fail(read.error());
  Workload& trace = *read;
  // A csv trace's accelerator names -> the scenario's accelerator indices.
  std::vector<uint64_t> accel_bit(trace.trace_accelerators.size(), 0);
  for (size_t i = 0; i < trace.trace_accelerators.size(); ++i) {
    const int index = b.scenario.find_accelerator(trace.trace_accelerators[i]);
    if (index < 0 || index >= 64)
      return fail(b.error(field + ".map.accelerator",
                          fmt::format("the trace names accelerator '{}', which the scenario does not have",
                                      trace.trace_accelerators[i])));
    accel_bit[i] = uint64_t{1} << index;
  }
  const bool kind_from_trace = src.format == "csv" && !src.map.kind.empty();
  if (trace.rows_skipped > 0 && b.out.first_skipped.empty())
    b.out.first_skipped = trace.first_skipped;
  b.out.rows_skipped += trace.rows_skipped;
  b.out.rows_not_replayed += trace.rows_not_replayed;
  b.out.rows_without_gpus += trace.rows_without_gpus;
  if (b.out.origin_unix_s == 0) b.out.origin_unix_s = trace.origin_unix_s;
  b.out.fractional_gpus_rounded += trace.fractional_gpus_rounded;

  // Tenant ids of the trace -> ids in the merged workload.
  std::vector<uint16_t> tenant_of(trace.tenants.size(), 0);
  if (!src.tenant.empty()) {
    auto id = intern_checked(b, Table::tenants, src.tenant, field + ".tenant");
    if (!id) return fail(id.error());
    std::fill(tenant_of.begin(), tenant_of.end(), *id);
  } else {
    for (size_t t = 1; t < trace.tenants.size(); ++t) {
      auto id = intern_checked(b, Table::tenants, trace.tenants[t], field + ".path");
      if (!id) return fail(id.error());
      tenant_of[t] = *id;
    }
  }

  const size_t jobs_before = b.out.jobs.size();
  const bool named = !trace.names.empty();
  std::vector<std::string> names;
  const double first = trace.jobs.empty() ? 0.0 : trace.jobs.front().submit_s;  // sorted
  uint64_t kept = 0;
  b.out.jobs.reserve(jobs_before + std::min<uint64_t>(trace.jobs.size(), b.cap));
  for (size_t i = 0; i < trace.jobs.size() && kept < b.cap; ++i) {
    Job job = trace.jobs[i];
    job.submit_s = src.offset_s + (job.submit_s - first) * src.time_scale;
    if (job.submit_s >= b.horizon_s) break;  // sorted: every later job is beyond it too
    if (!(job.submit_s <= kMaxHorizonS))  // only without a horizon (trace replay): it is at most this
      return fail(Error{src.path, 0, 0, "submit",
                        fmt::format("the trace spans {:.0f} years (its job {} in submit order); a replay spans at "
                                    "most 100 years",
                                    (job.submit_s - src.offset_s) / (365 * kSecondsPerDay), i + 1)});
    const double gpus = std::max(1.0, std::round(job.gpus * src.size_scale));
    if (gpus > std::numeric_limits<uint32_t>::max())
      return fail(b.error(field + ".size_scale",
                          fmt::format("a job of {} GPUs becomes {:.0f} GPUs; at most {}", job.gpus,
                                      gpus, std::numeric_limits<uint32_t>::max())));
    job.gpus = static_cast<uint32_t>(gpus);
    job.duration_s *= src.duration_scale;
    if (!finite_positive(job.duration_s))
      return fail(b.error(field + ".duration_scale", "makes a run time 0 or infinite"));
    if (job.duration_s > kMaxHorizonS)
      return fail(Error{src.path, 0, 0, "duration",
                        fmt::format("a run time of {:.3g} years (its job {} in submit order); expected at most "
                                    "100 years",
                                    job.duration_s / (365 * kSecondsPerDay), i + 1)});
    job.tenant = tenant_of[job.tenant];
    job.jurisdiction = 0;
    if (job.accelerator_mask != kAnyAccelerator) {
      uint64_t mask = 0;
      for (size_t bit = 0; bit < accel_bit.size(); ++bit)
        if ((job.accelerator_mask >> bit) & 1u) mask |= accel_bit[bit];
      job.accelerator_mask = mask;
    }
    if (!kind_from_trace) job.kind = src.kind;
    job.priority = 0;
    job.profile = 0;
    b.out.jobs.push_back(job);
    if (named) names.push_back(std::move(trace.names[i]));
    ++kept;
  }
  append_names(b.out, jobs_before, std::move(names));
  return {};
}

// A class's checks and the job it makes, without submit time, size and duration; its
// tenant, jurisdiction and profile interned into b.out.
Result<Job> class_template(Builder& b, size_t index, const JobClass& c) {
  const std::string field = fmt::format("workload.classes[{}]", index);
  if (!finite_at_least(c.arrivals_per_hour, 0))
    return fail(b.error(field + ".arrivals_per_hour", "expected a rate >= 0"));
  if (c.gpus.empty())
    return fail(b.error(field + ".gpus", "expected at least one size: {gpus: weight, ...}"));
  if (c.gpus_weight.size() != c.gpus.size())
    return fail(b.error(field + ".gpus", fmt::format("{} sizes but {} weights", c.gpus.size(),
                                                     c.gpus_weight.size())));
  std::vector<double> cumulative(c.gpus.size());
  double total = 0;
  for (size_t k = 0; k < c.gpus.size(); ++k) {
    if (c.gpus[k] < 1)
      return fail(b.error(fmt::format("{}.gpus", field),
                          fmt::format("size {} GPUs; expected >= 1", c.gpus[k])));
    if (!finite_at_least(c.gpus_weight[k], 0))
      return fail(b.error(fmt::format("{}.gpus.{}", field, c.gpus[k]),
                          "expected a weight >= 0"));
    total += c.gpus_weight[k];
    cumulative[k] = total;
  }
  if (!(total > 0)) return fail(b.error(field + ".gpus", "the weights sum to 0; expected > 0"));
  if (!finite_positive(c.duration_median_s))
    return fail(b.error(field + ".duration_median", "expected a duration > 0"));
  if (!finite_at_least(c.duration_sigma, 0))
    return fail(b.error(field + ".duration_sigma", "expected a number >= 0"));
  if (!finite_positive(c.duration_max_s))
    return fail(b.error(field + ".duration_max", "expected a duration > 0"));
  if (!finite_at_least(c.start_s, 0))
    return fail(b.error(field + ".start", "expected a time >= 0"));
  if (c.end_s && !(*c.end_s >= c.start_s))
    return fail(b.error(field + ".end", fmt::format("found {} s; expected a time at or after "
                                                    "start ({} s)", *c.end_s, c.start_s)));
  const double end = std::min(c.end_s.value_or(b.horizon_s), b.horizon_s);
  if (std::isnan(end) || (std::isinf(end) && c.arrivals_per_hour > 0))
    return fail(b.error(field + ".end", "expected an end time (the scenario has no horizon)"));

  auto mask = accelerator_mask(b, c.accelerators, field + ".accelerators");
  if (!mask) return fail(mask.error());
  auto priority = priority_of(b, c.priority, field + ".priority");
  if (!priority) return fail(priority.error());
  auto tenant = intern_checked(b, Table::tenants, c.tenant, field + ".tenant");
  if (!tenant) return fail(tenant.error());
  auto jurisdiction = intern_checked(b, Table::jurisdictions, c.jurisdiction,
                                     field + ".jurisdiction");
  if (!jurisdiction) return fail(jurisdiction.error());
  auto profile = profile_of(b, c.checkpoint_interval_s, c.checkpoint_cost_s, c.flexible_slack_s, field);
  if (!profile) return fail(profile.error());
  Job job;
  job.accelerator_mask = *mask;
  job.tenant = *tenant;
  job.jurisdiction = *jurisdiction;
  job.kind = c.kind;
  job.priority = *priority;
  job.profile = *profile;
  return job;
}

Result<void> add_class(Builder& b, size_t index, const JobClass& c, uint64_t stream_label) {
  const std::string field = fmt::format("workload.classes[{}]", index);
  auto made = class_template(b, index, c);
  if (!made) return fail(made.error());
  Job job = *made;
  std::vector<double> cumulative(c.gpus.size());
  double total = 0;
  for (size_t k = 0; k < c.gpus.size(); ++k) {
    total += c.gpus_weight[k];
    cumulative[k] = total;
  }
  const double end = std::min(c.end_s.value_or(b.horizon_s), b.horizon_s);
  if (c.arrivals_per_hour == 0 || end <= c.start_s) return {};
  const double rate_per_s = c.arrivals_per_hour / kSecondsPerHour;
  const double expected = rate_per_s * (end - c.start_s);
  if (expected > static_cast<double>(kMaxJobs) && b.cap == kMaxJobs)
    return fail(b.error(field + ".arrivals_per_hour",
                        fmt::format("about {:.3g} jobs between start and end; a workload holds at "
                                    "most {}: lower the rate or set workload.max_jobs",
                                    expected, kMaxJobs)));
  // Poisson count: mean + 6 standard deviations is almost never exceeded.
  const double likely = expected + 6 * std::sqrt(expected) + 16;
  b.out.jobs.reserve(b.out.jobs.size() +
                     static_cast<size_t>(std::min(likely, static_cast<double>(b.cap))));

  Rng rng = Rng::derived(b.scenario.seed, stream_label);
  const size_t sizes = c.gpus.size();
  double t = c.start_s;
  // Each job draws, in this order: its inter-arrival gap, its size, its duration.
  for (uint64_t made = 0; made < b.cap; ++made) {
    t += rng.exponential(rate_per_s);
    if (t >= end) break;
    const double u = rng.uniform() * total;
    size_t k = 0;
    while (k + 1 < sizes && !(u < cumulative[k])) ++k;
    double d = std::min(rng.lognormal(c.duration_median_s, c.duration_sigma), c.duration_max_s);
    if (!(d > 0)) d = c.duration_max_s;  // exp() underflow at absurd sigma
    job.submit_s = t;
    job.gpus = static_cast<uint32_t>(c.gpus[k]);
    job.duration_s = d;
    b.out.jobs.push_back(job);
  }
  return {};
}

Result<void> add_fixed(Builder& b, size_t index, const FixedJob& f) {
  const std::string field = fmt::format("workload.fixed[{}]", index);
  if (f.gpus < 1) return fail(b.error(field + ".gpus", fmt::format("found {}; expected >= 1", f.gpus)));
  if (!finite_positive(f.duration_s))
    return fail(b.error(field + ".duration", "expected a duration > 0"));
  if (!finite_at_least(f.submit_s, 0)) return fail(b.error(field + ".submit", "expected a time >= 0"));
  if (f.count < 0) return fail(b.error(field + ".count", fmt::format("found {}; expected >= 0", f.count)));
  if (!finite_at_least(f.every_s, 0))
    return fail(b.error(field + ".every", "expected a duration >= 0"));
  auto mask = accelerator_mask(b, f.accelerators, field + ".accelerators");
  if (!mask) return fail(mask.error());
  auto priority = priority_of(b, f.priority, field + ".priority");
  if (!priority) return fail(priority.error());
  auto tenant = intern_checked(b, Table::tenants, f.tenant, field + ".tenant");
  if (!tenant) return fail(tenant.error());
  auto jurisdiction = intern_checked(b, Table::jurisdictions, f.jurisdiction,
                                     field + ".jurisdiction");
  if (!jurisdiction) return fail(jurisdiction.error());
  auto profile = profile_of(b, f.checkpoint_interval_s, f.checkpoint_cost_s, f.flexible_slack_s, field);
  if (!profile) return fail(profile.error());

  Job job;
  job.profile = *profile;
  job.gpus = static_cast<uint32_t>(f.gpus);
  job.duration_s = f.duration_s;
  job.accelerator_mask = *mask;
  job.tenant = *tenant;
  job.jurisdiction = *jurisdiction;
  job.kind = f.kind;
  job.priority = *priority;
  // Named jobs keep their name in jobs.csv: "pretrain-us-8k", or "pretrain-us-8k #2" for the
  // second of a series.
  const size_t jobs_before = b.out.jobs.size();
  std::vector<std::string> names;
  for (int k = 0; k < f.count && static_cast<uint64_t>(k) < b.cap; ++k) {
    job.submit_s = f.submit_s + k * f.every_s;
    if (job.submit_s >= b.horizon_s) break;
    b.out.jobs.push_back(job);
    if (!f.name.empty()) names.push_back(f.count == 1 ? f.name : fmt::format("{} #{}", f.name, k + 1));
  }
  append_names(b.out, jobs_before, std::move(names));
  return {};
}

}  // namespace

Result<std::vector<Job>> job_class_templates(const Scenario& scenario, Workload& into) {
  Builder b{scenario, std::move(into), scenario.horizon_s > 0 ? scenario.horizon_s : kMaxHorizonS, kMaxJobs};
  if (b.out.tenants.empty()) b.out.tenants.emplace_back();
  if (b.out.jurisdictions.empty()) b.out.jurisdictions.emplace_back();
  if (b.out.profiles.empty()) b.out.profiles.push_back(JobProfile{scenario.checkpoint.interval_s, scenario.checkpoint.cost_s, 0});
  std::vector<Job> jobs;
  Result<void> ok;
  for (size_t i = 0; i < scenario.workload.classes.size() && ok; ++i) {
    auto job = class_template(b, i, scenario.workload.classes[i]);
    if (job) jobs.push_back(*job);
    else ok = fail(job.error());
  }
  into = std::move(b.out);
  if (!ok) return fail(ok.error());
  return jobs;
}

Result<Workload> build_workload(const Scenario& scenario, const TraceReadOptions& options) {
  const WorkloadSpec& spec = scenario.workload;
  if (spec.from_plan_demand)
    return fail(Error{scenario.source_file, 0, 0, "workload.from_plan_demand",
                      "this workload is made from the plan's demand: load the scenario with its `plan:` section "
                      "(build_plan_demand_workload)"});
  const double horizon = scenario.horizon_s > 0 ? scenario.horizon_s
                                                : std::numeric_limits<double>::infinity();
  Builder b{scenario, Workload{}, horizon, kMaxJobs};
  if (!finite_at_least(spec.max_jobs, 0))
    return fail(b.error("workload.max_jobs", "expected a whole number >= 0"));
  if (spec.max_jobs > 0) b.cap = static_cast<uint64_t>(std::min(spec.max_jobs, double(kMaxJobs)));
  b.out.tenants.emplace_back();
  b.out.jurisdictions.emplace_back();
  b.out.profiles.push_back(JobProfile{scenario.checkpoint.interval_s, scenario.checkpoint.cost_s, 0});

  for (size_t i = 0; i < spec.traces.size(); ++i)
    if (auto r = add_trace(b, i, spec.traces[i], options); !r) return fail(r.error());

  // Stream label: the class name, plus how many earlier classes share it.
  for (size_t i = 0; i < spec.classes.size(); ++i) {
    uint64_t label = fnv1a64(spec.classes[i].name);  // a stable label for the class's random stream
    for (size_t j = 0; j < i; ++j)
      if (spec.classes[j].name == spec.classes[i].name) label += 0x9E3779B97F4A7C15ULL;
    if (auto r = add_class(b, i, spec.classes[i], label); !r) return fail(r.error());
  }

  for (size_t i = 0; i < spec.fixed.size(); ++i)
    if (auto r = add_fixed(b, i, spec.fixed[i]); !r) return fail(r.error());

  Workload& w = b.out;
  if (w.jobs.size() > kMaxJobs)
    return fail(b.error("workload", fmt::format("{} jobs; a workload holds at most {}: set "
                                                "workload.max_jobs",
                                                w.jobs.size(), kMaxJobs)));
  if (!w.names.empty()) w.names.resize(w.jobs.size());
  w.finalize();
  if (w.jobs.size() > b.cap) {  // keep the earliest
    w.jobs.resize(b.cap);
    if (!w.names.empty()) w.names.resize(b.cap);
  }
  return std::move(w);
}

}  // namespace gpufleet
