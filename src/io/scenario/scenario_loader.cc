// Scenario YAML → Scenario: the top level (name, times, seed, policy) and the order in which
// the sections are parsed. See docs/scenario-format.md for the format.
#include <filesystem>

#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"
#include "util/atomic_file.h"

namespace gpufleet {

namespace {

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out += fmt::format("{}{}", out.empty() ? "" : ", ", n);
  return out;
}

Result<std::string> one_of(const YamlField& f, const std::vector<std::string_view>& names) {
  auto v = f.as_string();
  if (!v) return v;
  for (auto n : names)
    if (n == *v) return v;
  return fail(f.error(fmt::format("unknown policy '{}'; expected one of: {}", *v, joined(names))));
}

Result<void> parse_quotas(const YamlField& f, PolicySpec& p) {
  auto items = f.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items) {
    if (auto r = item.check_keys({"tenant", "guaranteed_gpus", "can_borrow"}); !r) return r;
    TenantQuota q;
    auto tenant = required_text(item, "tenant");
    if (!tenant) return fail(tenant.error());
    for (const auto& other : p.quotas)
      if (other.tenant == *tenant)
        return fail(item.required("tenant")->error(fmt::format("tenant '{}' has a quota already", *tenant)));
    q.tenant = *tenant;
    auto g = item.required("guaranteed_gpus");
    if (!g) return fail(g.error());
    auto gpus = g->as_int(0, int64_t{1} << 40);
    if (!gpus) return fail(gpus.error());
    q.guaranteed_gpus = *gpus;
    auto borrow = item.get_bool("can_borrow", true);
    if (!borrow) return fail(borrow.error());
    q.can_borrow = *borrow;
    p.quotas.push_back(std::move(q));
  }
  return {};
}

Result<void> parse_policy(const YamlField& f, PolicySpec& p) {
  if (auto r = f.check_keys({"queue", "placement", "backfill_depth", "las_thresholds_gpu_hours", "quotas"}); !r)
    return r;
  if (auto t = f.optional("las_thresholds_gpu_hours")) {
    auto items = t->items();
    if (!items) return fail(items.error());
    if (items->empty() || items->size() > 7)
      return fail(t->error("expected 1 to 7 thresholds (GPU-hours), increasing"));
    p.las_thresholds_gpu_s.clear();
    for (const auto& item : *items) {
      auto v = item.as_double(0.0, 1e12);
      if (!v) return fail(v.error());
      const double gpu_s = *v * 3600.0;
      if (*v <= 0 || (!p.las_thresholds_gpu_s.empty() && gpu_s <= p.las_thresholds_gpu_s.back()))
        return fail(item.error("expected thresholds > 0 in increasing order"));
      p.las_thresholds_gpu_s.push_back(gpu_s);
    }
  }
  if (auto q = f.optional("quotas"))
    if (auto r = parse_quotas(*q, p); !r) return r;
  if (auto q = f.optional("queue")) {
    auto v = one_of(*q, known_queue_policies());
    if (!v) return fail(v.error());
    p.queue = *v;
  }
  if (auto q = f.optional("placement")) {
    auto v = one_of(*q, known_placement_policies());
    if (!v) return fail(v.error());
    p.placement = *v;
  }
  auto depth = f.get_int("backfill_depth", p.backfill_depth, 0, 1'000'000);
  if (!depth) return fail(depth.error());
  p.backfill_depth = static_cast<int>(*depth);
  return {};
}

Result<void> parse_top(const YamlField& root, Scenario& s) {
  auto name = required_text(root, "name");
  if (!name) return fail(name.error());
  s.name = *name;
  auto description = root.get_string("description", "");
  if (!description) return fail(description.error());
  s.description = *description;

  auto start = root.required("start");
  if (!start) return fail(start.error());
  auto start_s = start->as_date_unix_s();
  if (!start_s) return fail(start_s.error());
  s.start_unix_s = *start_s;

  const auto horizon = root.optional("horizon");
  const auto end = root.optional("end");
  if (horizon && end)
    return fail(end->error("give either 'horizon' (a duration) or 'end' (a date), not both"));
  if (horizon) {
    auto h = horizon->as_duration_s();
    if (!h) return fail(h.error());
    s.horizon_s = *h;
    if (s.horizon_s <= 0) return fail(horizon->error("expected a horizon longer than 0"));
  } else if (end) {
    auto e = end->as_time_s(s.start_unix_s);
    if (!e) return fail(e.error());
    if (*e <= 0)
      return fail(end->error(fmt::format("expected an end after the start ({})", start->node().Scalar())));
    s.horizon_s = *e;
  } else {
    Error e = root.error("missing 'horizon' (a duration such as 730d) or 'end' (a date)");
    e.field = "horizon";
    return fail(e);
  }

  if (s.horizon_s > kMaxHorizonS) {
    const YamlField& f = horizon ? *horizon : *end;
    return fail(f.error(fmt::format("a horizon of {:.0f} days; expected at most 100y (36500 days: hourly results "
                                    "are kept for the whole horizon)",
                                    s.horizon_s / kSecondsPerDay)));
  }

  auto seed = root.get_int("seed", 1, 0);
  if (!seed) return fail(seed.error());
  s.seed = static_cast<uint64_t>(*seed);

  auto bill_energy = root.get_bool("bill_energy", true);
  if (!bill_energy) return fail(bill_energy.error());
  s.bill_energy = *bill_energy;

  if (auto p = root.optional("policy"))
    if (auto r = parse_policy(*p, s.policy); !r) return r;
  return {};
}

