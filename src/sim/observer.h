// Accounting observes the simulation; it never edits the kernel. An observer is registered
// explicitly on the Simulator and told about job and capacity events in time order.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "gpufleet/scenario.h"
#include "gpufleet/simulate.h"
#include "gpufleet/workload.h"
#include "sim/fleet_types.h"

namespace gpufleet::sim {

// What every observer may look at. Outlives the observers.
struct SimContext {
  const Scenario& scenario;
  const Workload& workload;
  const FleetState& fleet;
  double horizon_s = 0;  // > 0
  int64_t hours = 0;     // ceil(horizon_s / 3600): rows of the hourly series
};

// Why a running job stopped.
enum class StopCause : uint8_t {
  completed = 0,     // its work is done
  cut = 1,           // still running at the horizon
  node_failure = 2,  // a node it held failed (rate model or fault trace)
  spot = 3,          // its spot node was reclaimed
  outage = 4,        // its site or provider went down
  preempted = 5,     // a policy (SRTF, LAS, quota reclaim) stopped it at a checkpoint
};

struct StopInfo {
  StopCause cause = StopCause::completed;
  double lost_gpu_s = 0;      // GPUs x seconds of work since the last checkpoint: to be redone
  double overhead_gpu_s = 0;  // GPUs x seconds spent restarting and writing checkpoints
  int outage = -1;            // index of the outage (cause == outage), else -1
  bool interrupted() const { return cause >= StopCause::node_failure; }
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Pool p held its current levels (busy_gpus, in_service_gpus, nominal_gpus of `pool`)
  // during [from_s, to_s), to_s <= horizon; told just before the levels change and, for the
  // last stretch, at the horizon. Intervals of one pool are contiguous from 0.
  virtual void on_pool_interval(uint32_t p, const Pool& pool, double from_s, double to_s) {}
  // The job arrived (every job submitted before the horizon, once).
  virtual void on_job_submit(double t_s, const Job& job) {}
  // The job can never fit any pool it may use: dropped (at arrival or from the queue).
  virtual void on_job_unplaceable(double t_s, const Job& job) {}
  virtual void on_job_start(double t_s, const Job& job, const Allocation& a) {}
  // The job stopped running in allocation a: it completed, was cut at the horizon
  // (t_s = horizon), or was interrupted (it then waits in the queue again).
  virtual void on_job_stop(double t_s, const Job& job, const Allocation& a, const StopInfo& info) {}
  // An outage began (end_s: when it will end) or ended.
  virtual void on_outage(uint32_t outage, double start_s, double end_s, bool begins) {}
  // The run is over: write what this observer measured into results (sized by the caller).
  virtual void on_finish(SimResults& results) {}
};

// Which hooks an observer type O takes, known at compile time: the simulator calls an
// observer only for those, so that a hook left to Observer's no-op costs nothing per event
// (a dozen such calls per job were 4% of a run's instructions). Taking the address of a hook
// O does not override names Observer's, of type void (Observer::*)(...). Only a final O is
// known this way; any other (Observer itself, or a class a subclass may extend) takes all.
template <class O>
struct ObserverHooks {
  static_assert(std::is_base_of_v<Observer, O>);
  template <class A, class B>
  static constexpr bool differs = !std::is_final_v<O> || !std::is_same_v<A, B>;
  static constexpr bool pool_interval = differs<decltype(&O::on_pool_interval), decltype(&Observer::on_pool_interval)>;
  static constexpr bool job_submit = differs<decltype(&O::on_job_submit), decltype(&Observer::on_job_submit)>;
  static constexpr bool job_unplaceable =
      differs<decltype(&O::on_job_unplaceable), decltype(&Observer::on_job_unplaceable)>;
  static constexpr bool job_start = differs<decltype(&O::on_job_start), decltype(&Observer::on_job_start)>;
  static constexpr bool job_stop = differs<decltype(&O::on_job_stop), decltype(&Observer::on_job_stop)>;
  static constexpr bool outage = differs<decltype(&O::on_outage), decltype(&Observer::on_outage)>;
};

// Calls f(hour, seconds) for each hour that [from_s, to_s) overlaps, with the overlap.
template <class F>
inline void split_by_hour(double from_s, double to_s, F&& f) {
  // Truncation is floor for the simulator's non-negative times, and stays inline (std::floor
  // is a library call on baseline x86-64, made on every pool interval).
  const double hours = from_s / kSecondsPerHour;
  auto h = static_cast<int64_t>(hours >= 0 ? hours : std::floor(hours));
  while (from_s < to_s) {
    const double hour_end = static_cast<double>(h + 1) * kSecondsPerHour;
    const double end = hour_end < to_s ? hour_end : to_s;
    if (end > from_s) f(h, end - from_s);
    from_s = end;
    ++h;
  }
}

}  // namespace gpufleet::sim
