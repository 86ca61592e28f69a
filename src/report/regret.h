// Regret of alternatives evaluated on the same futures: in each future, an alternative's cost
// minus the least cost of any alternative in that future.
#pragma once

#include <vector>

namespace gpufleet::report {

struct RegretSummary {
  double mean_usd = 0, p95_usd = 0, max_usd = 0;  // over the futures; >= 0
  double best_share = 0;  // share of futures in which this alternative is (one of) the cheapest
};

// costs[i][k]: alternative i's cost in future k. One summary per alternative; P95 is the
// lower empirical quantile (util/empirical_stats.h). REQUIRES: every costs[i] has the same
// size, at least 1.
std::vector<RegretSummary> regret(const std::vector<std::vector<double>>& costs);

}  // namespace gpufleet::report
