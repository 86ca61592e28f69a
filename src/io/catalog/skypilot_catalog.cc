// SkyPilot catalogue CSV -> per-GPU prices per (region, accelerator). Columns are found by
// header name (the providers' files order them differently); see docs/catalog-format.md.
#include "io/catalog/skypilot_catalog.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "io/csv_scanner.h"
#include "util/atomic_file.h"
#include "util/key_value_list.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

constexpr size_t kAbsent = std::numeric_limits<size_t>::max();
constexpr std::string_view kExpectedHeader =
    "InstanceType, AcceleratorName, AcceleratorCount, Price, Region (SpotPrice and AvailabilityZone optional)";
// An instance price above this (USD per hour) is a unit or typing error, not a catalogue price.
constexpr double kMaxInstanceUsdPerHour = 1e7;

struct Columns {
  size_t instance = kAbsent, name = kAbsent, count = kAbsent, price = kAbsent, spot = kAbsent,
         region = kAbsent, zone = kAbsent;
};

// The running minimum of one (region, accelerator).
struct Accumulator {
  CatalogPrice price;
  std::set<std::string, std::less<>> zones;
};

// One data row's values, checked.
struct Row {
  std::string_view instance, name, region, zone;
  double count = 0;
  std::optional<double> price, spot;  // none: an empty field
};

class Reader {
 public:
  Reader(CsvScanner& csv, const Columns& col) : csv_(csv), col_(col) {}

  Error error(size_t i, std::string message) const {
    return csv_.error_at(i, i < csv_.header().size() ? csv_.header()[i] : "", std::move(message));
  }

  // A positive number of USD per hour at column i; none for an empty field (no such offer).
  Result<std::optional<double>> usd_per_hour(size_t i, std::string_view what) const {
    const std::string_view text = csv_.field(i);
    if (trimmed(text).empty()) return std::optional<double>{};
    const auto v = parse_csv_double(text);
    if (!v || *v <= 0 || *v > kMaxInstanceUsdPerHour)
      return fail(error(i, fmt::format("found {}; expected {} in USD per instance-hour, a number > 0 (at most {:.0f})",
                                       quote_for_error(text), what, kMaxInstanceUsdPerHour)));
    return v;
  }

  // Fills `row` from the current CSV row; false: a row without an accelerator (CPU-only).
  Result<bool> read(Catalog& c, Row& row) const {
    const size_t width = csv_.header().size();
    if (csv_.size() < width)
      return fail(error(csv_.size(), fmt::format("the row has {} fields; expected {} as in the header",
                                                 csv_.size(), width)));
    if (csv_.size() > width) ++c.rows_extra_fields;
    row.name = trimmed(csv_.field(col_.name));
    if (row.name.empty()) return false;
    row.instance = trimmed(csv_.field(col_.instance));
    const std::string_view count_text = csv_.field(col_.count);
    const auto count = parse_csv_double(count_text);
    if (!count || *count <= 0 || *count > 1e6)
      return fail(error(col_.count, fmt::format("found {}; expected the number of {} accelerators of the instance, "
                                                "a number > 0",
                                                quote_for_error(count_text), quote_for_error(row.name))));
    row.count = *count;
    auto price = usd_per_hour(col_.price, "the on-demand price (or an empty field: none)");
    if (!price) return fail(price.error());
    row.price = *price;
    row.spot.reset();
    if (col_.spot != kAbsent) {
      auto spot = usd_per_hour(col_.spot, "the spot price (or an empty field: no spot)");
      if (!spot) return fail(spot.error());
      row.spot = *spot;
    }
    row.region = trimmed(csv_.field(col_.region));
    if (row.region.empty()) return fail(error(col_.region, "found an empty field; expected the region's name"));
    row.zone = col_.zone != kAbsent ? trimmed(csv_.field(col_.zone)) : std::string_view{};
    return true;
  }

 private:
  CsvScanner& csv_;
  const Columns& col_;
};

void add_row(const Row& row, const std::string& accelerator, Accumulator& a) {
  CatalogPrice& p = a.price;
  if (row.price) {
    const double on_demand = *row.price / row.count;
    if (!p.on_demand_usd_per_gpu_hour || on_demand < *p.on_demand_usd_per_gpu_hour) {
      p.on_demand_usd_per_gpu_hour = on_demand;
      p.on_demand_instance = std::string(row.instance);
    }
  }
  if (row.spot) {
    const double spot = *row.spot / row.count;
    if (!p.spot_usd_per_gpu_hour || spot < *p.spot_usd_per_gpu_hour) {
      p.spot_usd_per_gpu_hour = spot;
      p.spot_instance = std::string(row.instance);
    }
  }
  if (p.rows == 0) {
    p.region = std::string(row.region);
    p.accelerator = accelerator;
    p.catalog_accelerator = std::string(row.name);
  } else if (p.catalog_accelerator != row.name && p.catalog_accelerator.find('+') == std::string::npos) {
    p.catalog_accelerator += '+';  // two names mapped onto one (an override); appended piece by
    p.catalog_accelerator += row.name;  // piece: g++ 12 warns falsely on "+" + string (bug 105329)
  }
  ++p.rows;
  if (!row.zone.empty() && !a.zones.contains(row.zone)) a.zones.emplace(row.zone);
}

}  // namespace

