// One part of a report (a simulation or a plan): what the header shows, formatted for people,
// and the data the page's script draws.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gpufleet::report {

struct ReportSection {
  std::string kind;      // "simulation" | "plan" | "risk" | "compare"
  std::string scenario;  // the scenario's name
  std::string horizon;   // "2026-01-01 to 2028-01-01 (2.0 y)"
  std::vector<std::pair<std::string, std::string>> totals;  // label, value ("Cost", "$9.98B")
  std::optional<std::string> command;  // the command line that wrote these results (run.json)
  nlohmann::ordered_json data;  // what src/report/page/report.js draws for this kind
};

// A number rounded to a few significant digits, to keep the page small.
double compact(double v, int digits = 4);

}  // namespace gpufleet::report
