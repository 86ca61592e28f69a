// JSON input text -> a document, with located errors: a syntax error and a key given twice in
// one object (which nlohmann's parser would silently resolve to the last) both name the file,
// line and column.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gpufleet/error.h"

namespace gpufleet {

Result<nlohmann::ordered_json> parse_json_text(const std::string& text, const std::string& file_name);

}  // namespace gpufleet
