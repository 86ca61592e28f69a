// The options of a simulation applied to its scenario, then its workload built: what
// `gpufleet simulate` and the Python module's simulate() share (the CLI parses, this decides).
#include "gpufleet/simulate_request.h"

#include <charconv>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "gpufleet/plan.h"
#include "util/human_format.h"
#include "util/time_parse.h"

namespace gpufleet {
namespace {

Error command_line_error(std::string field, std::string message) {
  return Error{"<command line>", 0, 0, std::move(field), std::move(message)};
}

// --seed: decimal digits only, so that "-1" or "18446744073709551616" is an error rather
// than a wrapped 2^64-1 (what strtoull makes of both).
Result<uint64_t> parse_seed(const std::string& text) {
  uint64_t seed = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || ec != std::errc() ||
      ptr != text.data() + text.size())
    return fail(command_line_error("--seed", fmt::format("expected an integer from 0 to 18446744073709551615, found '{}'", text)));
  return seed;
}

// "philly:/path/file.csv" -> the scenario's whole workload becomes that one trace.
Result<TraceSource> parse_trace_argument(const std::string& arg) {
  const auto colon = arg.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == arg.size())
    return fail(command_line_error("--trace", fmt::format("expected FORMAT:PATH (e.g. philly:philly.csv), found '{}'", arg)));
  TraceSource t;
  t.format = arg.substr(0, colon);
  t.path = arg.substr(colon + 1);
  if (t.format != "philly" && t.format != "sia" && t.format != "csv" && t.format != "slurm")
    return fail(command_line_error("--trace", fmt::format("unknown trace format '{}'; expected philly, sia, csv or slurm", t.format)));
  return t;
}

// The trace of --trace with its csv column map and time format.
Result<TraceSource> requested_trace(const SimulateRequest& request) {
  auto trace = parse_trace_argument(request.trace);
  if (!trace) return fail(trace.error());
  if (trace->format != "csv") {
    if (!request.map.empty() || !request.time_format.empty())
      return fail(command_line_error("--map", "--map and --time-format apply to csv traces only"));
    return trace;
  }
  if (request.map.empty())
    return fail(command_line_error("--map", "a csv trace needs --map submit=COL,duration=COL,gpus=COL (or end=COL)"));
  auto map = parse_csv_trace_map(request.map, "--map");
  if (!map) return fail(map.error());
  trace->map = *map;
  if (!request.time_format.empty()) {
    auto tf = parse_time_format(request.time_format, "--time-format");
    if (!tf) return fail(tf.error());
    trace->time_format = *tf;
  }
  return trace;
}

// Every file the run reads: none may be an output.
std::vector<std::string> input_files(const SimulateRequest& request, const Scenario& scenario) {
  std::vector<std::string> inputs{request.scenario_path, scenario.faults.trace_path};
  for (const TraceSource& t : scenario.workload.traces) inputs.push_back(t.path);
  for (const Site& s : scenario.sites) inputs.push_back(s.carbon_hourly.source);
  return inputs;
}

// The scenario's workload; one made from the plan's demand reads the plan section of the same file.
Result<Workload> scenario_workload(const SimulateRequest& request, const Scenario& scenario, const TraceReadOptions& options) {
  if (!scenario.workload.from_plan_demand) return build_workload(scenario, options);
  auto in = load_plan_file(request.scenario_path);
  if (!in) return fail(in.error());
  in->scenario.seed = scenario.seed;
  if (auto ok = prepare_plan_inputs(*in); !ok) return fail(ok.error());
  return build_plan_demand_workload(*in);
}

}  // namespace

