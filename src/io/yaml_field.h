// Typed, located access to a YAML document: every failure is an Error naming the file,
// line, column, the dotted field path and what was expected.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "gpufleet/error.h"

namespace gpufleet {

// A YAML node together with where it is (file and dotted path). Cheap to copy.
class YamlField {
 public:
  YamlField(YAML::Node node, std::string path, std::shared_ptr<const std::string> file);

  // Flow collections ([...], {...}) nested deeper than this are rejected before parsing, so
  // that hostile input cannot drive the recursive parser into the stack.
  static constexpr int kMaxFlowDepth = 64;

  // Parses text; a syntax error becomes an Error with the parser's line and column.
  // Never throws.
  static Result<YamlField> parse(const std::string& text, const std::string& file_name);

  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_ || node_.IsNull(); }

  // An Error located at this node.
  Error error(std::string message) const;

  // Map access. `required` fails when the key is absent; `optional` returns nullopt.
  Result<YamlField> required(std::string_view key) const;
  std::optional<YamlField> optional(std::string_view key) const;
  // Fails naming the first key not in `allowed`, and the nearest allowed key; also fails on a
  // key given twice in the same map.
  Result<void> check_keys(std::initializer_list<std::string_view> allowed) const;
  // Fails unless this is a map.
  Result<void> expect_map() const;

  // Sequence access. Fails unless this is a sequence (a missing/null node is an empty list).
  Result<std::vector<YamlField>> items() const;
  // Map entries in file order, as (key, value).
  Result<std::vector<std::pair<std::string, YamlField>>> entries() const;

  // No number in a scenario is larger than this in magnitude: a price or an intensity of
  // 1e308 overflows every sum it enters (and JSON has no infinity to write it as).
  static constexpr double kMaxMagnitude = 1e15;

  // Scalars. Numbers accept YAML numbers only, finite and within kMaxMagnitude; the range is
  // checked where given. Text is UTF-8 (checked for the whole file at parse).
  Result<std::string> as_string() const;
  Result<double> as_double(std::optional<double> min = std::nullopt,
                           std::optional<double> max = std::nullopt) const;
  Result<int64_t> as_int(std::optional<int64_t> min = std::nullopt,
                         std::optional<int64_t> max = std::nullopt) const;
  Result<bool> as_bool() const;
  // "90d", "6h", "30m", "45s", "2w", "1y" or a bare number of seconds; at most 10000y.
  Result<double> as_duration_s() const;
  // An ISO date "2026-01-01" (optionally with a time): Unix seconds.
  Result<int64_t> as_date_unix_s() const;
  // A list of strings, or a single string taken as a list of one.
  Result<std::vector<std::string>> as_string_list() const;
  // A point in time inside a scenario: an ISO date, or a duration counted from the start.
  // Returns simulated seconds from start_unix_s (negative for a date before the start).
  Result<double> as_time_s(int64_t start_unix_s) const;

  // Shorthands for optional fields with defaults.
  Result<double> get_double(std::string_view key, double fallback, std::optional<double> min = std::nullopt,
                            std::optional<double> max = std::nullopt) const;
  Result<int64_t> get_int(std::string_view key, int64_t fallback, std::optional<int64_t> min = std::nullopt,
                          std::optional<int64_t> max = std::nullopt) const;
  Result<std::string> get_string(std::string_view key, std::string fallback) const;
  Result<bool> get_bool(std::string_view key, bool fallback) const;
  Result<double> get_duration_s(std::string_view key, double fallback) const;
  Result<double> get_time_s(std::string_view key, double fallback, int64_t start_unix_s) const;

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const std::string> file_;
};

}  // namespace gpufleet