const CatalogAcceleratorMap& default_catalog_accelerator_map() {
  static const CatalogAcceleratorMap map = {
      {"H100", "H100-SXM"},  {"H200", "H200"},           {"B200", "B200"},         {"GB200", "GB200"},
      {"GH200", "GH200"},    {"A100", "A100-40GB"},      {"A100-80GB", "A100-80GB"}, {"MI300X", "MI300X"},
      {"L40S", "L40S"},      {"L4", "L4"},               {"A10G", "A10G"},         {"A10", "A10"},
      {"T4", "T4"},          {"V100", "V100-16GB"},      {"V100-32GB", "V100-32GB"},
  };
  return map;
}

CatalogAcceleratorMap catalog_map_with_overrides(const CatalogAcceleratorMap& overrides) {
  CatalogAcceleratorMap map = default_catalog_accelerator_map();
  for (const auto& [from, to] : overrides) map[from] = to;
  return map;
}

Result<CatalogAcceleratorMap> parse_catalog_accelerator_map(std::string_view text, const std::string& where) {
  CatalogAcceleratorMap map;
  const auto bad = [&](std::string message) {
    return fail(Error{"<command line>", 0, 0, where, std::move(message)});
  };
  for (const KeyValueItem& kv : key_value_items(text)) {
    if (!kv.has_equals || kv.key.empty())
      return bad(fmt::format("found '{}'; expected CATALOGUE_NAME=SCENARIO_NAME (or CATALOGUE_NAME= to drop it)", kv.item));
    const std::string from(kv.key);
    if (map.contains(from)) return bad(fmt::format("'{}' mapped twice", from));
    map.emplace(from, std::string(kv.value));
  }
  return map;
}

const CatalogPrice* Catalog::find(std::string_view region, std::string_view accelerator) const {
  for (const auto& p : prices)
    if (p.region == region && p.accelerator == accelerator) return &p;
  return nullptr;
}

Result<Catalog> read_skypilot_catalog_text(std::string_view text, const std::string& file_name,
                                           const CatalogReadOptions& options) {
  CsvScanner csv(text, file_name);
  if (auto header = csv.read_header(); !header) {
    Error e = header.error();
    if (e.line == 0) e.message = fmt::format("empty file: expected a header with the columns {}", kExpectedHeader);
    return fail(std::move(e));
  }
  Columns col;
  for (auto [name, index] : {std::pair{"InstanceType", &col.instance}, std::pair{"AcceleratorName", &col.name},
                             std::pair{"AcceleratorCount", &col.count}, std::pair{"Price", &col.price},
                             std::pair{"Region", &col.region}}) {
    auto found = csv.column(name);
    if (!found) {
      Error e = found.error();
      e.message += fmt::format("; a SkyPilot catalogue has the columns {}", kExpectedHeader);
      return fail(std::move(e));
    }
    *index = *found;
  }
  if (auto found = csv.column("SpotPrice")) col.spot = *found;
  if (auto found = csv.column("AvailabilityZone")) col.zone = *found;

  Catalog c;
  c.file = file_name;
  c.has_zones = col.zone != kAbsent;
  std::map<std::pair<std::string, std::string>, Accumulator, std::less<>> by_region;
  Reader reader(csv, col);
  const auto reject = [&](const Error& e) -> bool {  // true: skip the row and go on
    if (!options.skip_bad_rows) return false;
    if (c.rows_skipped == 0) c.first_skipped = e.to_string();
    ++c.rows_skipped;
    return true;
  };
  Row row;
  std::string region_key;
  while (true) {
    auto more = csv.next_row();
    if (!more) {
      ++c.rows;
      if (!reject(more.error())) return fail(more.error());
      continue;
    }
    if (!*more) break;
    ++c.rows;
    auto has_accelerator = reader.read(c, row);
    if (!has_accelerator) {
      if (!reject(has_accelerator.error())) return fail(has_accelerator.error());
      continue;
    }
    if (!*has_accelerator) {
      ++c.rows_without_accelerator;
      continue;
    }
    if (!row.price && !row.spot) {
      ++c.rows_without_price;
      continue;
    }
    if (!options.instance_prefixes.empty() &&
        std::none_of(options.instance_prefixes.begin(), options.instance_prefixes.end(),
                     [&](const std::string& prefix) { return row.instance.starts_with(prefix); })) {
      ++c.rows_other_instance;
      continue;
    }
    if (row.count < 1 || row.count != std::floor(row.count)) {
      ++c.rows_fractional_gpus;
      continue;
    }
    const auto mapped = options.accelerator_map.find(row.name);
    if (mapped == options.accelerator_map.end() || mapped->second.empty()) {
      ++c.rows_unknown_accelerator;
      auto it = c.unknown_accelerators.find(row.name);
      if (it == c.unknown_accelerators.end()) it = c.unknown_accelerators.emplace(std::string(row.name), 0).first;
      ++it->second;
      continue;
    }
    region_key.assign(row.region);
    add_row(row, mapped->second, by_region[std::pair{region_key, mapped->second}]);
  }
  if (c.rows == 0) return fail(file_name, 0, 0, "", fmt::format("no rows after the header; expected the columns {}", kExpectedHeader));
  c.prices.reserve(by_region.size());
  for (auto& [key, a] : by_region) {
    a.price.zones = static_cast<int>(a.zones.size());
    c.prices.push_back(std::move(a.price));
  }
  return c;
}

Result<Catalog> read_skypilot_catalog(const std::string& path, const CatalogReadOptions& options) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_skypilot_catalog_text(*text, path, options);
}

std::optional<std::string> catalog_file_date(const std::string& path) {
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(path, ec);
  if (ec) return std::nullopt;
  const auto since_epoch = std::chrono::file_clock::to_sys(t).time_since_epoch();
  return format_iso_date(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
}

}  // namespace gpufleet
