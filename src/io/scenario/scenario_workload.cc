// The workload section: replayed traces, generated job classes and listed (fixed) jobs.
// Only the description is read here; the jobs themselves are made by the workload stage.
#include <algorithm>
#include <charconv>
#include <filesystem>

#include <fmt/format.h>

#include "gpufleet/workload.h"
#include "io/scenario/scenario_loader.h"

namespace gpufleet {

namespace {

// Beyond this many expected generated jobs without a workload.max_jobs cap, the scenario is
// rejected: ten million jobs already take 400 MB.
constexpr double kMaxExpectedJobs = 50e6;
constexpr int64_t kMaxJobGpus = int64_t{1} << 24;

std::string kind_names() { return "training, research, inference"; }

Result<JobKind> kind_of(const YamlField& item, JobKind fallback) {
  auto f = item.optional("kind");
  if (!f) return fallback;
  auto v = f->as_string();
  if (!v) return fail(v.error());
  if (auto k = job_kind_from_string(*v)) return *k;
  return fail(f->error(fmt::format("unknown job kind '{}'; expected one of: {}", *v, kind_names())));
}

Result<std::vector<std::string>> accelerators_of(const YamlField& item, const Scenario& s) {
  auto f = item.optional("accelerators");
  if (!f) return std::vector<std::string>{};
  auto names = f->as_string_list();
  if (!names) return names;
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string& n = (*names)[i];
    if (s.find_accelerator(n) >= 0) continue;
    YamlField at = *f;
    if (f->is_sequence()) at = (*f->items())[i];
    return fail(at.error(fmt::format("no accelerator named '{}'; accelerators are: {}", n,
                                     joined_names(s.accelerators))));
  }
  return names;
}

Result<std::string> jurisdiction_of(const YamlField& item, const Scenario& s) {
  auto f = item.optional("jurisdiction");
  if (!f) return std::string();
  auto v = f->as_string();
  if (!v) return v;
  std::string known;
  for (const auto& site : s.sites) {
    if (site.jurisdiction == *v) return v;
    if (!site.jurisdiction.empty() && known.find(site.jurisdiction) == std::string::npos)
      known += (known.empty() ? "" : ", ") + site.jurisdiction;
  }
  return fail(f->error(fmt::format("no site is in jurisdiction '{}'; the sites' jurisdictions are: {}", *v,
                                   known.empty() ? "none" : known)));
}

Result<int> priority_of(const YamlField& item) {
  auto p = item.get_int("priority", 0, 0, 255);
  if (!p) return fail(p.error());
  return static_cast<int>(*p);
}

Result<double> positive_duration(const YamlField& item, std::string_view key, double fallback) {
  auto f = item.optional(key);
  if (!f) return fallback;
  auto d = f->as_duration_s();
  if (!d) return d;
  if (*d <= 0) return fail(f->error("expected a duration longer than 0"));
  return d;
}

Result<double> positive_number(const YamlField& item, std::string_view key, double fallback) {
  auto f = item.optional(key);
  if (!f) return fallback;
  auto v = f->as_double();
  if (!v) return v;
  if (*v <= 0) return fail(f->error(fmt::format("expected a number > 0, found {}", *v)));
  return v;
}

// `gpus`: a map of size → relative weight, or a single size.
Result<void> parse_sizes(const YamlField& f, JobClass& c) {
  if (f.is_scalar()) {
    auto g = f.as_int(1, kMaxJobGpus);
    if (!g) return fail(g.error());
    c.gpus = {static_cast<int>(*g)};
    c.gpus_weight = {1.0};
    return {};
  }
  if (!f.is_map())
    return fail(f.error("expected a map of GPUs per job to relative weight, such as {1: 0.7, 8: 0.3}"));
  auto entries = f.entries();
  if (!entries) return fail(entries.error());
  if (entries->empty()) return fail(f.error("expected at least one size"));
  for (const auto& [key, value] : *entries) {
    int64_t size = 0;
    const auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), size);
    if (ec != std::errc() || ptr != key.data() + key.size() || size < 1 || size > kMaxJobGpus)
      return fail(value.error(fmt::format("expected a whole number of GPUs between 1 and {} as the key, found '{}'",
                                          kMaxJobGpus, key)));
    for (int g : c.gpus)
      if (g == size) return fail(value.error(fmt::format("size {} given twice", size)));
    auto w = value.as_double();
    if (!w) return fail(w.error());
    if (*w <= 0) return fail(value.error(fmt::format("expected a weight > 0, found {}", *w)));
    c.gpus.push_back(static_cast<int>(size));
    c.gpus_weight.push_back(*w);
  }
  return {};
}

