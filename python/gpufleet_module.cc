// _gpufleet: the native half of the Python module (the package gpufleet/ wraps it in pandas).
// It calls the library the `gpufleet` command calls: prepare_simulation (the CLI's options),
// simulate, run_plan, and the JSON and CSV writers of summary.json, plan.json and plan.csv,
// so that a result in Python is what `simulate --out` and `plan --out` write. The work runs
// without the GIL; results cross to Python as one numpy array (or categorical codes and their
// categories) per column, never a Python object per row.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "gpufleet/plan.h"
#include "gpufleet/scenario.h"
#include "gpufleet/simulate.h"
#include "gpufleet/simulate_request.h"
#include "util/human_format.h"

namespace py = pybind11;

namespace gpufleet::python {
namespace {

// An Error on its way to Python as gpufleet.Error (the translator below).
struct InputError {
  Error error;
};

template <class T>
T value_or_throw(Result<T> result) {
  if (!result) throw InputError{std::move(result.error())};
  return std::move(*result);
}
void throw_if_failed(const Result<void>& result) {
  if (!result) throw InputError{result.error()};
}

// What load_scenario returns: the scenario and the file it came from (empty: the built-in one,
// for which plan() takes the built-in planning scenario, as `gpufleet plan` without a file).
struct LoadedScenario {
  std::string path;
  Scenario scenario;
};

// A column whose values are few strings: codes into categories, -1 for an empty cell.
struct Categorical {
  std::vector<int32_t> codes;
  std::vector<std::string> categories;
};

// One column of a table, built without the GIL; its Python value made with it.
struct Column {
  std::string name;
  bool integer = false;  // integers, else reals (unless categorical)
  std::vector<double> reals;
  std::vector<int64_t> integers;
  std::optional<Categorical> categorical;
};

// A vector handed to numpy without a copy: the array owns it.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), free_when_done);
}

// name -> numpy array, or name -> (codes, categories), in column order.
py::list to_python(std::vector<Column>&& columns) {
  py::list out;
  for (Column& c : columns) {
    if (c.categorical)
      out.append(py::make_tuple(c.name, py::make_tuple(to_numpy(std::move(c.categorical->codes)), py::cast(c.categorical->categories))));
    else if (c.integer)
      out.append(py::make_tuple(c.name, to_numpy(std::move(c.integers))));
    else
      out.append(py::make_tuple(c.name, to_numpy(std::move(c.reals))));
  }
  return out;
}

template <class T>
std::vector<std::string> names_of(const std::vector<T>& list) {
  std::vector<std::string> names;
  names.reserve(list.size());
  for (const T& x : list) names.push_back(x.name);
  return names;
}

// jobs.csv as columns: the same rows (job_row) and names (kJobsCsvColumns); an empty cell is
// NaN (numbers) or a missing category (strings), as pandas reads jobs.csv.
std::vector<Column> jobs_columns(const SimResults& r, const Scenario& scenario, const Workload& workload) {
  const size_t n = r.jobs.size();
  std::vector<Column> c(kJobsCsvColumns.size());
  for (size_t i = 0; i < c.size(); ++i) c[i].name = std::string(kJobsCsvColumns[i]);
  enum : size_t { id, name, tenant, kind, priority, submit, start, end, gpus, accelerator, site, provider, source,
                  queue, jct, gpu_hours, cost, contract, on_demand, spot, restarts };
  for (size_t i : {id, priority, gpus, restarts}) {
    c[i].integer = true;
    c[i].integers.resize(n);
  }
  for (size_t i : {submit, start, end, queue, jct, gpu_hours, cost, contract, on_demand, spot}) c[i].reals.resize(n);
  for (size_t i : {name, tenant, kind, accelerator, site, provider, source}) c[i].categorical.emplace().codes.resize(n);
  c[tenant].categorical->categories = workload.tenants;
  for (int k = 0; k < 3; ++k) c[kind].categorical->categories.emplace_back(to_string(static_cast<JobKind>(k)));
  c[accelerator].categorical->categories = names_of(scenario.accelerators);
  c[site].categorical->categories = names_of(scenario.sites);
  c[provider].categorical->categories = names_of(scenario.providers);
  for (int k = 0; k < 3; ++k) c[source].categorical->categories.emplace_back(to_string(static_cast<CapacitySource>(k)));
  // An index whose category is an empty string is an empty cell too.
  const auto code = [&](size_t column, int index) {
    return index >= 0 && !c[column].categorical->categories[static_cast<size_t>(index)].empty() ? index : -1;
  };
  std::unordered_map<std::string_view, int32_t> name_codes;  // views into workload.names
  std::vector<std::string>& job_names = c[name].categorical->categories;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t i = 0; i < n; ++i) {
    const JobRow row = job_row(r, scenario, workload, i);
    c[id].integers[i] = row.id;
    int32_t name_code = -1;
    if (row.name && !row.name->empty()) {
      const auto [it, added] = name_codes.try_emplace(*row.name, static_cast<int32_t>(job_names.size()));
      if (added) job_names.push_back(*row.name);
      name_code = it->second;
    }
    c[name].categorical->codes[i] = name_code;
    c[tenant].categorical->codes[i] = code(tenant, row.tenant);
    c[kind].categorical->codes[i] = row.kind;
    c[priority].integers[i] = row.priority;
    c[submit].reals[i] = row.submit_s;
    c[start].reals[i] = row.started ? row.start_s : nan;
    c[end].reals[i] = row.ended ? row.end_s : nan;
    c[gpus].integers[i] = row.gpus;
    c[accelerator].categorical->codes[i] = code(accelerator, row.accelerator);
    c[site].categorical->codes[i] = code(site, row.site);
    c[provider].categorical->codes[i] = code(provider, row.provider);
    c[source].categorical->codes[i] = row.source;
    c[queue].reals[i] = row.started ? row.queue_s : nan;
    c[jct].reals[i] = row.ended ? row.jct_s : nan;
    c[gpu_hours].reals[i] = row.gpu_hours_allocated;
    c[cost].reals[i] = row.cost_usd;
    c[contract].reals[i] = row.contract_usd;
    c[on_demand].reals[i] = row.on_demand_usd;
    c[spot].reals[i] = row.spot_usd;
    c[restarts].integers[i] = row.restarts;
  }
  return c;
}

