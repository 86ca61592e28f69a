// load_risk_setup: the three loaders a risk evaluation needs, in order.
#include "gpufleet/risk.h"

namespace gpufleet {

Result<RiskSetup> load_risk_setup(const std::string& text, const std::string& name, const std::string& base_dir,
                                  const std::string& plan_dir, std::optional<uint64_t> seed) {
  auto inputs = load_plan_text(text, name, base_dir);
  if (!inputs) return fail(inputs.error());
  auto spec = parse_uncertainty_section(*inputs, text, name);
  if (!spec) return fail(spec.error());
  RiskSetup out{std::move(*inputs), std::move(*spec), {}};
  if (!plan_dir.empty()) {
    auto c = read_plan_commitments(out.inputs, plan_dir);
    if (!c) return fail(c.error());
    out.commitments = std::move(*c);
  }
  if (seed) out.inputs.scenario.seed = *seed;
  return out;
}

}  // namespace gpufleet
