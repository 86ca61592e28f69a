#include "plan/plan_focus_writer.h"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/results/focus_writer.h"
#include "util/time_parse.h"

namespace gpufleet::plan {

namespace {

const char* kind_name(PlanCharge::Kind kind) {
  switch (kind) {
    case PlanCharge::Kind::contract: return "contract";
    case PlanCharge::Kind::spend_drawn: return "spend-drawn";
    case PlanCharge::Kind::spend_shortfall: return "spend-shortfall";
    case PlanCharge::Kind::termination_fee: return "termination-fee";
    case PlanCharge::Kind::on_demand: return "on-demand";
    case PlanCharge::Kind::spot: return "spot";
    case PlanCharge::Kind::energy: return "energy";
  }
  return "contract";
}

// The row of a line before it is split by month: everything but the period and the amounts.
FocusRow row_of(const PlanCharge& c, const Scenario& scenario) {
  FocusRow row;
  row.provider = c.provider;
  for (const Site& s : scenario.sites)
    if (s.name == c.site) row.region = s.region;
  const std::string where = c.accelerator + " GPUs at " + c.site;
  nlohmann::ordered_json tags = nlohmann::ordered_json::object();
  if (!c.site.empty()) tags["site"] = c.site;
  if (!c.accelerator.empty()) tags["accelerator"] = c.accelerator;
  tags["kind"] = kind_name(c.kind);
  row.tags_json = tags.dump();
  row.commitment_id = c.commitment;
  switch (c.kind) {
    case PlanCharge::Kind::contract:
      // The plan knows what a contract bills, not which of its GPUs jobs use: its charge is the
      // commitment's recurring fee.
      row.charge_category = "Purchase";
      row.commitment_type = "Capacity Contract";
      row.commitment_category = "Usage";
      row.description = "Contract " + c.commitment + ": " + where + " (take-or-pay, recurring)";
      break;
    case PlanCharge::Kind::spend_drawn:
    case PlanCharge::Kind::spend_shortfall:
      row.commitment_type = "Spend Commitment";
      row.commitment_category = "Spend";
      row.commitment_status = c.kind == PlanCharge::Kind::spend_drawn ? "Used" : "Unused";
      row.description = c.kind == PlanCharge::Kind::spend_drawn
                            ? "On-demand " + where + " under spend commitment " + c.commitment
                            : "Spend commitment " + c.commitment + ": shortfall billed at the year's end";
      break;
    case PlanCharge::Kind::termination_fee:
      row.charge_category = "Purchase";
      row.commitment_type = "Capacity Contract";
      row.commitment_category = "Usage";
      row.description = "Contract " + c.commitment + ": early termination fee";
      break;
    case PlanCharge::Kind::on_demand: row.description = "On-demand " + where; break;
    case PlanCharge::Kind::spot: row.description = "Spot " + where; break;
    case PlanCharge::Kind::energy:
      row.service_category = "Other";
      row.description = "Electricity of " + where + " (board power x PUE x USD/MWh)";
      break;
  }
  return row;
}

}  // namespace

Result<void> write_plan_focus(const PlanResult& result, const PlanInputs& inputs, const std::string& path) {
  std::vector<FocusRow> rows;
  for (const PlanCharge& c : result.bill) {
    const FocusRow base = row_of(c, inputs.scenario);
    const auto add = [&](int64_t from, int64_t to, double share) {
      FocusRow row = base;
      row.charge_start_unix_s = from;
      row.charge_end_unix_s = to;
      row.billed_usd = row.effective_usd = row.list_usd = c.usd * share;
      row.gpu_hours = c.gpu_hours * share;
      rows.push_back(std::move(row));
    };
    if (c.end_unix_s <= c.start_unix_s) {  // an instant: its UTC day
      const int64_t day = c.start_unix_s - ((c.start_unix_s % 86400) + 86400) % 86400;
      add(day, day + 86400, 1.0);
      continue;
    }
    const double span = static_cast<double>(c.end_unix_s - c.start_unix_s);
    for (int64_t from = c.start_unix_s; from < c.end_unix_s;) {
      const int64_t to = std::min(c.end_unix_s, next_month_start_unix_s(from));
      add(from, to, static_cast<double>(to - from) / span);
      from = to;
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const FocusRow& a, const FocusRow& b) { return a.charge_start_unix_s < b.charge_start_unix_s; });
  return write_focus_csv(rows, path);
}

}  // namespace gpufleet::plan
