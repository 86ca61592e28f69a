// What every future of a risk run shares, built once from the plan's inputs and the
// commitments: the planner's calendar (hours and discount per period), the pools, the
// contracts, the markets and the forecast demand. Read-only once built: shared by all threads.
#pragma once

#include <string>
#include <vector>

#include "gpufleet/risk.h"

namespace gpufleet::risk {

struct Calendar {
  int periods = 0;
  int years = 0;                    // plan years (12 months each; the last may be shorter)
  double period_years = 0;          // period length in years (period_months / 12)
  std::vector<double> start_s, end_s;  // per period, simulated seconds from the scenario start
  std::vector<double> hours;           // per period (plan::period_hours)
  std::vector<double> discount;        // per period (plan::period_discount)
  std::vector<int> year_of_period;
};

struct PoolInfo {
  int site = -1, accelerator = -1, provider = -1;
  double speed = 1;                    // reference GPUs per GPU
  double mw_per_gpu = 0;               // board power x PUE
  // Electricity per GPU-hour, 0 unless the plan bills energy (gpu_energy_usd_per_hour): of
  // every GPU held, and on top for every GPU carrying demand. Market GPUs are rented for use.
  double held_energy_usd_per_gpu_hour = 0;
  double busy_energy_usd_per_gpu_hour = 0;
  double market_energy_usd_per_gpu_hour() const { return held_energy_usd_per_gpu_hour + busy_energy_usd_per_gpu_hour; }
  double on_demand_usd = 0, spot_usd = 0;  // per GPU-hour, at the scenario's prices
  double on_demand_gpus = 0, spot_gpus = 0;
  int stream = -1;                     // inference stream its site's jurisdiction serves, or -1
};

struct Book {
  Calendar calendar;
  std::vector<Contract> contracts;     // the scenario's, then the commitments
  std::vector<int> contract_pool;      // per contract
  std::vector<PoolInfo> pools;
  // Demand streams: 0 = training (anywhere), then the plan's inference, in its order.
  std::vector<std::string> streams;
  std::vector<std::string> stream_jurisdiction;        // "" for training
  std::vector<std::vector<double>> demand_ref_gpus;    // [stream][period], the forecast
  double training_critical_share = 0;  // of training that may not run on spot
  std::vector<double> site_cap_mw;     // per site; 0 = unlimited
  const Scenario* scenario = nullptr;  // REQUIRES: outlives the book
};


// REQUIRES: prepare_plan_inputs(inputs) succeeded; inputs outlives the book.
Result<Book> make_book(const PlanInputs& inputs, const std::vector<Contract>& commitments);

}  // namespace gpufleet::risk
