#include "plan/mps_writer.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace gpufleet::plan {

std::string to_free_mps(const LpModel& model) {
  std::string out = "NAME gpufleet\nROWS\n N obj\n";
  const auto& rows = model.rows();
  for (size_t r = 0; r < rows.size(); ++r) {
    const bool lo = std::isfinite(rows[r].lower), up = std::isfinite(rows[r].upper);
    const char* type = lo && up ? (rows[r].lower == rows[r].upper ? "E" : "L") : lo ? "G" : up ? "L" : "N";
    out += fmt::format(" {} R{}\n", type, r);
  }
  // Entries per column.
  std::vector<std::vector<std::pair<int, double>>> by_col(model.columns().size());
  for (size_t k = 0; k < model.entry_values().size(); ++k)
    by_col[static_cast<size_t>(model.entry_columns()[k])].emplace_back(model.entry_rows()[k], model.entry_values()[k]);
  out += "COLUMNS\n";
  bool in_int = false;
  int marker = 0;
  for (size_t c = 0; c < model.columns().size(); ++c) {
    const auto& col = model.columns()[c];
    if (col.integer != in_int) {
      out += fmt::format(" M{} 'MARKER' '{}'\n", marker++, col.integer ? "INTORG" : "INTEND");
      in_int = col.integer;
    }
    out += fmt::format(" C{} obj {:.17g}\n", c, col.cost);
    for (const auto& [r, v] : by_col[c]) out += fmt::format(" C{} R{} {:.17g}\n", c, r, v);
  }
  if (in_int) out += fmt::format(" M{} 'MARKER' 'INTEND'\n", marker);
  out += "RHS\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const bool lo = std::isfinite(rows[r].lower), up = std::isfinite(rows[r].upper);
    const double rhs = up ? rows[r].upper : lo ? rows[r].lower : 0.0;
    if (rhs != 0) out += fmt::format(" RHS R{} {:.17g}\n", r, rhs);
  }
  out += "RANGES\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const bool lo = std::isfinite(rows[r].lower), up = std::isfinite(rows[r].upper);
    if (lo && up && rows[r].lower != rows[r].upper) out += fmt::format(" RNG R{} {:.17g}\n", r, rows[r].upper - rows[r].lower);
  }
  // Every bound written explicitly (MPS gives integer columns an upper bound of 1 otherwise).
  out += "BOUNDS\n";
  for (size_t c = 0; c < model.columns().size(); ++c) {
    const auto& col = model.columns()[c];
    if (col.lower == col.upper) {
      out += fmt::format(" FX BND C{} {:.17g}\n", c, col.lower);
      continue;
    }
    if (std::isfinite(col.lower)) out += fmt::format(" LO BND C{} {:.17g}\n", c, col.lower);
    else out += fmt::format(" MI BND C{}\n", c);
    if (std::isfinite(col.upper)) out += fmt::format(" UP BND C{} {:.17g}\n", c, col.upper);
    else out += fmt::format(" PL BND C{}\n", c);
  }
  out += "ENDATA\n";
  return out;
}

}  // namespace gpufleet::plan
