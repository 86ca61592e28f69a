#include "io/yaml_field.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "util/time_parse.h"
#include "util/utf8.h"

namespace gpufleet {

YamlField::YamlField(YAML::Node node, std::string path, std::shared_ptr<const std::string> file)
    : node_(std::move(node)), path_(std::move(path)), file_(std::move(file)) {}

namespace {

// Durations beyond 10,000 years are typos, and would overflow conversions to whole seconds.
constexpr double kMaxDurationS = 10000 * 365 * 86400.0;

// Where flow collections first nest deeper than max_depth, as 1-based (line, column), or
// (0, 0). Comments and quoted scalars are skipped; the scan may over-count on odd plain
// scalars, which only matters for input no scenario would contain.
std::pair<int, int> find_deep_flow_nesting(const std::string& text, int max_depth) {
  int depth = 0, line = 1, column = 0;
  char quote = 0;       // the quote character of the quoted scalar we are in, or 0
  bool comment = false;
  char prev = '\n';
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
      comment = false;
      prev = c;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (quote == '"' && c == '\\') {
        ++i;  // an escaped character cannot close the scalar
        ++column;
      } else if (c == quote) {
        quote = 0;
      }
      prev = c;
      continue;
    }
    const bool after_gap = prev == ' ' || prev == '\t' || prev == '\n' || prev == ':' ||
                           prev == ',' || prev == '[' || prev == '{' || prev == '-';
    if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n')) {
      comment = true;
    } else if ((c == '"' || c == '\'') && after_gap) {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return {line, column};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    prev = c;
  }
  return {0, 0};
}

// The 1-based line where a second document starts ("---" or content after "..."), or 0. A
// text scan: yaml-cpp's LoadAll does not end on some malformed input (a lone ","), and a file
// holds one document. A "---" line inside a block scalar would be misread: no scenario has one.
int second_document_line(const std::string& text) {
  bool content = false, ended = false;
  int line = 0;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    std::string_view l(text.data() + at, end - at);
    at = end + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    const auto marker = [&l](std::string_view m) {
      return l.starts_with(m) && (l.size() == m.size() || l[m.size()] == ' ' || l[m.size()] == '\t');
    };
    if (marker("---")) {
      if (content || ended) return line;
      content = l.find_first_not_of(" \t", 3) != std::string_view::npos && l[l.find_first_not_of(" \t", 3)] != '#';
      continue;
    }
    if (marker("...")) {
      ended = content || ended;
      continue;
    }
    const size_t first = l.find_first_not_of(" \t");
    if (first == std::string_view::npos || l[first] == '#' || (l[0] == '%' && !content)) continue;
    if (ended) return line;
    content = true;
  }
  return 0;
}

}  // namespace

Result<YamlField> YamlField::parse(const std::string& text, const std::string& file_name) {
  auto file = std::make_shared<const std::string>(file_name);
  if (const auto [line, column] = find_deep_flow_nesting(text, kMaxFlowDepth); line > 0)
    return fail(file_name, line, column, "",
                fmt::format("not a scenario: [ ] or {{ }} nested deeper than {} levels",
                            kMaxFlowDepth));
  if (const auto bad = first_invalid_utf8(text))
    return fail(file_name, bad->first, bad->second, "", "a byte that is not UTF-8; expected UTF-8 text");
  if (const int line = second_document_line(text); line > 0)
    return fail(file_name, line, 1, "", "a second YAML document (after --- or ...); expected one document per file");
  try {
    YAML::Node root = YAML::Load(text);
    return YamlField(root, "", file);
  } catch (const YAML::Exception& e) {
    return fail(file_name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return fail(file_name, 0, 0, "", std::string("cannot parse YAML: ") + e.what());
  }
}

Error YamlField::error(std::string message) const {
  Error e{*file_, 0, 0, path_, std::move(message)};
  if (node_) {
    const YAML::Mark m = node_.Mark();
    if (m.line >= 0) {
      e.line = m.line + 1;
      e.column = m.column + 1;
    }
  }
  return e;
}

namespace {
std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string describe(const YAML::Node& n) {
  if (!n || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  return fmt::format("'{}'", n.Scalar());
}
}  // namespace

Result<void> YamlField::expect_map() const {
  if (!node_.IsMap()) return fail(error("expected a map of fields, found " + describe(node_)));
  return {};
}

std::optional<YamlField> YamlField::optional(std::string_view key) const {
  if (!node_.IsMap()) return std::nullopt;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      if (it->second.IsNull()) return std::nullopt;
      return YamlField(it->second, child_path(path_, key), file_);
    }
  }
  return std::nullopt;
}

