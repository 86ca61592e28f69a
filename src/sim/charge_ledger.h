// The bill line by line (SimResults::charges): amounts booked over intervals of simulated time,
// split at UTC midnights, one open line per slot (a pool and what it is charging for, chosen by
// the caller) so that booking costs O(1) per day an interval touches.
#pragma once

#include <cstdint>
#include <vector>

#include "gpufleet/simulate.h"

namespace gpufleet::sim {

class ChargeLedger {
 public:
  // epoch_unix_s: the Unix time of simulated second 0 (Scenario::start_unix_s).
  explicit ChargeLedger(int64_t epoch_unix_s) : epoch_unix_s_(epoch_unix_s) {}

  // Books usd, gpu_hours and list_usd to the line `key` (its day, usd, gpu_hours and list_usd
  // ignored), spread over [from_s, to_s) in proportion to the time and split by UTC day; at
  // the instant from_s (its day) when to_s <= from_s. A slot is any small number the caller
  // keeps for one key apart from the day (lines of one slot are best booked in time order).
  void book(size_t slot, const DailyCharge& key, double usd, double gpu_hours, double list_usd, double from_s,
            double to_s);

  // Every line, sorted by key, lines with equal keys merged and lines of zero usd and zero
  // GPU-hours left out. Leaves the ledger empty.
  std::vector<DailyCharge> take();

 private:
  void add_to_day(size_t slot, const DailyCharge& key, int64_t day, double share, double usd, double gpu_hours,
                  double list_usd);

  int64_t epoch_unix_s_;
  std::vector<DailyCharge> open_;  // per slot: the line of its latest day
  std::vector<bool> has_open_;
  std::vector<DailyCharge> done_;
};

}  // namespace gpufleet::sim
