// The period model: one future's commitments against its demand, period by period.
// Per period: each contract delivers its (possibly late) ramp's mean GPUs, less what the
// site's (possibly short) power cannot carry; a disruption makes a share of a site's GPUs
// unusable (still billed). Demand is then served at least cost per reference GPU-hour:
// inference in its jurisdiction first, then training anywhere, from take-or-pay capacity
// (already paid), contract capacity above the take-or-pay share (paid as used), on-demand and
// spot (only the non-critical share of training) at that future's prices, within each site's
// power. What is left is shortfall. Each step is cheapest-first, which is optimal here:
// inference can use a subset of what training can, so serving it first from its cheapest
// capacity never costs training anything it could not get elsewhere at the same price (site
// power shared between on-demand pools is the one coupling this order does not price).
// Costs: contract_usd_per_hour() per contract, on-demand and spot as used, energy of the GPUs
// held, discounted with the planner's factors.
#pragma once

#include "risk/future_sampler.h"
#include "risk/risk_book.h"

namespace gpufleet::risk {

// Thread safety: reads book and draws only.
FutureOutcome evaluate_future(const Book& book, const FutureDraws& draws);

}  // namespace gpufleet::risk