Result<YamlField> YamlField::required(std::string_view key) const {
  if (auto r = expect_map(); !r) return fail(r.error());
  if (auto f = optional(key)) return *f;
  Error e = error(fmt::format("missing required field '{}'", key));
  e.field = child_path(path_, key);
  return fail(e);
}

Result<void> YamlField::check_keys(std::initializer_list<std::string_view> allowed) const {
  if (auto r = expect_map(); !r) return r;
  std::vector<std::pair<std::string, YAML::Mark>> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("<complex key>");
    for (const auto& [k, mark] : seen) {
      if (k != key) continue;
      YamlField kf(it->first, child_path(path_, key), file_);
      return fail(kf.error(fmt::format("field '{}' given twice (first at line {})", key, mark.line + 1)));
    }
    seen.emplace_back(key, it->first.Mark());
    bool ok = false;
    for (auto a : allowed) ok = ok || a == key;
    if (ok) continue;
    YamlField kf(it->first, child_path(path_, key), file_);
    const std::string near = nearest_word(key, allowed);
    std::string known;
    for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
    return fail(kf.error(near.empty()
                             ? fmt::format("unknown field '{}'; expected one of: {}", key, known)
                             : fmt::format("unknown field '{}'; did you mean '{}'?", key, near)));
  }
  return {};
}

Result<std::vector<YamlField>> YamlField::items() const {
  std::vector<YamlField> out;
  if (is_null()) return out;
  if (!node_.IsSequence()) return fail(error("expected a list, found " + describe(node_)));
  out.reserve(node_.size());
  for (size_t i = 0; i < node_.size(); ++i)
    out.emplace_back(node_[i], fmt::format("{}[{}]", path_, i), file_);
  return out;
}

Result<std::vector<std::pair<std::string, YamlField>>> YamlField::entries() const {
  std::vector<std::pair<std::string, YamlField>> out;
  if (is_null()) return out;
  if (auto r = expect_map(); !r) return fail(r.error());
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    out.emplace_back(key, YamlField(it->second, child_path(path_, key), file_));
  }
  return out;
}

Result<std::string> YamlField::as_string() const {
  if (!node_.IsScalar()) return fail(error("expected a text value, found " + describe(node_)));
  return node_.Scalar();
}

Result<double> YamlField::as_double(std::optional<double> min, std::optional<double> max) const {
  if (!node_.IsScalar()) return fail(error("expected a number, found " + describe(node_)));
  const std::string& s = node_.Scalar();
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  const auto [ptr, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || ptr != e || !std::isfinite(v))
    return fail(error(fmt::format("expected a number, found '{}'", s)));
  if (min && v < *min) return fail(error(fmt::format("expected a number >= {}, found {}", *min, s)));
  if (max && v > *max) return fail(error(fmt::format("expected a number <= {}, found {}", *max, s)));
  if (std::fabs(v) > kMaxMagnitude)
    return fail(error(fmt::format("expected a number of magnitude at most {:g} (prices, rates, powers and "
                                  "budgets all fit), found {}", kMaxMagnitude, s)));
  return v;
}