// A section that must be a non-empty list.
Result<YamlField> required_list(const YamlField& root, std::string_view key) {
  auto f = root.required(key);
  if (!f) return f;
  auto items = f->items();
  if (!items) return fail(items.error());
  if (items->empty()) return fail(f->error(fmt::format("expected a non-empty list of {}", key)));
  return f;
}

}  // namespace

Result<std::string> required_text(const YamlField& map, std::string_view key) {
  auto f = map.required(key);
  if (!f) return fail(f.error());
  auto v = f->as_string();
  if (!v) return v;
  if (v->empty()) return fail(f->error("expected a non-empty text"));
  return v;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

Result<Scenario> load_scenario_text_with(const std::string& text, const std::string& name,
                                         const std::string& base_dir,
                                         const ScenarioLoadOptions& options) {
  auto root = YamlField::parse(text, name);
  if (!root) return fail(root.error());
  if (root->is_null()) return fail(name, 1, 1, "", "the scenario is empty; expected a map with at least name, start, horizon, accelerators, providers and sites");
  if (auto r = root->check_keys({"name", "description", "start", "horizon", "end", "seed", "bill_energy", "policy",
                                 "accelerators", "providers", "sites", "contracts", "markets", "spend_commitments",
                                 "workload", "checkpoint", "faults", "plan", "uncertainty"});
      !r)
    return fail(r.error());

  Scenario s;
  s.source_file = name;
  LoadContext ctx{base_dir, options, 0};
  if (auto r = parse_top(*root, s); !r) return fail(r.error());
  ctx.start_unix_s = s.start_unix_s;

  auto accelerators = required_list(*root, "accelerators");
  if (!accelerators) return fail(accelerators.error());
  if (auto r = parse_accelerators(*accelerators, s); !r) return fail(r.error());
  auto providers = required_list(*root, "providers");
  if (!providers) return fail(providers.error());
  if (auto r = parse_providers(*providers, s); !r) return fail(r.error());
  auto sites = required_list(*root, "sites");
  if (!sites) return fail(sites.error());
  if (auto r = parse_sites(*sites, ctx, s); !r) return fail(r.error());
  if (auto f = root->optional("contracts"))
    if (auto r = parse_contracts(*f, ctx, s); !r) return fail(r.error());
  if (auto f = root->optional("markets"))
    if (auto r = parse_markets(*f, ctx, s); !r) return fail(r.error());
  if (auto f = root->optional("spend_commitments"))
    if (auto r = parse_spend_commitments(*f, ctx, s); !r) return fail(r.error());
  if (auto f = root->optional("checkpoint"))
    if (auto r = parse_checkpoint(*f, s.checkpoint); !r) return fail(r.error());
  if (auto f = root->optional("faults"))
    if (auto r = parse_faults(*f, ctx, s); !r) return fail(r.error());
  if (auto r = check_fault_events(*root, s); !r) return fail(r.error());
  if (auto f = root->optional("workload"))
    if (auto r = parse_workload(*f, ctx, s); !r) return fail(r.error());
  // `plan` belongs to the planner and `uncertainty` to risk, which parse them themselves.
  s.has_plan_section = root->optional("plan").has_value();
  if (s.workload.from_plan_demand && !s.has_plan_section)
    return fail(root->optional("workload")->optional("from_plan_demand")->error(
        "the workload is made from the plan's demand, but the scenario has no `plan:` section with a demand"));
  return s;
}

Result<Scenario> load_scenario_text(const std::string& text, const std::string& name,
                                    const std::string& base_dir) {
  return load_scenario_text_with(text, name, base_dir, ScenarioLoadOptions{});
}

Result<Scenario> load_scenario_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fail(path, 0, 0, "", "is a folder; expected a scenario YAML file");
  auto text = read_file(path);
  if (!text) return fail(text.error());
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(*text, path, dir.empty() ? "." : dir);
}

}  // namespace gpufleet