Result<Scenario> apply_simulate_request(Scenario scenario, const SimulateRequest& request) {
  if (!request.seed.empty()) {
    auto seed = parse_seed(request.seed);
    if (!seed) return fail(seed.error());
    scenario.seed = *seed;
  }
  if (request.gpus && (*request.gpus < 1 || *request.gpus > kMaxFleetNodes * 8))
    return fail(command_line_error("--gpus", fmt::format("expected a whole number of GPUs from 1 to {}, found '{}'",
                                                         with_commas(static_cast<double>(kMaxFleetNodes * 8)), *request.gpus)));
  if (!request.trace.empty()) {
    auto trace = requested_trace(request);
    if (!trace) return fail(trace.error());
    scenario.workload = WorkloadSpec{};
    scenario.workload.traces.push_back(*trace);
    // As recorded: a trace's durations already hold whatever checkpointing its jobs did, so
    // writing one costs nothing unless asked; the interval stays (a failure loses the work
    // since the last one).
    scenario.checkpoint.cost_s = 0;
    if (!request.checkpoint_cost.empty()) {
      const auto cost = parse_duration(request.checkpoint_cost);
      if (!cost || !(*cost >= 0) || *cost > 86400)
        return fail(command_line_error("--checkpoint-cost", fmt::format("expected a duration from 0s to 1d (e.g. 1m), found '{}'",
                                                                        request.checkpoint_cost)));
      scenario.checkpoint.cost_s = *cost;
    }
  } else if (!request.checkpoint_cost.empty()) {
    return fail(command_line_error("--checkpoint-cost", "--checkpoint-cost applies to --trace replays only"));
  }
  if (!request.policy.empty()) {
    const auto slash = request.policy.find('/');
    scenario.policy.queue = request.policy.substr(0, slash);
    if (slash != std::string::npos) scenario.policy.placement = request.policy.substr(slash + 1);
  }
  if (!request.placement.empty()) scenario.policy.placement = request.placement;
  if (!request.preemption.empty()) {
    if (request.preemption != "free" && request.preemption != "checkpoint")
      return fail(command_line_error("--preemption", fmt::format("expected checkpoint or free, found '{}'", request.preemption)));
    scenario.policy.free_preemption = request.preemption == "free";
    if (scenario.policy.free_preemption && scenario.policy.queue != "srtf" && scenario.policy.queue != "las")
      return fail(command_line_error("--preemption", fmt::format("free preemption re-packs by a preemptive policy's priority: "
                                                                 "--policy srtf or las, not '{}'",
                                                                 scenario.policy.queue)));
  }
  if (!request.las_demotion.empty()) {
    if (request.las_demotion != "exact" && request.las_demotion != "tiresias")
      return fail(command_line_error("--las-demotion", fmt::format("expected exact or tiresias, found '{}'", request.las_demotion)));
    scenario.policy.las_demotion_at_dispatch = request.las_demotion == "tiresias";
    if (scenario.policy.las_demotion_at_dispatch && (scenario.policy.queue != "las" || !scenario.policy.free_preemption))
      return fail(command_line_error("--las-demotion", "tiresias demotion is for --policy las with --preemption free"));
  }
  if (request.no_faults) scenario.faults.disable();
  return scenario;
}

Result<PreparedSimulation> build_simulation(Scenario scenario, const SimulateRequest& request) {
  TraceReadOptions read_options;
  read_options.skip_bad_rows = request.skip_bad_rows;
  if (!request.gpus) {
    auto workload = scenario_workload(request, scenario, read_options);
    if (!workload) return fail(workload.error());
    auto inputs = input_files(request, scenario);
    return PreparedSimulation{std::move(scenario), std::move(*workload), std::move(inputs)};
  }
  // gpus: the workload is built as the scenario asks, then run on one cluster of that many
  // reference GPUs; accelerator and jurisdiction constraints no longer apply.
  if (!request.trace.empty()) scenario.horizon_s = std::numeric_limits<double>::infinity();  // the whole trace
  auto workload = scenario_workload(request, scenario, read_options);
  if (!workload) return fail(workload.error());
  for (Job& j : workload->jobs) {
    j.accelerator_mask = kAnyAccelerator;
    j.jurisdiction = 0;
  }
  Scenario cluster = make_cluster_scenario(*request.gpus);
  cluster.seed = scenario.seed;
  cluster.start_unix_s = request.trace.empty() ? scenario.start_unix_s : workload->origin_unix_s;
  cluster.policy = scenario.policy;
  cluster.checkpoint = scenario.checkpoint;
  // The scenario's node failure model (the built-in scenario's is the default one, Llama 3
  // rate and StepFun repairs); its outages name sites of the fleet replaced here: dropped.
  cluster.faults = scenario.faults;
  cluster.faults.outages.clear();
  cluster.name = fmt::format("cluster of {} GPUs", *request.gpus);
  return PreparedSimulation{std::move(cluster), std::move(*workload), input_files(request, scenario)};
}

Result<PreparedSimulation> prepare_simulation(Scenario scenario, const SimulateRequest& request) {
  auto applied = apply_simulate_request(std::move(scenario), request);
  if (!applied) return fail(applied.error());
  return build_simulation(std::move(*applied), request);
}

}  // namespace gpufleet
