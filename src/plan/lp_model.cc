#include "plan/lp_model.h"

#include <cassert>

namespace gpufleet::plan {

const char* to_string(RowFamily family) {
  switch (family) {
    case RowFamily::committed: return "committed";
    case RowFamily::capacity: return "capacity";
    case RowFamily::spot_use: return "spot_use";
    case RowFamily::demand_training: return "demand_training";
    case RowFamily::demand_inference: return "demand_inference";
    case RowFamily::spot_share: return "spot_share";
    case RowFamily::power: return "power";
    case RowFamily::ramp: return "ramp";
    case RowFamily::min_commit: return "min_commit";
    case RowFamily::share: return "share";
    case RowFamily::n1: return "n1";
    case RowFamily::budget: return "budget";
    case RowFamily::spend: return "spend";
    case RowFamily::cvar: return "cvar";
  }
  return "?";
}

int LpModel::add_column(Column column) {
  columns_.push_back(std::move(column));
  return static_cast<int>(columns_.size()) - 1;
}

int LpModel::add_row(Row row) {
  rows_.push_back(std::move(row));
  return static_cast<int>(rows_.size()) - 1;
}

void LpModel::add(int row, int column, double value) {
  assert(row >= 0 && row < static_cast<int>(rows_.size()));
  assert(column >= 0 && column < static_cast<int>(columns_.size()));
  if (value == 0) return;
  entry_row_.push_back(row);
  entry_col_.push_back(column);
  entry_val_.push_back(value);
}

int LpModel::integers() const {
  int n = 0;
  for (const auto& c : columns_) n += c.integer ? 1 : 0;
  return n;
}

std::vector<double> LpModel::row_activity(const std::vector<double>& x) const {
  std::vector<double> activity(rows_.size(), 0.0);
  for (size_t k = 0; k < entry_val_.size(); ++k)
    activity[static_cast<size_t>(entry_row_[k])] += entry_val_[k] * x[static_cast<size_t>(entry_col_[k])];
  return activity;
}

}  // namespace gpufleet::plan