// checkpoint_interval, checkpoint_cost (optional durations >= 0) and flexible_slack.
template <class Item>
Result<void> parse_job_profile(const YamlField& item, Item& out) {
  for (auto [key, dst] : {std::pair{"checkpoint_interval", &out.checkpoint_interval_s},
                          std::pair{"checkpoint_cost", &out.checkpoint_cost_s}}) {
    auto f = item.optional(key);
    if (!f) continue;
    auto d = f->as_duration_s();
    if (!d) return fail(d.error());
    if (*d < 0) return fail(f->error("expected a duration >= 0"));
    *dst = *d;
  }
  auto slack = item.get_duration_s("flexible_slack", 0);
  if (!slack) return fail(slack.error());
  if (*slack < 0) return fail(item.optional("flexible_slack")->error("expected a duration >= 0"));
  out.flexible_slack_s = *slack;
  return {};
}

Result<void> parse_class(const YamlField& item, const LoadContext& ctx, Scenario& s) {
  if (auto r = item.check_keys({"name", "kind", "tenant", "priority", "arrivals_per_hour", "gpus",
                                "duration_median", "duration_sigma", "duration_max", "accelerators",
                                "jurisdiction", "start", "end", "checkpoint_interval", "checkpoint_cost",
                                "flexible_slack"});
      !r)
    return r;
  JobClass c;
  auto name = required_text(item, "name");
  if (!name) return fail(name.error());
  for (size_t i = 0; i < s.workload.classes.size(); ++i)
    if (s.workload.classes[i].name == *name)
      return fail(item.required("name")->error(
          fmt::format("duplicate class name '{}' (also workload.classes[{}])", *name, i)));
  c.name = *name;
  auto kind = kind_of(item, JobKind::research);
  if (!kind) return fail(kind.error());
  c.kind = *kind;
  auto tenant = item.get_string("tenant", "");
  if (!tenant) return fail(tenant.error());
  c.tenant = *tenant;
  auto priority = priority_of(item);
  if (!priority) return fail(priority.error());
  c.priority = *priority;

  auto rate_f = item.required("arrivals_per_hour");
  if (!rate_f) return fail(rate_f.error());
  auto rate = rate_f->as_double(0.0, 1e9);
  if (!rate) return fail(rate.error());
  c.arrivals_per_hour = *rate;

  auto sizes = item.required("gpus");
  if (!sizes) return fail(sizes.error());
  if (auto r = parse_sizes(*sizes, c); !r) return r;

  auto median = positive_duration(item, "duration_median", c.duration_median_s);
  if (!median) return fail(median.error());
  c.duration_median_s = *median;
  auto sigma = item.get_double("duration_sigma", c.duration_sigma, 0.0, 20.0);
  if (!sigma) return fail(sigma.error());
  c.duration_sigma = *sigma;
  auto max = positive_duration(item, "duration_max", c.duration_max_s);
  if (!max) return fail(max.error());
  c.duration_max_s = *max;

  auto accs = accelerators_of(item, s);
  if (!accs) return fail(accs.error());
  c.accelerators = std::move(*accs);
  auto jur = jurisdiction_of(item, s);
  if (!jur) return fail(jur.error());
  c.jurisdiction = *jur;

  auto start = item.get_time_s("start", 0, ctx.start_unix_s);
  if (!start) return fail(start.error());
  if (*start < 0) return fail(item.optional("start")->error("expected a time at or after the scenario start"));
  c.start_s = *start;
  if (auto end_f = item.optional("end")) {
    auto end = end_f->as_time_s(ctx.start_unix_s);
    if (!end) return fail(end.error());
    if (*end <= c.start_s) return fail(end_f->error("expected an end after the class's start"));
    c.end_s = *end;
  }
  if (auto r = parse_job_profile(item, c); !r) return r;
  s.workload.classes.push_back(std::move(c));
  return {};
}

