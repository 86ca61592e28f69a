#include "report/compare.h"

#include <filesystem>

#include <fmt/format.h>

#include "report/json_input.h"
#include "report/risk_folder.h"
#include "report/run_record.h"
#include "util/human_format.h"

namespace gpufleet::report {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

constexpr size_t kCdfPoints = 200;

void one_cost(ComparedFolder& f, double usd) {
  f.mean = f.p5 = f.p50 = f.p95 = f.cvar95 = usd;
  f.cdf = {{usd, 1.0}};
}

// One contract's GPUs into f.commitment_gpus, under its provider, kind and the year of the
// date (or period label) in field `start`.
Result<void> add_contract(ComparedFolder& f, const JsonObject& c, const std::string& kind, const std::string& start) {
  auto provider = c.string("provider");
  if (!provider) return fail(provider.error());
  auto from = c.string(start);
  if (!from) return fail(from.error());
  if (from->size() < 4) return fail(c.error(start, fmt::format("'{}': expected a date or a period label", *from)));
  auto gpus = c.number("gpus");
  if (!gpus) return fail(gpus.error());
  f.commitment_gpus[{*provider, kind, from->substr(0, 4)}] += *gpus;
  return {};
}

Result<void> read_risk(ComparedFolder& f, RiskFolder& risk) {
  const std::string path = (fs::path(f.dir) / "risk.json").string();
  const JsonObject j(risk.summary, path);
  auto cost = j.object("cost_usd");
  if (!cost) return fail(cost.error());
  for (auto [key, to] : {std::pair{"mean", &f.mean}, std::pair{"p5", &f.p5}, std::pair{"p50", &f.p50}, std::pair{"p95", &f.p95},
                         std::pair{"cvar95", &f.cvar95}}) {
    auto v = cost->number(key);
    if (!v) return fail(v.error());
    *to = *v;
  }
  f.kind = "risk";
  f.distribution = true;
  f.basis = fmt::format("present value over {} futures", risk.futures);
  f.cdf = cdf_points(risk.cost_usd, kCdfPoints);
  f.future_costs = risk.cost_usd;
  auto short_total = j.object("shortfall_gpu_hours");
  if (!short_total) return fail(short_total.error());
  auto short_mean = short_total->number("mean"), short_p95 = short_total->number("p95");
  if (!short_mean) return fail(short_mean.error());
  if (!short_p95) return fail(short_p95.error());
  f.shortfall = fmt::format("mean {} ref GPU-h, P95 {}", with_commas(*short_mean), with_commas(*short_p95));
  if (j.has("contract_terms")) {  // risk.json of gpufleet 2026-12 and later
    f.has_commitments = true;
    auto terms = j.each_object("contract_terms", [&](const JsonObject& c) -> Result<void> {
      auto kind = c.string("kind");
      if (!kind) return fail(kind.error());
      if (*kind != "existing" && *kind != "new") return fail(c.error("kind", fmt::format("'{}': expected existing or new", *kind)));
      return add_contract(f, c, *kind, "from");
    });
    if (!terms) return terms;
  }
  return j.each_object("providers", [&](const JsonObject& p) -> Result<void> {
    auto name = p.string("provider");
    if (!name) return fail(name.error());
    auto c = p.object("cost_usd");
    if (!c) return fail(c.error());
    auto mean = c->number("mean");
    if (!mean) return fail(mean.error());
    f.cost_by_provider.emplace_back(*name, *mean);
    return {};
  });
}

// plan.json: the objective (when no risk.json gives the cost), cost by provider, and the
// contracts (when no risk.json gave those it evaluated).
Result<void> read_plan(ComparedFolder& f, bool cost_from_plan) {
  const std::string path = (fs::path(f.dir) / "plan.json").string();
  auto loaded = read_json_object(path);
  if (!loaded) return fail(loaded.error());
  const JsonObject plan(*loaded, path);
  if (!f.has_commitments) {
    f.has_commitments = true;
    auto existing = plan.each_object("existing_contracts", [&](const JsonObject& c) { return add_contract(f, c, "existing", "start"); });
    if (!existing) return existing;
    auto signed_ = plan.each_object("commitments", [&](const JsonObject& c) { return add_contract(f, c, "new", "start"); });
    if (!signed_) return signed_;
  }
  if (!cost_from_plan) return {};
  auto solver = plan.object("solver");
  if (!solver) return fail(solver.error());
  auto objective = solver->number("objective_usd");
  if (!objective) return fail(objective.error());
  auto status = plan.string("status");
  if (!status) return fail(status.error());
  f.kind = "plan";
  f.basis = "present value (the plan's objective)";
  one_cost(f, *objective);
  f.shortfall = fmt::format("none planned ({}: the plan serves its forecast)", *status);
  return plan.each_object("cost_by_provider", [&](const JsonObject& p) -> Result<void> {
    auto name = p.string("label");
    if (!name) return fail(name.error());
    auto total = p.number("total_usd");
    if (!total) return fail(total.error());
    f.cost_by_provider.emplace_back(*name, *total);
    return {};
  });
}

Result<void> read_simulation(ComparedFolder& f) {
  const std::string path = (fs::path(f.dir) / "summary.json").string();
  auto loaded = read_json_object(path);
  if (!loaded) return fail(loaded.error());
  const JsonObject s(*loaded, path);
  auto cost = s.number("cost_usd");
  if (!cost) return fail(cost.error());
  auto never = s.number("never_started");
  if (!never) return fail(never.error());
  f.kind = "simulation";
  f.basis = "undiscounted over the simulated horizon";
  one_cost(f, *cost);
  f.shortfall = fmt::format("{} jobs never started, {} unplaceable", with_commas(*never),
                            with_commas(s.optional_number("unplaceable").value_or(0)));
  auto by_provider = s.object("cost_usd_by_provider");
  if (!by_provider) return fail(by_provider.error());
  for (const auto& [name, v] : by_provider->json().items()) {
    auto usd = by_provider->number(name);
    if (!usd) return fail(usd.error());
    f.cost_by_provider.emplace_back(name, *usd);
  }
  return {};
}

// The futures of b are a's: same scenario, seed and count, and the same draws in every future.
Result<void> same_futures(const RiskFolder& a, const RiskFolder& b) {
  const std::string a_json = (fs::path(a.dir) / "risk.json").string(), b_json = (fs::path(b.dir) / "risk.json").string();
  const std::string why = "regret needs risk folders evaluated on the same futures (the same scenario, seed and --futures)";
  if (b.scenario != a.scenario)
    return fail(b_json, 0, 0, "scenario", fmt::format("'{}', but {} has '{}': {}", b.scenario, a_json, a.scenario, why));
  if (b.seed != a.seed) return fail(b_json, 0, 0, "seed", fmt::format("{}, but {} has {}: {}", b.seed, a_json, a.seed, why));
  if (b.futures != a.futures)
    return fail(b_json, 0, 0, "futures", fmt::format("{}, but {} has {}: {}", b.futures, a_json, a.futures, why));
  const std::string b_csv = (fs::path(b.dir) / "futures.csv").string();
  if (b.draw_names != a.draw_names)
    return fail(b_csv, 1, 1, "", fmt::format("its draw columns are not those of {}/futures.csv: {}", a.dir, why));
  const size_t width = a.draw_names.size();
  for (size_t i = 0; i < a.draws.size(); ++i)
    if (a.draws[i] != b.draws[i]) {
      const size_t k = i / width;
      return fail(b_csv, static_cast<int>(k) + 2, 0, a.draw_names[i % width],
                  fmt::format("future {} drew {}, but in {}/futures.csv it drew {}: not the same futures (another uncertainty "
                              "section?); {}",
                              k, b.draws[i], a.dir, a.draws[i], why));
    }
  return {};
}

}  // namespace

