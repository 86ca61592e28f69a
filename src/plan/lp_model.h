// A solver-neutral linear (mixed-integer) program: columns with bounds, objective and
// integrality; rows with bounds over sparse coefficients. The model builder fills it; the
// solver adapter and the MPS writer read it. Minimisation.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace gpufleet::plan {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Which constraint family a row belongs to: the diagnosis and the marginal values speak in
// these terms.
enum class RowFamily : uint8_t {
  committed,       // defines the committed GPUs of a pool in a period (existing + new blocks)
  capacity,        // allocation at a (site, accelerator) within what is held there
  spot_use,        // spot carries training only
  demand_training,
  demand_inference,
  spot_share,      // critical training stays off spot
  power,           // site power cap, MW
  ramp,            // new GPUs an offer can deliver per period
  min_commit,      // a contract taken is at least the offer's minimum
  share,           // provider concentration cap
  n1,              // N-1 resilience
  budget,          // spend per plan year
  spend,           // spend commitments: market availability, draws while taken, one in force
                   // per provider, and spent + shortfall >= committed per commitment year
  cvar,            // the stochastic plan's excess of a future's cost over the value at risk
};
const char* to_string(RowFamily family);

// The largest model the planner builds: ~100 bytes per non-zero in CLP and CBC, ~10 GiB.
inline constexpr double kMaxModelColumns = 20e6, kMaxModelNonzeros = 100e6;

struct Column {
  std::string name;
  double lower = 0, upper = kInf;
  double cost = 0;
  bool integer = false;
};

struct Row {
  std::string name;
  double lower = -kInf, upper = kInf;
  RowFamily family = RowFamily::capacity;
  int period = -1;   // the period the row is about, -1 if none
  int subject = -1;  // site, offer, provider, jurisdiction ... by family (see the builder)
  int scope = -1;    // a second index where the family needs one (see the builder)
};

class LpModel {
 public:
  int add_column(Column column);
  int add_row(Row row);
  // REQUIRES: row and column exist. Duplicate entries are summed by solvers; avoid them.
  void add(int row, int column, double value);

  const std::vector<Column>& columns() const { return columns_; }
  std::vector<Column>& columns() { return columns_; }
  const std::vector<Row>& rows() const { return rows_; }
  std::vector<Row>& rows() { return rows_; }
  // Coefficients as (row, column, value) triplets, in insertion order.
  const std::vector<int>& entry_rows() const { return entry_row_; }
  const std::vector<int>& entry_columns() const { return entry_col_; }
  const std::vector<double>& entry_values() const { return entry_val_; }
  int64_t nonzeros() const { return static_cast<int64_t>(entry_val_.size()); }
  int integers() const;

  double objective_offset = 0;   // constant added to the objective

  // Row activities of a column vector x.
  std::vector<double> row_activity(const std::vector<double>& x) const;

 private:
  std::vector<Column> columns_;
  std::vector<Row> rows_;
  std::vector<int> entry_row_, entry_col_;
  std::vector<double> entry_val_;
};

}  // namespace gpufleet::plan