Result<void> parse_fixed(const YamlField& item, const LoadContext& ctx, Scenario& s) {
  if (auto r = item.check_keys({"name", "kind", "tenant", "priority", "submit", "gpus", "duration",
                                "accelerators", "jurisdiction", "count", "every", "checkpoint_interval",
                                "checkpoint_cost", "flexible_slack"});
      !r)
    return r;
  FixedJob j;
  auto name = required_text(item, "name");
  if (!name) return fail(name.error());
  for (size_t i = 0; i < s.workload.fixed.size(); ++i)
    if (s.workload.fixed[i].name == *name)
      return fail(item.required("name")->error(
          fmt::format("duplicate job name '{}' (also workload.fixed[{}])", *name, i)));
  j.name = *name;
  auto kind = kind_of(item, JobKind::training);
  if (!kind) return fail(kind.error());
  j.kind = *kind;
  auto tenant = item.get_string("tenant", "");
  if (!tenant) return fail(tenant.error());
  j.tenant = *tenant;
  auto priority = priority_of(item);
  if (!priority) return fail(priority.error());
  j.priority = *priority;

  auto submit = item.get_time_s("submit", 0, ctx.start_unix_s);
  if (!submit) return fail(submit.error());
  if (*submit < 0) return fail(item.optional("submit")->error("expected a time at or after the scenario start"));
  j.submit_s = *submit;
  auto gpus_f = item.required("gpus");
  if (!gpus_f) return fail(gpus_f.error());
  auto gpus = gpus_f->as_int(1, kMaxJobGpus);
  if (!gpus) return fail(gpus.error());
  j.gpus = static_cast<int>(*gpus);
  auto duration_f = item.required("duration");
  if (!duration_f) return fail(duration_f.error());
  auto duration = positive_duration(item, "duration", 0);
  if (!duration) return fail(duration.error());
  j.duration_s = *duration;

  auto accs = accelerators_of(item, s);
  if (!accs) return fail(accs.error());
  j.accelerators = std::move(*accs);
  auto jur = jurisdiction_of(item, s);
  if (!jur) return fail(jur.error());
  j.jurisdiction = *jur;
  auto count = item.get_int("count", 1, 1, 1'000'000);
  if (!count) return fail(count.error());
  j.count = static_cast<int>(*count);
  auto every = item.get_duration_s("every", 0);
  if (!every) return fail(every.error());
  j.every_s = *every;
  if (auto r = parse_job_profile(item, j); !r) return r;
  s.workload.fixed.push_back(std::move(j));
  return {};
}

Result<void> parse_trace(const YamlField& item, const LoadContext& ctx, Scenario& s) {
  if (auto r = item.check_keys({"format", "path", "time_scale", "size_scale", "duration_scale", "offset",
                                "tenant", "kind", "map", "time_format"});
      !r)
    return r;
  TraceSource t;
  auto format_f = item.required("format");
  if (!format_f) return fail(format_f.error());
  auto format = format_f->as_string();
  if (!format) return fail(format.error());
  if (*format != "philly" && *format != "sia" && *format != "csv" && *format != "slurm")
    return fail(format_f->error(fmt::format("unknown trace format '{}'; expected one of: philly, sia, csv, slurm", *format)));
  t.format = *format;
  if (t.format == "csv") {
    auto map_f = item.required("map");
    if (!map_f) return fail(map_f.error());
    if (auto r = map_f->check_keys({"submit", "duration", "end", "start", "gpus", "tenant", "kind", "accelerator"}); !r)
      return r;
    for (auto [key, dst] : {std::pair{"submit", &t.map.submit}, std::pair{"duration", &t.map.duration},
                            std::pair{"end", &t.map.end}, std::pair{"start", &t.map.start},
                            std::pair{"gpus", &t.map.gpus}, std::pair{"tenant", &t.map.tenant},
                            std::pair{"kind", &t.map.kind}, std::pair{"accelerator", &t.map.accelerator}}) {
      auto v = map_f->get_string(key, "");
      if (!v) return fail(v.error());
      *dst = *v;
    }
    if (t.map.submit.empty()) return fail(map_f->error("missing 'submit': the submit time column"));
    if (t.map.gpus.empty()) return fail(map_f->error("missing 'gpus': the GPUs column"));
    if (t.map.duration.empty() == t.map.end.empty())
      return fail(map_f->error("expected exactly one of 'duration' (seconds) or 'end' (a time) columns"));
    if (!t.map.start.empty() && t.map.end.empty()) return fail(map_f->error("'start' needs 'end'"));
    if (auto tf = item.optional("time_format")) {
      auto v = tf->as_string();
      if (!v) return fail(v.error());
      auto parsed = parse_time_format(*v, "time_format");
      if (!parsed) return fail(tf->error(parsed.error().message));
      t.time_format = *parsed;
    }
  } else if (auto m = item.optional("map")) {
    return fail(m->error("'map' is for csv traces only"));
  } else if (auto tf = item.optional("time_format")) {
    return fail(tf->error("'time_format' is for csv traces only"));
  }
  auto path = required_text(item, "path");
  if (!path) return fail(path.error());
  t.path = resolve_path(ctx.base_dir, *path);
  if (ctx.options.read_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(t.path, ec))
      return fail(item.required("path")->error(fmt::format("trace file '{}' does not exist or is not a file", t.path)));
  }
  for (auto [key, out] : {std::pair{"time_scale", &t.time_scale}, std::pair{"size_scale", &t.size_scale},
                          std::pair{"duration_scale", &t.duration_scale}}) {
    auto v = positive_number(item, key, 1.0);
    if (!v) return fail(v.error());
    *out = *v;
  }
  auto offset = item.get_duration_s("offset", 0);
  if (!offset) return fail(offset.error());
  t.offset_s = *offset;
  auto tenant = item.get_string("tenant", "");
  if (!tenant) return fail(tenant.error());
  t.tenant = *tenant;
  auto kind = kind_of(item, JobKind::research);
  if (!kind) return fail(kind.error());
  t.kind = *kind;
  s.workload.traces.push_back(std::move(t));
  return {};
}

