// One sampled future: every draw of the uncertainty model, from a generator derived from
// (seed, future index) alone, so that a future's draws do not depend on which thread drew it
// or which other futures were drawn.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "risk/risk_book.h"

namespace gpufleet::risk {

struct FutureDraws {
  std::vector<std::vector<double>> demand;       // [stream][period], multiplier on the forecast
  std::vector<int> demand_scenario;              // [stream], named scenario index or -1
  std::vector<double> delivery_delay_s;          // [provider], 0 = on time
  std::vector<double> power_shortfall;           // [site], share of the power cap missing
  std::vector<std::vector<double>> on_demand_price, spot_price;  // [provider][period], multipliers
  std::vector<std::vector<double>> unavailable;  // [site][period], share of the period disrupted
  std::vector<std::vector<std::pair<double, double>>> down;  // [site], the disruptions (merged, sorted), simulated s
};

// REQUIRES: spec was parsed against the same inputs as book.
FutureDraws sample_future(const UncertaintySpec& spec, const Book& book, uint64_t seed, int64_t future);

// The draws as one row of futures.csv shows them, into out (whichever fidelity evaluated it).
void record_draws(const Book& book, const FutureDraws& draws, FutureOutcome& out);

}  // namespace gpufleet::risk
