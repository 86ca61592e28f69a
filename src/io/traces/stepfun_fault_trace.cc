// StepFun InfiniteHBD fault trace reader (fault_trace.json, SIGCOMM'25).
#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "gpufleet/faults.h"
#include "gpufleet/scenario.h"
#include "util/atomic_file.h"
#include "util/json_text.h"

namespace gpufleet {

Result<FaultTrace> read_stepfun_fault_trace_text(const std::string& text, const std::string& file_name) {
  auto parsed = parse_json_text(text, file_name);
  if (!parsed) return fail(parsed.error());
  const nlohmann::ordered_json& doc = *parsed;
  if (!doc.is_array()) return fail(file_name, 1, 1, "", "expected a JSON array of fault events");
  // Errors about an event name the line and column where its object starts.
  const std::vector<TextPosition> at = top_level_array_element_positions(text);
  auto event_error = [&](size_t i, const std::string& field, std::string message) {
    const TextPosition p = i < at.size() ? at[i] : TextPosition{};
    return fail(file_name, p.line, p.column, field, std::move(message));
  };
  FaultTrace trace;
  std::unordered_map<std::string, uint32_t> ordinal;
  std::vector<int64_t> open;  // per node: index into trace.faults of its open fault, or -1
  double last = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& e = doc[i];
    const std::string field = fmt::format("[{}]", i);
    if (!e.is_object()) return event_error(i, field, "expected an object");
    const auto node = e.find("node_id");
    const auto time = e.find("event_time");
    const auto type = e.find("event_type");
    if (node == e.end() || !node->is_string())
      return event_error(i, field + ".node_id", "expected a text node id");
    if (time == e.end() || !time->is_number())
      return event_error(i, field + ".event_time", "expected a number of days");
    if (type == e.end() || !type->is_string())
      return event_error(i, field + ".event_type", "expected fault_start or fault_end");
    const double days = time->get<double>();
    if (!std::isfinite(days) || days < 0 || days > 1e6)
      return event_error(i, field + ".event_time", fmt::format("expected days in [0, 1e6], found {}", days));
    if (days < last)
      return event_error(i, field + ".event_time",
                  fmt::format("events must be sorted by time; {} comes after {}", days, last));
    last = days;
    const auto [it, added] = ordinal.try_emplace(node->get<std::string>(), static_cast<uint32_t>(ordinal.size()));
    if (added) open.push_back(-1);
    const uint32_t n = it->second;
    const std::string& kind = type->get_ref<const std::string&>();
    const double t = days * kSecondsPerDay;
    if (kind == "fault_start") {
      if (open[n] >= 0) continue;  // already down: the second start adds nothing
      open[n] = static_cast<int64_t>(trace.faults.size());
      trace.faults.push_back(TraceFault{n, t, -1});
    } else if (kind == "fault_end") {
      if (open[n] < 0) continue;  // an end without a start (the trace began mid-fault)
      trace.faults[static_cast<size_t>(open[n])].end_s = t;
      open[n] = -1;
    } else {
      return event_error(i, field + ".event_type",
                  fmt::format("unknown event type '{}'; expected fault_start or fault_end", kind));
    }
  }
  trace.nodes = static_cast<uint32_t>(ordinal.size());
  trace.span_s = std::ceil(last + 1e-9) * kSecondsPerDay;
  if (trace.span_s <= 0) trace.span_s = kSecondsPerDay;
  for (auto& f : trace.faults)
    if (f.end_s < 0) f.end_s = trace.span_s;
  std::stable_sort(trace.faults.begin(), trace.faults.end(), [](const TraceFault& a, const TraceFault& b) {
    return a.start_s < b.start_s || (a.start_s == b.start_s && a.node < b.node);
  });
  return trace;
}

Result<FaultTrace> read_stepfun_fault_trace(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  return read_stepfun_fault_trace_text(*text, path);
}

}  // namespace gpufleet
