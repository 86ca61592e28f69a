// Statistics of a sample, exact on its empirical distribution (each of the n values has
// weight 1/n): the quantiles and CVaR that risk reports and compare's regret share.
#pragma once

#include <vector>

namespace gpufleet {

// The lower q-quantile: the smallest value x with at least q x n values <= x (q in [0, 1];
// q = 0 gives the minimum). REQUIRES: sorted ascending, non-empty.
double quantile_of_sorted(const std::vector<double>& sorted, double q);

// CVaR_alpha (Rockafellar-Uryasev) of costs: VaR + E[(X - VaR)+] / (1 - alpha), with VaR the
// alpha-quantile; the mean of the worst (1 - alpha) share, the boundary value counted in part.
// REQUIRES: sorted ascending, non-empty, alpha in [0, 1).
double cvar_of_sorted(const std::vector<double>& sorted, double alpha);

}  // namespace gpufleet