// timeseries.csv as columns (timeseries_csv_columns), time as Unix seconds (the package makes
// it a UTC datetime).
std::vector<Column> timeseries_columns(const SimResults& r, const Scenario& scenario) {
  const std::vector<std::string> names = timeseries_csv_columns(scenario);
  std::vector<Column> c(names.size());
  for (size_t i = 0; i < names.size(); ++i) c[i].name = names[i];
  const size_t hours = r.hours.size(), providers = scenario.providers.size(), split = providers * 3;
  // Layout: hour, time, busy, capacity, queued, spend[p], committed[p], busy[p x source], spend[p x source],
  // electricity[p], work.
  const size_t spend0 = 5, committed0 = spend0 + providers, busy0 = committed0 + providers, spend_split0 = busy0 + split,
               electricity0 = spend_split0 + split;
  for (size_t i = 0; i < c.size(); ++i) {
    const bool integer = i == 0 || i == 1 || i == 4 || (i >= committed0 && i < busy0);
    c[i].integer = integer;
    if (integer)
      c[i].integers.resize(hours);
    else
      c[i].reals.resize(hours);
  }
  const auto at = [](const std::vector<double>& v, size_t i) { return i < v.size() ? v[i] : 0.0; };
  for (size_t h = 0; h < hours; ++h) {
    const HourRow& row = r.hours[h];
    c[0].integers[h] = static_cast<int64_t>(h);
    c[1].integers[h] = scenario.start_unix_s + static_cast<int64_t>(h) * 3600;
    c[2].reals[h] = row.busy_gpus;
    c[3].reals[h] = row.capacity_gpus;
    c[4].integers[h] = row.queued_jobs;
    const std::vector<int64_t> committed = committed_gpus_by_provider(scenario, static_cast<double>(h) * 3600);
    for (size_t p = 0; p < providers; ++p) {
      c[spend0 + p].reals[h] = at(row.spend_usd_by_provider, p);
      c[committed0 + p].integers[h] = committed[p];
      c[electricity0 + p].reals[h] = at(row.electricity_usd_by_provider, p);
    }
    for (size_t k = 0; k < split; ++k) {
      c[busy0 + k].reals[h] = at(row.busy_gpus_by_provider_source, k);
      c[spend_split0 + k].reals[h] = at(row.spend_usd_by_provider_source, k);
    }
    c.back().reals[h] = row.work_ref_gpus;
  }
  return c;
}

