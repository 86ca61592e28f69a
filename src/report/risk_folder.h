// What `risk --out DIR` wrote, read back for the report and for `compare`: risk.json (the
// summary) and, from futures.csv, each future's total discounted cost and its draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpufleet/error.h"

namespace gpufleet::report {

struct RiskFolder {
  std::string dir;
  nlohmann::ordered_json summary;  // risk.json as written
  std::string scenario;
  int64_t futures = 0;
  std::string seed;                     // as risk.json writes it (a 64-bit integer, kept exact)
  std::vector<double> cost_usd;         // per future, in future order (futures.csv cost_usd)
  std::vector<std::string> draw_names;  // futures.csv's draw columns (those before cost_usd)
  std::vector<double> draws;            // future-major: draws[k x draw_names.size() + i]
};

// REQUIRES: dir/risk.json exists (the caller decided this is a risk folder). Errors name the
// file, the line and the field: a missing or mistyped risk.json field, a futures.csv whose
// rows are not futures 0 .. futures - 1 in order, a cost that is not a number.
Result<RiskFolder> read_risk_folder(const std::string& dir);

}  // namespace gpufleet::report
