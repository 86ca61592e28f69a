// The `spend_commitments:` section: dollar commitments to a provider (docs/scenario-format.md),
// and the money terms a spend commitment and a plan's spend offer share.
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "io/scenario/scenario_loader.h"
#include "util/time_parse.h"

namespace gpufleet {

Result<void> read_spend_terms(const YamlField& item, const std::vector<double>& year_fractions, SpendCommitment& s) {
  auto discount = item.get_double("discount", 0.0, 0.0, 1.0);
  if (!discount) return fail(discount.error());
  if (*discount >= 1.0) return fail(item.required("discount")->error("expected a share of the list price in [0, 1), e.g. 0.2"));
  s.discount = *discount;
  auto shortfall = item.get_double("shortfall_share", 1.0, 0.0, 1.0);
  if (!shortfall) return fail(shortfall.error());
  s.shortfall_share = *shortfall;
  auto escalator = item.get_double("escalator_per_year", 0.0, kMinEscalator, kMaxEscalator);
  if (!escalator) return fail(escalator.error());
  s.escalator_per_year = *escalator;

  const auto per_year = item.optional("usd_per_year");
  const auto total = item.optional("usd");
  if (per_year && total) return fail(total->error("give either 'usd' (over the whole term) or 'usd_per_year', not both"));
  if (!per_year && !total) {
    Error e = item.error("missing 'usd' (the commitment over the whole term) or 'usd_per_year'");
    e.field = item.path() + ".usd";
    return fail(e);
  }
  const YamlField& f = per_year ? *per_year : *total;
  auto usd = f.as_double(0.0, kMaxUsd);
  if (!usd) return fail(usd.error());
  if (*usd <= 0) return fail(f.error("expected a commitment of more than $0"));
  if (per_year) {
    s.usd_per_year = *usd;
    return {};
  }
  // The whole term's commitment: the yearly amount that, grown by the escalator and pro rata
  // for a short last year, adds up to it.
  double weight = 0;
  for (size_t k = 0; k < year_fractions.size(); ++k)
    weight += std::pow(1.0 + s.escalator_per_year, static_cast<double>(k)) * year_fractions[k];
  s.usd_per_year = *usd / weight;
  return {};
}

Result<void> parse_spend_commitments(const YamlField& list, const LoadContext& ctx, Scenario& s) {
  auto items = list.items();
  if (!items) return fail(items.error());
  for (const auto& item : *items) {
    if (auto r = item.check_keys({"name", "provider", "start", "end", "term", "usd", "usd_per_year", "discount",
                                  "shortfall_share", "escalator_per_year"});
        !r)
      return r;
    SpendCommitment c;
    auto name = required_text(item, "name");
    if (!name) return fail(name.error());
    for (const auto& other : s.spend_commitments)
      if (other.name == *name) return fail(item.required("name")->error(fmt::format("duplicate spend commitment name '{}'", *name)));
    c.name = *name;
    auto provider = required_text(item, "provider");
    if (!provider) return fail(provider.error());
    c.provider = s.find_provider(*provider);
    if (c.provider < 0)
      return fail(item.required("provider")->error(
          fmt::format("no provider named '{}'; providers are: {}", *provider, joined_names(s.providers))));
    if (!s.has_on_demand_market(c.provider))
      return fail(item.required("provider")->error(fmt::format(
          "provider '{}' has no on-demand market (markets: on_demand_gpus at its sites): nothing to spend the commitment on",
          *provider)));

    // Whole calendar years ("7y") or months ("84mo"), counted from the start's date.
    auto span = read_start_end(item, ctx, "commitment", "whole years like 7y, or months like 84mo",
                               [&](const YamlField& term_f, double start_s) -> Result<double> {
      auto text = term_f.as_string();
      if (!text) return fail(text.error());
      const bool months = text->ends_with("mo");
      const bool years = !months && text->ends_with("y");
      int count = 0;
      const std::string digits = text->substr(0, text->size() - (months ? 2 : years ? 1 : 0));
      const bool numeric = !digits.empty() && digits.size() <= 4 &&
                           std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (numeric) count = std::stoi(digits);
      if ((!months && !years) || !numeric || count < 1 || (years && count > 100) || (months && count > 1200))
        return fail(term_f.error(fmt::format("'{}': expected whole years like 7y or months like 84mo (1y to 100y)", *text)));
      if (months && count % 12 != 0)
        return fail(term_f.error(fmt::format("'{}': a commitment's term is whole years (12mo, 24mo, ...)", *text)));
      const auto start_unix = ctx.start_unix_s + static_cast<int64_t>(start_s);
      return static_cast<double>(add_calendar_years(start_unix, months ? count / 12 : count) - ctx.start_unix_s);
    });
    if (!span) return fail(span.error());
    std::tie(c.start_s, c.end_s) = *span;
    const auto start_f = item.required("start");
    for (const auto& other : s.spend_commitments)
      if (other.provider == c.provider && other.start_s < c.end_s && c.start_s < other.end_s)
        return fail(start_f->error(fmt::format("spend commitment '{}' overlaps '{}' of the same provider; a provider has at "
                                               "most one in force at once",
                                               c.name, other.name)));
    std::vector<double> fractions;
    SpendCommitment unit = c;
    unit.usd_per_year = 1.0;
    const auto years = spend_commitment_years(unit, ctx.start_unix_s);
    for (size_t k = 0; k < years.size(); ++k) fractions.push_back(spend_committed_usd(unit, ctx.start_unix_s, k, c.end_s));
    if (auto r = read_spend_terms(item, fractions, c); !r) return r;
    s.spend_commitments.push_back(std::move(c));
  }
  return {};
}

}  // namespace gpufleet
