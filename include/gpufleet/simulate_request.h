// What a user asks of a simulation beyond the scenario file (the options of `gpufleet simulate`
// and the keywords of the Python module's simulate()), and the scenario and workload it
// makes: one code path for the command line and the Python module (src/request/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpufleet/error.h"
#include "gpufleet/scenario.h"
#include "gpufleet/workload.h"

namespace gpufleet {

// Every field left empty (or unset) keeps what the scenario says. Texts are parsed here, with
// errors naming the option ("--seed", "--trace", ...) in "<command line>", as the command
// reports them.
struct SimulateRequest {
  std::string scenario_path;          // the file the scenario came from; empty = the built-in one
  std::string trace;                  // FORMAT:PATH: the whole workload becomes that trace
  std::optional<int64_t> gpus;        // replace the fleet by one cluster of this many GPUs (1 to kMaxFleetNodes x 8)
  std::string policy;                 // QUEUE or QUEUE/PLACEMENT
  std::string placement;
  std::string seed;                   // a decimal in [0, 2^64-1]
  bool skip_bad_rows = false;         // count and skip malformed trace rows
  bool no_faults = false;             // turn every fault source off
  std::string map;                    // csv traces: submit=COL,duration=COL,gpus=COL,...
  std::string time_format;            // csv traces: epoch | iso8601 | seconds
  std::string checkpoint_cost;        // with trace: a checkpoint write's cost (default none: as recorded)
  std::string preemption;             // checkpoint (default) | free
  std::string las_demotion;           // exact (default) | tiresias
};

// A scenario and its workload, ready for simulate(); inputs are the files read (none may be
// an output of the run).
struct PreparedSimulation {
  Scenario scenario;
  Workload workload;
  std::vector<std::string> inputs;
};

// The loaded scenario with the request's options applied (seed, trace, policy, preemption,
// faults); no file is read. The first step of prepare_simulation.
Result<Scenario> apply_simulate_request(Scenario scenario, const SimulateRequest& request);

// Builds the workload of a scenario apply_simulate_request returned (reading its traces, or
// the plan section of request.scenario_path for `from_plan_demand`), and with request.gpus
// puts it on one cluster of that many reference GPUs.
Result<PreparedSimulation> build_simulation(Scenario scenario, const SimulateRequest& request);

// Both steps.
Result<PreparedSimulation> prepare_simulation(Scenario scenario, const SimulateRequest& request);

}  // namespace gpufleet