Result<Comparison> compare_folders(const std::vector<std::string>& dirs) {
  Comparison out;
  std::vector<RiskFolder> risks;
  std::error_code ec;
  try {
    for (const std::string& dir : dirs) {
      ComparedFolder f;
      f.dir = dir;
      if (!fs::is_directory(dir, ec))
        return fail(dir, 0, 0, "", "not a folder (expected a results folder of `plan --out`, `risk --out` or `simulate --out`)");
      const bool risk = fs::exists(fs::path(dir) / "risk.json", ec), plan = fs::exists(fs::path(dir) / "plan.json", ec),
                 sim = fs::exists(fs::path(dir) / "summary.json", ec);
      if (!risk && !plan && !sim)
        return fail(dir, 0, 0, "",
                    "no results of a known kind: expected risk.json (from `risk --out`), plan.json (from `plan --out`) or "
                    "summary.json (from `simulate --out`)");
      // The files must be those run.json records (not edited, not mixed from several runs).
      if (auto ok = verify_run_files(dir, {"risk.json", "futures.csv", "plan.json", "summary.json"}); !ok) return fail(ok.error());
      if (risk) {
        auto r = read_risk_folder(dir);
        if (!r) return fail(r.error());
        if (auto ok = read_risk(f, *r); !ok) return fail(ok.error());
        if (!risks.empty())
          if (auto ok = same_futures(risks.front(), *r); !ok) return fail(ok.error());
        out.regret_of.push_back(out.folders.size());
        risks.push_back(std::move(*r));
      }
      if (plan)
        if (auto ok = read_plan(f, !risk); !ok) return fail(ok.error());
      if (!risk && !plan)
        if (auto ok = read_simulation(f); !ok) return fail(ok.error());
      out.folders.push_back(std::move(f));
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(dirs.front(), 0, 0, "", fmt::format("a results file holds a value of an unexpected type: {}", e.what()));
  }
  if (out.regret_of.size() >= 2) {
    std::vector<std::vector<double>> costs;
    for (size_t i : out.regret_of) costs.push_back(out.folders[i].future_costs);
    out.regret = regret(costs);
    out.regret_note = fmt::format("the same {} futures of {}, seed {}, present value", risks.front().futures, risks.front().scenario,
                                  risks.front().seed);
  } else {
    out.regret_note = out.regret_of.empty() ? "no risk folder (regret needs two or more risk folders on the same futures)"
                                            : "one risk folder (regret needs two or more on the same futures)";
    out.regret_of.clear();
  }
  return out;
}

}  // namespace gpufleet::report
