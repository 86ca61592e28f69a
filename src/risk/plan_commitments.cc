// A plan's commitments read back from the plan.json that `gpufleet plan --out` writes, checked
// against the scenario they are to be evaluated on.
#include <filesystem>

#include <fmt/format.h>

#include "gpufleet/risk.h"
#include "util/atomic_file.h"
#include "util/json_text.h"
#include "util/time_parse.h"

namespace gpufleet {

Result<std::vector<Contract>> read_plan_commitments(const PlanInputs& in, const std::string& plan_dir) {
  const std::string path = (std::filesystem::path(plan_dir) / "plan.json").string();
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto doc = parse_json_text(*text, path);
  if (!doc) return fail(doc.error());
  const Scenario& sc = in.scenario;
  auto bad = [&](const std::string& field, const std::string& message) { return fail(path, 0, 0, field, message); };
  if (!doc->is_object() || !doc->contains("commitments") || !(*doc)["commitments"].is_array())
    return bad("commitments", "expected the plan.json of `gpufleet plan --out` (an object with a commitments list)");
  if (doc->contains("scenario") && (*doc)["scenario"].is_string() && (*doc)["scenario"].get<std::string>() != sc.name)
    return bad("scenario", fmt::format("the plan is of scenario '{}', not '{}'", (*doc)["scenario"].get<std::string>(), sc.name));
  if (doc->contains("spend_commitments") && (*doc)["spend_commitments"].is_array() && !(*doc)["spend_commitments"].empty())
    return bad("spend_commitments", "risk does not bill spend commitments yet; `gpufleet simulate` on the plan's --emit-scenario does");
  if (doc->contains("terminations") && (*doc)["terminations"].is_array())
    for (const auto& t : (*doc)["terminations"])
      if (t.is_object() && t.value("decided_by_plan", false) && t.value("exercised", false))
        return bad("terminations", fmt::format("the plan ends contract '{}' early; risk does not apply a plan's early terminations yet",
                                               t.value("contract", std::string("?"))));
  std::vector<Contract> out;
  const auto& list = (*doc)["commitments"];
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& c = list[i];
    const std::string at = fmt::format("commitments[{}]", i);
    auto text_of = [&](const char* key) -> Result<std::string> {
      if (!c.is_object() || !c.contains(key) || !c[key].is_string()) return bad(at + "." + key, "expected a string");
      return c[key].get<std::string>();
    };
    auto number_of = [&](const char* key, double lo, double hi) -> Result<double> {
      if (!c.is_object() || !c.contains(key) || !c[key].is_number()) return bad(at + "." + key, "expected a number");
      const double v = c[key].get<double>();
      if (!(v >= lo && v <= hi)) return bad(at + "." + key, fmt::format("{:g}: expected from {:g} to {:g}", v, lo, hi));
      return v;
    };
    auto site = text_of("site");
    if (!site) return fail(site.error());
    auto acc = text_of("accelerator");
    if (!acc) return fail(acc.error());
    auto start = text_of("start");
    if (!start) return fail(start.error());
    auto term = number_of("term_years", 1, 30);
    if (!term) return fail(term.error());
    auto gpus = number_of("gpus", 0, 4.0e9);
    if (!gpus) return fail(gpus.error());
    auto price = number_of("usd_per_gpu_hour", 0, 1e6);
    if (!price) return fail(price.error());
    Contract k;
    k.name = fmt::format("plan-{}", i);
    k.site = sc.find_site(*site);
    if (k.site < 0) return bad(at + ".site", fmt::format("site '{}' is not in the scenario: the plan is of another scenario", *site));
    k.accelerator = sc.find_accelerator(*acc);
    if (k.accelerator < 0)
      return bad(at + ".accelerator", fmt::format("accelerator '{}' is not in the scenario: the plan is of another scenario", *acc));
    k.provider = sc.sites[static_cast<size_t>(k.site)].provider;
    int period = -1;
    for (int t = 0; t < in.periods && period < 0; ++t)
      if (period_label(in, t) == *start) period = t;
    if (period < 0) return bad(at + ".start", fmt::format("'{}' is no period of the scenario's plan horizon", *start));
    const int term_periods = static_cast<int>(*term) * 12 / in.period_months;
    const auto last = std::min<size_t>(static_cast<size_t>(period + term_periods), in.period_start_unix_s.size() - 1);
    k.start_s = static_cast<double>(in.period_start_unix_s[static_cast<size_t>(period)] - sc.start_unix_s);
    k.end_s = static_cast<double>(in.period_start_unix_s[last] - sc.start_unix_s);
    k.ramp.push_back({k.start_s, static_cast<int64_t>(*gpus)});
    k.usd_per_gpu_hour = *price;
    k.take_or_pay_share = 1.0;
    if (c.contains("escalator_per_year")) {
      auto escalator = number_of("escalator_per_year", -0.5, 1.0);
      if (!escalator) return fail(escalator.error());
      k.escalator_per_year = *escalator;
    }
    // In force from its own dates when plan.json gives them (a start inside its period).
    for (auto [key, field] : {std::pair{"from", &k.start_s}, std::pair{"to", &k.end_s}}) {
      if (!c.contains(key)) continue;
      auto when = text_of(key);
      if (!when) return fail(when.error());
      const auto unix_s = parse_iso_datetime(*when);
      if (!unix_s) return bad(at + "." + key, fmt::format("'{}': expected a date and time", *when));
      *field = static_cast<double>(*unix_s - sc.start_unix_s);
    }
    k.ramp.front().at_s = k.start_s;
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace gpufleet
