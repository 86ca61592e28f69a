// The one account of contracts and spend commitments: prices over time (ramp-step prices, the
// yearly escalator) and the spend commitment's years. The simulator's cost observer, the
// planner's model and results, and the emitted scenarios all bill through these.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gpufleet/scenario.h"
#include "util/time_parse.h"

namespace gpufleet {

namespace {

// Simulated time of the start's anniversary `years` later.
double anniversary_s(double start_s, int years, int64_t epoch_unix_s) {
  const auto start_unix = epoch_unix_s + static_cast<int64_t>(std::floor(start_s));
  const double fraction = start_s - std::floor(start_s);
  return static_cast<double>(add_calendar_years(start_unix, years) - epoch_unix_s) + fraction;
}

// Whole contract years from start_s to t_s (0 before the first anniversary).
int years_since(double start_s, double t_s, int64_t epoch_unix_s) {
  if (t_s <= start_s) return 0;
  int k = static_cast<int>(std::floor((t_s - start_s) / (366.0 * 86400.0)));  // at most this many
  while (anniversary_s(start_s, k + 1, epoch_unix_s) <= t_s) ++k;
  return k;
}

// The price without the escalator at t_s: the last price step at or before t_s, else the
// contract's.
double base_price_at(const Contract& c, double t_s) {
  double price = c.usd_per_gpu_hour;
  for (const auto& step : c.prices) {
    if (step.at_s > t_s) break;
    price = step.usd_per_gpu_hour;
  }
  return price;
}

// The next instant after t_s where the price may change (a price step or an anniversary).
double next_change_s(const Contract& c, double t_s, int64_t epoch_unix_s) {
  double next = std::numeric_limits<double>::infinity();
  for (const auto& step : c.prices)
    if (step.at_s > t_s) {
      next = step.at_s;
      break;
    }
  if (c.escalator_per_year != 0)
    next = std::min(next, anniversary_s(c.start_s, years_since(c.start_s, t_s, epoch_unix_s) + 1, epoch_unix_s));
  return next;
}

}  // namespace

bool contract_price_is_flat(const Contract& c) {
  return c.escalator_per_year == 0 && c.prices.empty();
}

double contract_price_at(const Contract& c, double t_s, int64_t epoch_unix_s) {
  const double base = base_price_at(c, t_s);
  if (c.escalator_per_year == 0) return base;
  return base * std::pow(1.0 + c.escalator_per_year, years_since(c.start_s, t_s, epoch_unix_s));
}

double contract_usd_per_gpu(const Contract& c, double from_s, double to_s, int64_t epoch_unix_s) {
  if (!(to_s > from_s)) return 0;
  if (contract_price_is_flat(c)) return c.usd_per_gpu_hour * (to_s - from_s) / kSecondsPerHour;
  double usd = 0;
  for (double at = from_s; at < to_s;) {
    const double until = std::min(to_s, next_change_s(c, at, epoch_unix_s));
    usd += contract_price_at(c, at, epoch_unix_s) * (until - at) / kSecondsPerHour;
    at = until;
  }
  return usd;
}

double contract_capacity_usd(const Contract& c, double from_s, double to_s, int64_t epoch_unix_s) {
  const double lo = std::max(from_s, c.start_s), hi = std::min(to_s, c.in_force_until_s());
  if (!(hi > lo)) return 0;
  // Capacity changes only at ramp steps: integrate price piecewise between them.
  double usd = 0, at = lo;
  for (const auto& step : c.ramp) {
    if (step.at_s <= lo) continue;
    if (step.at_s >= hi) break;
    usd += static_cast<double>(c.gpus_at(at)) * contract_usd_per_gpu(c, at, step.at_s, epoch_unix_s);
    at = step.at_s;
  }
  usd += static_cast<double>(c.gpus_at(at)) * contract_usd_per_gpu(c, at, hi, epoch_unix_s);
  return usd;
}

std::vector<std::pair<double, double>> spend_commitment_years(const SpendCommitment& s, int64_t epoch_unix_s) {
  std::vector<std::pair<double, double>> years;
  for (int k = 0;; ++k) {
    const double from = anniversary_s(s.start_s, k, epoch_unix_s);
    if (from >= s.end_s) break;
    years.emplace_back(from, std::min(s.end_s, anniversary_s(s.start_s, k + 1, epoch_unix_s)));
  }
  return years;
}

double spend_committed_usd(const SpendCommitment& s, int64_t epoch_unix_s, size_t year, double until_s) {
  const double from = anniversary_s(s.start_s, static_cast<int>(year), epoch_unix_s);
  const double full_to = anniversary_s(s.start_s, static_cast<int>(year) + 1, epoch_unix_s);
  const double to = std::min({full_to, s.end_s, until_s});
  if (!(to > from)) return 0;
  return s.usd_per_year * std::pow(1.0 + s.escalator_per_year, static_cast<double>(year)) * (to - from) / (full_to - from);
}

Contract delivered_late(const Contract& c, double delay_s) {
  Contract late = c;
  if (!(delay_s > 0)) return late;
  for (auto& step : late.ramp)
    if (step.at_s > 0) step.at_s += delay_s;
  if (late.start_s > 0) late.start_s = std::min(late.start_s + delay_s, late.end_s);
  return late;
}

}  // namespace gpufleet
