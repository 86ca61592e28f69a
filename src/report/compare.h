// `gpufleet compare`: result folders of `plan`, `risk` or `simulate` side by side: their cost
// (a distribution over futures for risk folders, one number otherwise), shortfall, provider
// shares of cost, contracts (existing and new) per provider and start year, and the regret
// of risk folders evaluated on the same futures.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gpufleet/error.h"
#include "report/cdf.h"
#include "report/regret.h"
#include "report/report_section.h"

namespace gpufleet::report {

// Contracts grouped: provider, "existing" (the scenario's) or "new" (a plan's), start year.
struct CommitmentKey {
  std::string provider, kind, year;
  auto operator<=>(const CommitmentKey&) const = default;
};

struct ComparedFolder {
  std::string dir;    // as given
  std::string kind;   // where the cost comes from: "risk" (risk.json), else "plan" (plan.json), else "simulation" (summary.json)
  std::string basis;  // what the cost is ("present value, mean of 200 futures", ...)
  bool distribution = false;  // risk: mean .. cvar95 over futures; otherwise all equal the one cost
  double mean = 0, p5 = 0, p50 = 0, p95 = 0, cvar95 = 0;  // USD
  std::vector<CdfPoint> cdf;  // risk: of the futures' costs; otherwise the one cost with p = 1
  std::string shortfall;      // in words, per kind
  std::vector<std::pair<std::string, double>> cost_by_provider;  // USD (risk: mean), in the file's order
  // The contracts the folder's cost is of: risk.json's contract_terms (what was evaluated), else
  // plan.json's existing contracts and new commitments. Absent for simulation folders.
  bool has_commitments = false;
  std::map<CommitmentKey, double> commitment_gpus;  // -> GPUs (an existing contract's: at its peak)
  std::vector<double> future_costs;  // risk: per future
};

struct Comparison {
  std::vector<ComparedFolder> folders;
  // Regret over the risk folders (in folders' order), when there are at least two; they were
  // checked to hold the same futures (scenario, seed, futures and every future's draws).
  std::vector<size_t> regret_of;        // indices into folders
  std::vector<RegretSummary> regret;    // one per regret_of
  std::string regret_note;              // why there is none, or what the futures are
};

// Reads each folder. Errors (exit 2 in the command) name the folder and the file: a folder of
// no known kind, a malformed results file, or risk folders whose futures differ (scenario,
// seed, number of futures, or a future's draws).
Result<Comparison> compare_folders(const std::vector<std::string>& dirs);

// The terminal text.
std::string format_comparison(const Comparison& c);
// The report section (kind "compare") that page/report.js draws: the cost CDFs on one chart,
// the regret table, the summary, shares and commitments tables.
ReportSection comparison_section(const Comparison& c);

}  // namespace gpufleet::report