LoadedScenario load_scenario(const std::string& path) {
  py::gil_scoped_release unlocked;
  return LoadedScenario{path, value_or_throw(load_scenario_file(path))};
}

LoadedScenario builtin_scenario() {
  return LoadedScenario{"", value_or_throw(default_scenario())};
}

// simulate(): prepare_simulation with the request, simulate, then the columns and summary.json.
py::dict run_simulation(const LoadedScenario& loaded, SimulateRequest request) {
  request.scenario_path = loaded.path;
  std::string summary;
  std::vector<Column> jobs, timeseries;
  {
    py::gil_scoped_release unlocked;
    PreparedSimulation prepared = value_or_throw(prepare_simulation(loaded.scenario, request));
    SimOptions options;
    SimResults results = value_or_throw(simulate(prepared.scenario, prepared.workload, options));
    summary = sim_summary_json(results, prepared.scenario, prepared.workload);
    jobs = jobs_columns(results, prepared.scenario, prepared.workload);
    timeseries = timeseries_columns(results, prepared.scenario);
  }
  py::dict out;
  out["summary_json"] = summary;
  out["jobs"] = to_python(std::move(jobs));
  out["timeseries"] = to_python(std::move(timeseries));
  return out;
}

// plan()'s keywords, refused as the command refuses --time-limit, --gap and --threads.
Result<void> check_plan_options(double time_limit_s, double relative_gap, int threads) {
  const auto refuse = [](const char* option, std::string message) {
    return fail(Error{"<command line>", 0, 0, option, std::move(message)});
  };
  constexpr double kMaxTimeLimitS = 30 * 86400.0;
  if (!(time_limit_s > 0 && time_limit_s <= kMaxTimeLimitS))
    return refuse("--time-limit", fmt::format("expected a number of seconds more than 0 and at most {}, found '{}'",
                                              with_commas(kMaxTimeLimitS), time_limit_s));
  if (!(relative_gap >= 0 && relative_gap <= 1))
    return refuse("--gap", fmt::format("expected a fraction from 0 to 1, found '{}'", relative_gap));
  if (threads < 1 || threads > 256)
    return refuse("--threads", fmt::format("expected a whole number of threads from 1 to 256, found '{}'", threads));
  return {};
}

// plan(): as `gpufleet plan FILE` (the built-in planning scenario without one): plan.json and
// plan.csv's text. An infeasible plan is a result (status), not an error.
py::dict run_planner(const LoadedScenario& loaded, double time_limit_s, double relative_gap, int threads, bool relax,
                     bool limit_costs) {
  throw_if_failed(check_plan_options(time_limit_s, relative_gap, threads));
  std::string json, csv, status;
  {
    py::gil_scoped_release unlocked;
    const PlanScenarioText text = value_or_throw(read_plan_scenario_text(loaded.path));
    PlanInputs inputs = value_or_throw(load_plan_text(text.text, text.name, text.dir));
    PlanOptions options;
    options.time_limit_s = time_limit_s;
    options.relative_gap = relative_gap;
    options.threads = threads;
    options.relax = relax;
    options.limit_costs = limit_costs;
    const PlanResult result = value_or_throw(run_plan(inputs, options));
    // run_plan prepared its own copy; the writers need the calendar too (as the command does).
    throw_if_failed(prepare_plan_inputs(inputs));
    json = plan_json(result, inputs);
    csv = plan_csv(result, inputs);
    status = std::string(to_string(result.status));
  }
  py::dict out;
  out["plan_json"] = json;
  out["plan_csv"] = csv;
  out["status"] = status;
  return out;
}

}  // namespace
}  // namespace gpufleet::python

