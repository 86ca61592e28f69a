#include "report/json_input.h"

#include <cmath>

#include <fmt/format.h>

#include "util/atomic_file.h"
#include "util/json_text.h"

namespace gpufleet::report {

namespace {

const char* type_name(const nlohmann::ordered_json& j) { return j.is_null() ? "nothing" : j.type_name(); }

}  // namespace

Result<nlohmann::ordered_json> read_json_object(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto j = parse_json_text(*text, path);
  if (!j) return j;
  if (!j->is_object()) return fail(path, 1, 1, "", fmt::format("expected a JSON object, found {}", type_name(*j)));
  return j;
}

Error JsonObject::error(const std::string& key, std::string message) const {
  return Error{file_, 0, 0, path(key), std::move(message)};
}

Result<double> JsonObject::number(const std::string& key) const {
  if (!j_.contains(key)) return fail(error(key, "missing; expected a number"));
  const auto& v = j_.at(key);
  if (!v.is_number()) return fail(error(key, fmt::format("expected a number, found {}", type_name(v))));
  const double d = v.get<double>();
  if (!std::isfinite(d)) return fail(error(key, "expected a finite number"));
  return d;
}

std::optional<double> JsonObject::optional_number(const std::string& key) const {
  if (!j_.contains(key) || !j_.at(key).is_number()) return std::nullopt;
  const double d = j_.at(key).get<double>();
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

Result<std::string> JsonObject::string(const std::string& key) const {
  if (!j_.contains(key)) return fail(error(key, "missing; expected a string"));
  const auto& v = j_.at(key);
  if (!v.is_string()) return fail(error(key, fmt::format("expected a string, found {}", type_name(v))));
  return v.get<std::string>();
}

Result<JsonObject> JsonObject::object(const std::string& key) const {
  if (!j_.contains(key)) return fail(error(key, "missing; expected an object"));
  const auto& v = j_.at(key);
  if (!v.is_object()) return fail(error(key, fmt::format("expected an object, found {}", type_name(v))));
  return JsonObject(v, file_, path(key));
}

Result<const nlohmann::ordered_json*> JsonObject::array(const std::string& key) const {
  if (!j_.contains(key)) return fail(error(key, "missing; expected an array"));
  const auto& v = j_.at(key);
  if (!v.is_array()) return fail(error(key, fmt::format("expected an array, found {}", type_name(v))));
  return &v;
}

JsonObject JsonObject::element(const nlohmann::ordered_json& e, const std::string& key, size_t i) const {
  return JsonObject(e, file_, fmt::format("{}[{}]", path(key), i));
}

Result<void> JsonObject::each_object(const std::string& key, const std::function<Result<void>(const JsonObject&)>& each) const {
  auto rows = array(key);
  if (!rows) return fail(rows.error());
  for (size_t i = 0; i < (*rows)->size(); ++i) {
    const JsonObject e = element((**rows)[i], key, i);
    if (!e.json().is_object()) return fail(e.error("", fmt::format("expected an object, found {}", type_name(e.json()))));
    if (auto ok = each(e); !ok) return ok;
  }
  return {};
}

}  // namespace gpufleet::report
