// focus.csv: a bill in the FinOps FOCUS 1.x format (docs/focus-format.md), so that a FinOps tool
// can take in gpufleet's costs. Knows the format only; the simulation's and the plan's writers
// turn their results into rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpufleet/error.h"

namespace gpufleet {

// One row: one charge over [charge_start_unix_s, charge_end_unix_s), in USD. Empty strings are
// written as empty cells (FOCUS's null).
struct FocusRow {
  int64_t charge_start_unix_s = 0, charge_end_unix_s = 0;
  std::string provider;  // ProviderName
  std::string region;    // RegionId; empty when the charge has no region (a spend commitment's shortfall)
  std::string service_category = "Compute";  // ServiceCategory: "Compute", or "Other" (electricity)
  std::string charge_category = "Usage";  // "Usage" or "Purchase"
  std::string description;                // ChargeDescription
  double gpu_hours = 0;                   // PricingQuantity, in GPU-Hours
  double list_usd = 0, billed_usd = 0, effective_usd = 0;
  // For a commitment's rows (a capacity contract, a spend commitment), else empty.
  std::string commitment_id;        // CommitmentDiscountId: its name
  std::string commitment_type;      // CommitmentDiscountType: "Capacity Contract" or "Spend Commitment"
  std::string commitment_status;    // CommitmentDiscountStatus: "Used" or "Unused" ("" for a Purchase)
  std::string commitment_category;  // CommitmentDiscountCategory: "Usage" (GPUs) or "Spend" (dollars)
  std::string tags_json = "{}";     // Tags: a JSON object
};

// A row's billing period (BillingPeriodStart and End) is its calendar month:
// month_start_unix_s and next_month_start_unix_s of util/time_parse.h.

// The header (the FOCUS column names in the order written).
std::string focus_header();

// Writes the rows with the header to path through a temporary file renamed into place. The
// billing period of a row is the calendar month its charge starts in. Money and quantities with
// six decimals.
Result<void> write_focus_csv(const std::vector<FocusRow>& rows, const std::string& path);

}  // namespace gpufleet