PYBIND11_MODULE(_gpufleet, m) {
  using namespace gpufleet;
  using namespace gpufleet::python;
  m.doc() = "gpufleet's engine (use the gpufleet package, which returns pandas DataFrames)";

  // gpufleet.Error: a ValueError whose text is the command's ("file:line:column: field: message")
  // with the parts as attributes (None when unknown).
  static py::handle error_type = PyErr_NewException("gpufleet.Error", PyExc_ValueError, nullptr);
  m.attr("Error") = error_type;
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const InputError& e) {
      const Error& error = e.error;
      const auto known = [](const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); };
      const auto number = [](int n) { return n > 0 ? py::object(py::int_(n)) : py::object(py::none()); };
      py::object exception = py::reinterpret_borrow<py::object>(error_type)(error.to_string());
      exception.attr("file") = known(error.file);
      exception.attr("line") = number(error.line);
      exception.attr("column") = number(error.column);
      exception.attr("field") = known(error.field);
      exception.attr("reason") = py::str(error.message);
      PyErr_SetObject(error_type.ptr(), exception.ptr());
    }
  });

  py::class_<LoadedScenario>(m, "Scenario")
      .def_property_readonly("path", [](const LoadedScenario& s) { return s.path.empty() ? py::object(py::none()) : py::object(py::str(s.path)); })
      .def_property_readonly("name", [](const LoadedScenario& s) { return s.scenario.name; })
      .def_property_readonly("description", [](const LoadedScenario& s) { return s.scenario.description; })
      .def_property_readonly("seed", [](const LoadedScenario& s) { return s.scenario.seed; })
      .def_property_readonly("start_unix_s", [](const LoadedScenario& s) { return s.scenario.start_unix_s; })
      .def_property_readonly("horizon_s", [](const LoadedScenario& s) { return s.scenario.horizon_s; })
      .def_property_readonly("has_plan_section", [](const LoadedScenario& s) { return s.scenario.has_plan_section; })
      .def_property_readonly("accelerators", [](const LoadedScenario& s) { return names_of(s.scenario.accelerators); })
      .def_property_readonly("providers", [](const LoadedScenario& s) { return names_of(s.scenario.providers); })
      .def_property_readonly("sites", [](const LoadedScenario& s) { return names_of(s.scenario.sites); })
      .def_property_readonly("contracts", [](const LoadedScenario& s) { return names_of(s.scenario.contracts); })
      .def_property_readonly("queue_policy", [](const LoadedScenario& s) { return s.scenario.policy.queue; })
      .def_property_readonly("placement_policy", [](const LoadedScenario& s) { return s.scenario.policy.placement; })
      .def("__repr__", [](const LoadedScenario& s) {
        return "<gpufleet.Scenario '" + s.scenario.name + "' from " + (s.path.empty() ? std::string("<built-in>") : s.path) + ">";
      });

  m.def("load_scenario", &load_scenario, py::arg("path"));
  m.def("default_scenario", &builtin_scenario);
  m.def(
      "simulate",
      [](const LoadedScenario& s, const std::string& trace, std::optional<int64_t> gpus, const std::string& policy,
         const std::string& placement, const std::string& seed, bool no_faults, bool skip_bad_rows, const std::string& map,
         const std::string& time_format, const std::string& checkpoint_cost, const std::string& preemption,
         const std::string& las_demotion) {
        SimulateRequest request;
        request.trace = trace;
        request.gpus = gpus;
        request.policy = policy;
        request.placement = placement;
        request.seed = seed;
        request.no_faults = no_faults;
        request.skip_bad_rows = skip_bad_rows;
        request.map = map;
        request.time_format = time_format;
        request.checkpoint_cost = checkpoint_cost;
        request.preemption = preemption;
        request.las_demotion = las_demotion;
        return run_simulation(s, std::move(request));
      },
      py::arg("scenario"), py::arg("trace"), py::arg("gpus"), py::arg("policy"), py::arg("placement"), py::arg("seed"),
      py::arg("no_faults"), py::arg("skip_bad_rows"), py::arg("map"), py::arg("time_format"), py::arg("checkpoint_cost"),
      py::arg("preemption"), py::arg("las_demotion"));
  m.def("plan", &run_planner, py::arg("scenario"), py::arg("time_limit_s"), py::arg("relative_gap"), py::arg("threads"),
        py::arg("relax"), py::arg("limit_costs"));
}
