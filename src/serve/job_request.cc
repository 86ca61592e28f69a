#include "serve/job_request.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "util/json_text.h"
#include "util/time_parse.h"
#include "util/utf8.h"

namespace gpufleet::serve {

namespace {

constexpr const char* kWhere = "request body";

tl::unexpected<Error> bad(const std::string& field, std::string message) {
  return fail(kWhere, 0, 0, field, std::move(message));
}

Result<std::string> string_field(const nlohmann::ordered_json& v, const std::string& field, size_t max_bytes) {
  if (!v.is_string()) return bad(field, fmt::format("{} found; expected a string", v.type_name()));
  std::string s = v.get<std::string>();
  if (s.size() > max_bytes) return bad(field, fmt::format("{} bytes; expected at most {}", s.size(), max_bytes));
  if (first_invalid_utf8(s)) return bad(field, "not valid UTF-8; expected UTF-8 text");
  return s;
}

// A duration: seconds as a number, or text such as "90m", "2h", "3d".
Result<double> duration_field(const nlohmann::ordered_json& v, const std::string& field, bool zero_ok) {
  double s = 0;
  if (v.is_number()) {
    s = v.get<double>();
  } else if (v.is_string()) {
    const auto parsed = parse_duration(v.get<std::string>());
    if (!parsed) return bad(field, fmt::format("'{}' is not a duration; expected seconds or e.g. \"90m\", \"2h\", \"3d\"", v.get<std::string>()));
    s = *parsed;
  } else {
    return bad(field, fmt::format("{} found; expected seconds or a duration such as \"2h\"", v.type_name()));
  }
  if (!std::isfinite(s) || s < 0 || (!zero_ok && s == 0) || s > kMaxHorizonS)
    return bad(field, fmt::format("{}; expected {} seconds up to 100 years", s, zero_ok ? "0 or more" : "more than 0"));
  return s;
}

Result<int64_t> integer_field(const nlohmann::ordered_json& v, const std::string& field, int64_t lo, int64_t hi) {
  if (!v.is_number_integer() && !(v.is_number_float() && std::isfinite(v.get<double>()) &&
                                  v.get<double>() == std::floor(v.get<double>()) && std::fabs(v.get<double>()) < 9e15))
    return bad(field, fmt::format("{} found; expected a whole number from {} to {}", v.is_number() ? v.dump() : v.type_name(), lo, hi));
  const int64_t n = v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                        ? INT64_MAX
                        : (v.is_number_float() ? static_cast<int64_t>(v.get<double>()) : v.get<int64_t>());
  if (n < lo || n > hi) return bad(field, fmt::format("{}; expected a whole number from {} to {}", v.dump(), lo, hi));
  return n;
}

}  // namespace

Result<JobRequest> parse_job_request(const std::string& body, const RequestLimits& limits) {
  auto doc = parse_json_text(body, kWhere);
  if (!doc) return tl::unexpected(doc.error());
  if (!doc->is_object()) return bad("", fmt::format("{} found; expected a JSON object with a job's fields", doc->type_name()));
  static const std::vector<std::string> known = {"name", "gpus", "accelerators", "jurisdiction", "kind", "priority",
                                                 "estimated_duration", "checkpoint_interval", "idempotency_key"};
  JobRequest r;
  bool has_gpus = false, has_duration = false;
  for (const auto& [key, v] : doc->items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      return bad(key, fmt::format("unknown field; expected one of {}", fmt::join(known, ", ")));
    if (key == "name") {
      auto s = string_field(v, key, 256);
      if (!s) return tl::unexpected(s.error());
      r.name = *s;
    } else if (key == "gpus") {
      const int64_t most = std::max<int64_t>(limits.largest_job_gpus, 1);
      auto n = integer_field(v, key, 1, INT32_MAX);
      if (!n) return tl::unexpected(n.error());
      if (*n > limits.largest_job_gpus)
        return bad(key, fmt::format("{} GPUs; the largest job this fleet can ever hold has {} (expected 1 to {})", *n,
                                    limits.largest_job_gpus, most));
      r.gpus = static_cast<uint32_t>(*n);
      has_gpus = true;
    } else if (key == "accelerators") {
      if (!v.is_array()) return bad(key, fmt::format("{} found; expected a list of accelerator names", v.type_name()));
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string field = fmt::format("accelerators[{}]", i);
        auto s = string_field(v[i], field, 64);
        if (!s) return tl::unexpected(s.error());
        if (std::find(limits.accelerators.begin(), limits.accelerators.end(), *s) == limits.accelerators.end())
          return bad(field, fmt::format("unknown accelerator '{}'; expected one of {}", *s, fmt::join(limits.accelerators, ", ")));
        r.accelerators.push_back(*s);
      }
    } else if (key == "jurisdiction") {
      auto s = string_field(v, key, 64);
      if (!s) return tl::unexpected(s.error());
      if (!s->empty() && std::find(limits.jurisdictions.begin(), limits.jurisdictions.end(), *s) == limits.jurisdictions.end())
        return bad(key, fmt::format("unknown jurisdiction '{}'; expected one of {} (or \"\" for any)", *s,
                                    fmt::join(limits.jurisdictions, ", ")));
      r.jurisdiction = *s;
    } else if (key == "kind") {
      auto s = string_field(v, key, 32);
      if (!s) return tl::unexpected(s.error());
      const auto kind = job_kind_from_string(*s);
      if (!kind) return bad(key, fmt::format("'{}'; expected training, research or inference", *s));
      r.kind = *kind;
    } else if (key == "priority") {
      auto n = integer_field(v, key, 0, 255);
      if (!n) return tl::unexpected(n.error());
      r.priority = static_cast<uint8_t>(*n);
    } else if (key == "estimated_duration") {
      auto d = duration_field(v, key, false);
      if (!d) return tl::unexpected(d.error());
      r.estimated_duration_s = *d;
      has_duration = true;
    } else if (key == "checkpoint_interval") {
      auto d = duration_field(v, key, true);
      if (!d) return tl::unexpected(d.error());
      r.checkpoint_interval_s = *d;
    } else if (key == "idempotency_key") {
      auto s = string_field(v, key, 128);
      if (!s) return tl::unexpected(s.error());
      r.idempotency_key = *s;
    }
  }
  if (!has_gpus) return bad("gpus", "missing; expected the number of GPUs the job needs");
  if (!has_duration) return bad("estimated_duration", "missing; expected the job's estimated run time (e.g. \"2h\")");
  return r;
}

uint64_t accelerator_mask(const JobRequest& request, const RequestLimits& limits) {
  if (request.accelerators.empty()) return kAnyAccelerator;
  uint64_t mask = 0;
  for (const std::string& name : request.accelerators) {
    const auto it = std::find(limits.accelerators.begin(), limits.accelerators.end(), name);
    const auto i = static_cast<size_t>(it - limits.accelerators.begin());
    if (i < 64) mask |= uint64_t{1} << i;
  }
  return mask;
}

}  // namespace gpufleet::serve
