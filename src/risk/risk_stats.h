// Summaries of a sample of outcomes over futures, exact on the empirical distribution (the
// quantile and CVaR are util/empirical_stats.h's).
#pragma once

#include <vector>

#include "gpufleet/risk.h"
#include "util/empirical_stats.h"

namespace gpufleet::risk {

using gpufleet::cvar_of_sorted;
using gpufleet::quantile_of_sorted;

// Mean, P5, P50, P95 and CVaR95. The sum runs in index order, so the result does not depend
// on how the values were computed. REQUIRES: non-empty.
Distribution summarise(std::vector<double> values);

}  // namespace gpufleet::risk
