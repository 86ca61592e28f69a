// libFuzzer target: read_skypilot_catalog_text on arbitrary bytes, strict and with
// skip_bad_rows, and the --accelerator-map parser on the first line. Any input must give a
// Catalog or an Error; a crash, sanitizer report or broken invariant (a price that is not
// finite and > 0, a (region, accelerator) twice or out of order, counts that do not add up)
// is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/catalog/skypilot_catalog.h"

namespace {

void check_price(const std::optional<double>& p) {
  if (p && !(std::isfinite(*p) && *p > 0)) std::abort();
}

void check(const gpufleet::Result<gpufleet::Catalog>& c) {
  if (!c) {
    if (c.error().message.empty()) std::abort();
    return;
  }
  int64_t counted = c->rows_without_accelerator + c->rows_unknown_accelerator + c->rows_fractional_gpus +
                    c->rows_without_price + c->rows_other_instance + c->rows_skipped;
  for (size_t i = 0; i < c->prices.size(); ++i) {
    const auto& p = c->prices[i];
    if (!p.on_demand_usd_per_gpu_hour && !p.spot_usd_per_gpu_hour) std::abort();
    check_price(p.on_demand_usd_per_gpu_hour);
    check_price(p.spot_usd_per_gpu_hour);
    if (p.rows < 1 || p.zones < 0 || p.zones > p.rows || p.region.empty() || p.accelerator.empty()) std::abort();
    if (i > 0 && !(std::pair(c->prices[i - 1].region, c->prices[i - 1].accelerator) < std::pair(p.region, p.accelerator)))
      std::abort();
    counted += p.rows;
  }
  if (counted != c->rows) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  gpufleet::CatalogReadOptions options;
  const size_t eol = input.find('\n');
  if (eol != std::string::npos && input.rfind("map:", 0) == 0) {  // "map:H100-MEGA=H100-SXM\n" then the CSV
    auto overrides = gpufleet::parse_catalog_accelerator_map(std::string_view(input).substr(4, eol - 4), "--accelerator-map");
    if (!overrides && overrides.error().message.empty()) std::abort();
    if (overrides) options.accelerator_map = gpufleet::catalog_map_with_overrides(*overrides);
  }
  check(gpufleet::read_skypilot_catalog_text(input, "fuzz.csv", options));
  options.skip_bad_rows = true;
  check(gpufleet::read_skypilot_catalog_text(input, "fuzz.csv", options));
  return 0;
}
