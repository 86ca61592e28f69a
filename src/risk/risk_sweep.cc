// risk --sweep: the variants of the scenario (one field set to each value), each evaluated
// over the same futures as the scenario itself, and the tornado (lowest and highest cost mean
// per field, largest swing first). Printed and written by risk_writers.cc.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "gpufleet/risk.h"
#include "io/yaml_path.h"

namespace gpufleet {

namespace {
constexpr size_t kMaxSweepValues = 100;  // per field: each value is a whole risk run
}  // namespace

Result<SweepSpec> parse_sweep_option(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return fail("<command line>", 0, 0, "--sweep", fmt::format("'{}': {}; expected FIELD=V1,V2,... (numbers)", text, why));
  };
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return bad("no FIELD=");
  SweepSpec s;
  s.field = text.substr(0, eq);
  const std::string values = text.substr(eq + 1);
  size_t i = 0;
  while (i <= values.size()) {
    size_t end = values.find(',', i);
    if (end == std::string::npos) end = values.size();
    const std::string v = values.substr(i, end - i);
    size_t used = 0;
    double x = 0;
    try {
      x = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v.empty() || used != v.size() || !std::isfinite(x)) return bad(fmt::format("'{}' is not a number", v));
    s.values.push_back(x);
    i = end + 1;
  }
  if (s.values.size() > kMaxSweepValues) return bad(fmt::format("{} values; at most {}", s.values.size(), kMaxSweepValues));
  return s;
}

Result<PreparedSweep> prepare_sweep(const std::vector<SweepSpec>& specs, const std::string& text, const std::string& name,
                                    const std::string& base_dir, const std::string& plan_dir, std::optional<uint64_t> seed) {
  PreparedSweep out;
  out.specs = specs;
  for (size_t k = 0; k < specs.size(); ++k) {
    const SweepSpec& spec = specs[k];
    auto now = yaml_number_at(text, spec.field, "--sweep");
    if (!now) return fail(now.error());
    out.scenario_values.push_back(*now);
    for (double v : spec.values) {
      auto variant = with_yaml_number(text, spec.field, v, "--sweep");
      if (!variant) return fail(variant.error());
      auto setup = load_risk_setup(*variant, name, base_dir, plan_dir, seed);
      if (!setup) {
        // The variant's text is not the file: name the option and the value, keep the loader's words.
        Error e = setup.error();
        return fail("<command line>", 0, 0, "--sweep",
                    fmt::format("{}={:g}: the scenario refuses it: {}{}", spec.field, v, e.field.empty() ? "" : e.field + ": ", e.message));
      }
      out.variants.push_back({k, v, std::move(*setup)});
    }
  }
  return out;
}

Result<SweepResult> run_risk_sweep(const PreparedSweep& sweep, const RiskOptions& options, const RiskResult& baseline) {
  SweepResult out;
  out.scenario = baseline.scenario;
  out.futures = baseline.futures;
  out.seed = baseline.seed;
  out.baseline_cost_mean_usd = baseline.cost.mean;
  for (size_t k = 0; k < sweep.specs.size(); ++k) out.fields.push_back({sweep.specs[k].field, sweep.scenario_values[k], {}, {}});
  for (const SweepVariant& v : sweep.variants) {
    auto r = run_risk(v.setup.inputs, v.setup.uncertainty, v.setup.commitments, options);
    if (!r) return fail(r.error());
    SweptField& f = out.fields[v.sweep];
    f.values.push_back(v.value);
    f.cost.push_back(r->cost);
  }
  for (SweptField& f : out.fields) {
    size_t lo = 0, hi = 0;
    for (size_t i = 1; i < f.cost.size(); ++i) {
      if (f.cost[i].mean < f.cost[lo].mean) lo = i;
      if (f.cost[i].mean > f.cost[hi].mean) hi = i;
    }
    f.low_value = f.values[lo];
    f.high_value = f.values[hi];
    f.low_cost_mean_usd = f.cost[lo].mean;
    f.high_cost_mean_usd = f.cost[hi].mean;
    f.swing_usd = f.high_cost_mean_usd - f.low_cost_mean_usd;
  }
  std::stable_sort(out.fields.begin(), out.fields.end(), [](const SweptField& a, const SweptField& b) { return a.swing_usd > b.swing_usd; });
  return out;
}

}  // namespace gpufleet
