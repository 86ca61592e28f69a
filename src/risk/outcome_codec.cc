#include "risk/outcome_codec.h"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace gpufleet::risk {

namespace {

template <class T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  const auto* p = reinterpret_cast<const char*>(&value);
  out.append(p, sizeof value);
}

template <class T>
void put(std::string& out, const std::vector<T>& values) {
  put(out, static_cast<uint64_t>(values.size()));
  const auto* p = reinterpret_cast<const char*>(values.data());
  out.append(p, values.size() * sizeof(T));
}

void put(std::string& out, const std::string& text) {
  put(out, static_cast<uint64_t>(text.size()));
  out.append(text);
}

template <class T>
bool take(std::string_view& in, T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (in.size() < sizeof value) return false;
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return true;
}

template <class T>
bool take(std::string_view& in, std::vector<T>& values) {
  uint64_t n = 0;
  if (!take(in, n) || n > in.size() / sizeof(T)) return false;
  values.resize(static_cast<size_t>(n));
  std::memcpy(values.data(), in.data(), values.size() * sizeof(T));
  in.remove_prefix(values.size() * sizeof(T));
  return true;
}

bool take(std::string_view& in, std::string& text) {
  uint64_t n = 0;
  if (!take(in, n) || n > in.size()) return false;
  text.assign(in.data(), static_cast<size_t>(n));
  in.remove_prefix(static_cast<size_t>(n));
  return true;
}

}  // namespace

// One list of the fields for both directions; the binding has exactly as many names as
// FutureOutcome has fields, so a new field is a compile error until it is listed here.
#define GPUFLEET_OUTCOME_FIELDS                                                                                                 \
  demand_multiplier_final, demand_scenario, delivery_delay_days, power_shortfall_share, on_demand_price_final, disrupted_days, \
      cost_usd, commitments_usd, on_demand_usd, spot_usd, energy_usd, idle_take_or_pay_usd, cost_by_year_usd,                  \
      cost_by_provider_usd, idle_by_provider_usd, shortfall_gpu_hours, shortfall_by_stream_gpu_hours

void encode_outcome(const FutureOutcome& outcome, std::string& out) {
  const auto& [GPUFLEET_OUTCOME_FIELDS] = outcome;
  std::apply([&out](const auto&... field) { (put(out, field), ...); }, std::tie(GPUFLEET_OUTCOME_FIELDS));
}

bool decode_outcome(std::string_view& in, FutureOutcome& outcome) {
  auto& [GPUFLEET_OUTCOME_FIELDS] = outcome;
  return std::apply([&in](auto&... field) { return (take(in, field) && ...); }, std::tie(GPUFLEET_OUTCOME_FIELDS));
}

#undef GPUFLEET_OUTCOME_FIELDS

std::string encode_error(const Error& error) {
  std::string out;
  put(out, error.file);
  put(out, static_cast<int32_t>(error.line));
  put(out, static_cast<int32_t>(error.column));
  put(out, error.field);
  put(out, error.message);
  return out;
}

bool decode_error(std::string_view bytes, Error& error) {
  int32_t line = 0, column = 0;
  if (!take(bytes, error.file) || !take(bytes, line) || !take(bytes, column) || !take(bytes, error.field) || !take(bytes, error.message))
    return false;
  error.line = line;
  error.column = column;
  return bytes.empty();
}

}  // namespace gpufleet::risk
