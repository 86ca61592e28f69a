#include "io/results/focus_writer.h"

#include <iterator>

#include <fmt/format.h>

#include "util/atomic_file.h"
#include "util/csv_cell.h"
#include "util/time_parse.h"

namespace gpufleet {

std::string focus_header() {
  return "BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,ProviderName,RegionId,"
         "ServiceCategory,ChargeCategory,ChargeDescription,PricingQuantity,PricingUnit,ListCost,BilledCost,"
         "EffectiveCost,CommitmentDiscountId,CommitmentDiscountType,CommitmentDiscountStatus,Tags,"
         "CommitmentDiscountCategory,BillingCurrency";
}

Result<void> write_focus_csv(const std::vector<FocusRow>& rows, const std::string& path) {
  AtomicFile file;
  if (auto ok = file.open(path); !ok) return ok;
  fmt::memory_buffer out;
  out.append(focus_header());
  out.push_back('\n');
  for (const FocusRow& r : rows) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{},", format_iso_datetime(month_start_unix_s(r.charge_start_unix_s)),
                   format_iso_datetime(next_month_start_unix_s(r.charge_start_unix_s)),
                   format_iso_datetime(r.charge_start_unix_s), format_iso_datetime(r.charge_end_unix_s));
    append_csv_cell(out, r.provider);
    out.push_back(',');
    append_csv_cell(out, r.region);
    out.push_back(',');
    append_csv_cell(out, r.service_category);
    out.push_back(',');
    append_csv_cell(out, r.charge_category);
    out.push_back(',');
    append_csv_cell(out, r.description);
    fmt::format_to(std::back_inserter(out), ",{:.6f},GPU-Hours,{:.6f},{:.6f},{:.6f},", r.gpu_hours, r.list_usd,
                   r.billed_usd, r.effective_usd);
    append_csv_cell(out, r.commitment_id);
    out.push_back(',');
    append_csv_cell(out, r.commitment_type);
    out.push_back(',');
    append_csv_cell(out, r.commitment_status);
    out.push_back(',');
    append_csv_cell(out, r.tags_json);
    out.push_back(',');
    append_csv_cell(out, r.commitment_category);
    out.append(std::string_view(",USD\n"));
    if (out.size() > (1 << 20)) {
      file.write(std::string_view(out.data(), out.size()));
      out.clear();
    }
  }
  file.write(std::string_view(out.data(), out.size()));
  return file.commit();
}

}  // namespace gpufleet
