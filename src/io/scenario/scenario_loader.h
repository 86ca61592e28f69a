// Internal seams of the scenario loader: the options a caller may set beyond the public API,
// and the section parsers that scenario_loader.cc runs in order. Each parser reads one part
// of the document into a Scenario whose earlier parts are already filled and validated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

#include "gpufleet/scenario.h"
#include "io/yaml_field.h"

namespace gpufleet {

struct ScenarioLoadOptions {
  // false: files named by the scenario (carbon_hourly CSVs, traces) are neither checked nor
  // read; a carbon series is left empty. For fuzzing, where paths are attacker-chosen.
  bool read_files = true;
};

// As load_scenario_text, with options.
Result<Scenario> load_scenario_text_with(const std::string& text, const std::string& name,
                                         const std::string& base_dir,
                                         const ScenarioLoadOptions& options);

// Bounds of money values a scenario may carry.
inline constexpr double kMaxUsdPerGpuHour = 1e6;
inline constexpr double kMaxUsd = 1e15;        // a fee or a spend commitment (per year)
inline constexpr double kMinEscalator = -0.5;  // per year: prices may fall ...
inline constexpr double kMaxEscalator = 1.0;   // ... or at most double each year

// What every section parser needs besides the node it reads.
struct LoadContext {
  std::string base_dir;        // folder relative paths resolve against
  ScenarioLoadOptions options;
  int64_t start_unix_s = 0;    // the scenario start: "time" values count from here
};

// Sections, in the order they are parsed. REQUIRES: the sections before are parsed.
Result<void> parse_accelerators(const YamlField& list, Scenario& s);
Result<void> parse_providers(const YamlField& list, Scenario& s);
Result<void> parse_sites(const YamlField& list, const LoadContext& ctx, Scenario& s);
// A site's `backend:` map (today `slurm:`). REQUIRES: site.name set.
Result<void> parse_site_backend(const YamlField& f, const LoadContext& ctx, Site& site);
Result<void> parse_contracts(const YamlField& list, const LoadContext& ctx, Scenario& s);
// Written entries first, then the `from_catalog` entries (add_catalog_markets), which add
// markets only for the (site, accelerator) pairs no written entry gives.
Result<void> parse_markets(const YamlField& list, const LoadContext& ctx, Scenario& s);
// One {from_catalog: PATH, provider: NAME, ...} entry; the first `written_markets` of
// s.markets were written explicitly and win over the catalogue. Records s.catalogs.
Result<void> add_catalog_markets(const YamlField& item, const LoadContext& ctx, size_t written_markets, Scenario& s);
// The money terms of a spend commitment or a plan's spend offer: discount, shortfall_share,
// escalator_per_year, and usd_per_year or usd (the whole term, spread over its years:
// year_fractions[k] is year k's length as a share of a full year).
Result<void> read_spend_terms(const YamlField& item, const std::vector<double>& year_fractions, SpendCommitment& s);
// REQUIRES: markets parsed (a commitment is spent on its provider's on-demand markets).
Result<void> parse_spend_commitments(const YamlField& list, const LoadContext& ctx, Scenario& s);
Result<void> parse_workload(const YamlField& section, const LoadContext& ctx, Scenario& s);
Result<void> parse_checkpoint(const YamlField& section, CheckpointSpec& c);
// REQUIRES: sites and providers parsed (outages name them).
Result<void> parse_faults(const YamlField& section, const LoadContext& ctx, Scenario& s);
// The expected number of fault events (node failures, spot reclaims, random outages) over
// the horizon, refused when too many to run; the error is placed at `faults:` (or the root).
Result<void> check_fault_events(const YamlField& root, const Scenario& s);

// "a, b, c" (or "none") for messages that name what exists.
template <class T>
std::string joined_names(const std::vector<T>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.name;
  return out.empty() ? std::string("none") : out;
}

// An item's `start` (a time) and its end: `end` (a time after the start) or `term`, read by
// end_of_term from the start; simulated seconds. `what` names the item ("contract") and
// term_words the term's form ("a duration such as 3y") in messages.
Result<std::pair<double, double>> read_start_end(
    const YamlField& item, const LoadContext& ctx, std::string_view what, std::string_view term_words,
    const std::function<Result<double>(const YamlField& term, double start_s)>& end_of_term);

// A required, non-empty text field of a map.
Result<std::string> required_text(const YamlField& map, std::string_view key);

// `path` resolved against base_dir unless it is absolute.
std::string resolve_path(const std::string& base_dir, const std::string& path);

}  // namespace gpufleet