template <class Parse>
Result<void> each(const YamlField& section, std::string_view key, Parse parse) {
  auto f = section.optional(key);
  if (!f) return {};
  auto items = f->items();
  if (!items) return fail(items.error());
  for (const auto& item : *items)
    if (auto r = parse(item); !r) return r;
  return {};
}

}  // namespace

Result<void> parse_workload(const YamlField& section, const LoadContext& ctx, Scenario& s) {
  if (auto r = section.check_keys({"max_jobs", "traces", "classes", "fixed", "from_plan_demand"}); !r) return r;
  auto from_plan = section.get_bool("from_plan_demand", false);
  if (!from_plan) return fail(from_plan.error());
  s.workload.from_plan_demand = *from_plan;
  // A cap, not a way around the guard below: it is bounded by the same limit.
  auto max_jobs = section.get_int("max_jobs", 0, 0, static_cast<int64_t>(kMaxExpectedJobs));
  if (!max_jobs) return fail(max_jobs.error());
  s.workload.max_jobs = static_cast<double>(*max_jobs);
  if (auto r = each(section, "traces", [&](const YamlField& f) { return parse_trace(f, ctx, s); }); !r) return r;
  if (auto r = each(section, "classes", [&](const YamlField& f) { return parse_class(f, ctx, s); }); !r) return r;
  if (auto r = each(section, "fixed", [&](const YamlField& f) { return parse_fixed(f, ctx, s); }); !r) return r;

  if (s.workload.from_plan_demand) {
    const YamlField at = *section.optional("from_plan_demand");
    if (!s.workload.fixed.empty())
      return fail(at.error("the plan's demand makes every job: expected classes or traces only (their size and duration "
                           "mix), no fixed jobs"));
    if (s.workload.classes.empty() && s.workload.traces.empty())
      return fail(at.error("expected workload.classes or workload.traces: the job-size and duration mix the plan's demand "
                           "is cut into"));
    return {};
  }
  if (s.workload.max_jobs == 0) {
    double expected = 0;
    for (const auto& c : s.workload.classes) {
      const double end = c.end_s.value_or(s.horizon_s);
      expected += c.arrivals_per_hour * std::max(0.0, end - c.start_s) / kSecondsPerHour;
    }
    for (const auto& j : s.workload.fixed) expected += j.count;
    if (expected > kMaxExpectedJobs)
      return fail(section.error(fmt::format(
          "the classes and fixed jobs would make about {:.3g} jobs; expected at most {:.3g}, or set "
          "workload.max_jobs",
          expected, kMaxExpectedJobs)));
  }
  return {};
}

}  // namespace gpufleet