Result<int64_t> YamlField::as_int(std::optional<int64_t> min, std::optional<int64_t> max) const {
  if (!node_.IsScalar()) return fail(error("expected a whole number, found " + describe(node_)));
  std::string s = node_.Scalar();
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());  // YAML 1.1 allows 100_000
  int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    return fail(error(fmt::format("expected a whole number, found '{}'", node_.Scalar())));
  if (min && v < *min) return fail(error(fmt::format("expected a whole number >= {}, found {}", *min, v)));
  if (max && v > *max) return fail(error(fmt::format("expected a whole number <= {}, found {}", *max, v)));
  return v;
}

Result<bool> YamlField::as_bool() const {
  if (node_.IsScalar()) {
    const std::string& s = node_.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  return fail(error("expected true or false, found " + describe(node_)));
}

Result<double> YamlField::as_duration_s() const {
  if (!node_.IsScalar()) return fail(error("expected a duration such as \"90d\", found " + describe(node_)));
  if (auto d = parse_duration(node_.Scalar())) {
    if (*d > kMaxDurationS) return fail(error(fmt::format("expected a duration of at most 10000y, found '{}'", node_.Scalar())));
    return *d;
  }
  return fail(error(fmt::format(
      "expected a duration: a number with a unit s, m, h, d, w or y (\"90d\", \"6h\"), found '{}'",
      node_.Scalar())));
}

Result<int64_t> YamlField::as_date_unix_s() const {
  if (!node_.IsScalar()) return fail(error("expected an ISO date such as 2026-01-01, found " + describe(node_)));
  if (auto t = parse_iso_datetime(node_.Scalar())) return *t;
  return fail(error(fmt::format("expected an ISO date such as 2026-01-01, found '{}'", node_.Scalar())));
}

Result<double> YamlField::as_time_s(int64_t start_unix_s) const {
  if (!node_.IsScalar())
    return fail(error("expected a time: an ISO date such as 2026-07-01 or a duration from the start "
                      "such as 90d, found " + describe(node_)));
  const std::string& s = node_.Scalar();
  if (auto t = parse_iso_datetime(s)) return static_cast<double>(*t - start_unix_s);
  if (auto d = parse_duration(s)) {
    if (*d > kMaxDurationS) return fail(error(fmt::format("expected a duration of at most 10000y, found '{}'", s)));
    return *d;
  }
  return fail(error(fmt::format(
      "expected a time: an ISO date such as 2026-07-01 or a duration from the start such as 90d, "
      "found '{}'", s)));
}

Result<std::vector<std::string>> YamlField::as_string_list() const {
  std::vector<std::string> out;
  if (is_null()) return out;
  if (node_.IsScalar()) {
    out.push_back(node_.Scalar());
    return out;
  }
  auto list = items();
  if (!list) return fail(list.error());
  for (const auto& item : *list) {
    auto s = item.as_string();
    if (!s) return fail(s.error());
    out.push_back(*s);
  }
  return out;
}

Result<double> YamlField::get_double(std::string_view key, double fallback, std::optional<double> min,
                                     std::optional<double> max) const {
  if (auto f = optional(key)) return f->as_double(min, max);
  return fallback;
}
Result<int64_t> YamlField::get_int(std::string_view key, int64_t fallback, std::optional<int64_t> min,
                                   std::optional<int64_t> max) const {
  if (auto f = optional(key)) return f->as_int(min, max);
  return fallback;
}
Result<std::string> YamlField::get_string(std::string_view key, std::string fallback) const {
  if (auto f = optional(key)) return f->as_string();
  return fallback;
}
Result<bool> YamlField::get_bool(std::string_view key, bool fallback) const {
  if (auto f = optional(key)) return f->as_bool();
  return fallback;
}
Result<double> YamlField::get_duration_s(std::string_view key, double fallback) const {
  if (auto f = optional(key)) return f->as_duration_s();
  return fallback;
}
Result<double> YamlField::get_time_s(std::string_view key, double fallback, int64_t start_unix_s) const {
  if (auto f = optional(key)) return f->as_time_s(start_unix_s);
  return fallback;
}

}  // namespace gpufleet
