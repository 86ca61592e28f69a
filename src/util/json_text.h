// JSON input text -> a document, with located errors: a syntax error and a key given twice in
// one object (which nlohmann's parser would silently resolve to the last) both name the file,
// line and column.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gpufleet/error.h"

namespace gpufleet {

Result<nlohmann::ordered_json> parse_json_text(const std::string& text, const std::string& file_name);

// Where each element of a top-level JSON array starts (1-based line and column), in order, for
// errors about an element's fields. REQUIRES: text parsed as JSON (strings are well formed).
struct TextPosition {
  int line = 0, column = 0;
};
std::vector<TextPosition> top_level_array_element_positions(const std::string& text);

}  // namespace gpufleet
