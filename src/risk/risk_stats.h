// Statistics of a sample of outcomes, exact on the empirical distribution (each of the n
// values has weight 1/n).
#pragma once

#include <vector>

#include "gpufleet/risk.h"

namespace gpufleet::risk {

// The lower q-quantile: the smallest value x with at least q x n values <= x (q in [0, 1];
// q = 0 gives the minimum). REQUIRES: sorted ascending, non-empty.
double quantile_of_sorted(const std::vector<double>& sorted, double q);

// CVaR_alpha (Rockafellar-Uryasev) of costs: VaR + E[(X - VaR)+] / (1 - alpha), with VaR the
// alpha-quantile; the mean of the worst (1 - alpha) share, the boundary value counted in part.
// REQUIRES: sorted ascending, non-empty, alpha in [0, 1).
double cvar_of_sorted(const std::vector<double>& sorted, double alpha);

// Mean, P5, P50, P95 and CVaR95. The sum runs in index order, so the result does not depend
// on how the values were computed. REQUIRES: non-empty.
Distribution summarise(std::vector<double> values);

}  // namespace gpufleet::risk
