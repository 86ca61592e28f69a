// UTF-8 validity of input text: every name that enters is written back out (JSON, CSV, HTML),
// and the JSON writer cannot carry a byte sequence that is not UTF-8.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

namespace gpufleet {

// (line, column), both 1-based, of the first byte that does not start or continue a valid
// UTF-8 sequence (overlong forms, surrogates and code points past U+10FFFF included); nullopt
// when the whole text is valid. The column counts bytes.
std::optional<std::pair<int, int>> first_invalid_utf8(std::string_view text);

}  // namespace gpufleet
