#include "util/json_text.h"

#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

namespace gpufleet {

namespace {

// 1-based (line, column) of byte offset `at` of text.
std::pair<int, int> line_column(const std::string& text, size_t at) {
  int line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Where the key `"key"` occurs for the `nth` time (0-based) as an object key, or npos.
size_t nth_key_offset(const std::string& text, const std::string& key, int nth) {
  const std::string quoted = nlohmann::json(key).dump();
  for (size_t at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at + 1)) {
    size_t after = at + quoted.size();
    while (after < text.size() && (text[after] == ' ' || text[after] == '\t' || text[after] == '\n' || text[after] == '\r'))
      ++after;
    if (after < text.size() && text[after] == ':' && nth-- == 0) return at;
  }
  return std::string::npos;
}

}  // namespace

Result<nlohmann::ordered_json> parse_json_text(const std::string& text, const std::string& file_name) {
  // The parser calls back on each object's start, key and end: one set of keys per open object.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  std::map<std::string, int> seen_as_key;  // how often each key text occurred before the duplicate
  const nlohmann::ordered_json::parser_callback_t check = [&](int, nlohmann::ordered_json::parse_event_t event,
                                                              nlohmann::ordered_json& parsed) {
    using E = nlohmann::ordered_json::parse_event_t;
    if (!duplicate.empty()) return true;
    if (event == E::object_start) open.emplace_back();
    if (event == E::object_end && !open.empty()) open.pop_back();
    if (event == E::key && parsed.is_string()) {
      const std::string key = parsed.get<std::string>();
      if (!open.empty() && !open.back().insert(key).second) duplicate = key;
      else ++seen_as_key[key];
    }
    return true;
  };
  try {
    auto j = nlohmann::ordered_json::parse(text, check);
    if (!duplicate.empty()) {
      const size_t at = nth_key_offset(text, duplicate, seen_as_key[duplicate]);
      const auto [line, column] = at == std::string::npos ? std::pair{0, 0} : line_column(text, at);
      return fail(file_name, line, column, duplicate,
                  fmt::format("key '{}' given twice in one object; expected unique keys", duplicate));
    }
    return j;
  } catch (const nlohmann::json::exception& e) {
    // A parse error's byte is 1-based: the byte where parsing stopped.
    size_t byte = 0;
    if (const auto* p = dynamic_cast<const nlohmann::json::parse_error*>(&e)) byte = p->byte;
    const auto [line, column] = line_column(text, byte > 0 ? byte - 1 : 0);
    return fail(file_name, line, column, "", fmt::format("malformed JSON: {}", e.what()));
  }
}

std::vector<TextPosition> top_level_array_element_positions(const std::string& text) {
  std::vector<TextPosition> out;
  int line = 1, column = 1, depth = 0;
  bool in_string = false, escaped = false, want_element = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      if (depth == 1 && want_element && c != ']') {
        out.push_back({line, column});
        want_element = false;
      }
      if (c == '"') in_string = true;
      else if (c == '[' || c == '{') {
        if (depth == 0 && c == '[') want_element = true;
        ++depth;
      } else if (c == ']' || c == '}') {
        --depth;
      } else if (c == ',' && depth == 1) {
        want_element = true;
      }
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // count characters, not UTF-8 bytes
      ++column;
    }
  }
  return out;
}

}  // namespace gpufleet
