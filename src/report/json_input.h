// Reading results JSON (summary.json, plan.json, run.json) with errors that name the file,
// the line and column of a syntax error, or the dotted path of a missing or mistyped field.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gpufleet/error.h"

namespace gpufleet::report {

// Parses the whole file at path. The file must hold a JSON object.
Result<nlohmann::ordered_json> read_json_object(const std::string& path);

// A field of an object read from `file`; `where` is the object's dotted path ("" at the top).
class JsonObject {
 public:
  JsonObject(const nlohmann::ordered_json& j, std::string file, std::string where = "")
      : j_(j), file_(std::move(file)), where_(std::move(where)) {}

  bool has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  Result<double> number(const std::string& key) const;           // required, finite
  std::optional<double> optional_number(const std::string& key) const;  // absent or not a number: nullopt
  Result<std::string> string(const std::string& key) const;      // required
  Result<JsonObject> object(const std::string& key) const;       // required, an object
  // Required, an array; each element is checked by the caller with element().
  Result<const nlohmann::ordered_json*> array(const std::string& key) const;
  JsonObject element(const nlohmann::ordered_json& e, const std::string& key, size_t i) const;
  // Required, an array of objects: calls each(element) in order, stopping at the first Error
  // (an element that is not an object is one, named key[i]).
  Result<void> each_object(const std::string& key, const std::function<Result<void>(const JsonObject&)>& each) const;
  Error error(const std::string& key, std::string message) const;
  const nlohmann::ordered_json& json() const { return j_; }
  std::string path(const std::string& key) const { return where_.empty() ? key : where_ + "." + key; }

 private:
  const nlohmann::ordered_json& j_;
  std::string file_, where_;
};

}  // namespace gpufleet::report
