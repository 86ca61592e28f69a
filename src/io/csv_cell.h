// Writing one CSV cell (RFC 4180): the result writers' one quoting rule.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace gpufleet {

// Appends text as a cell: as it is, or quoted (quotes doubled) when it holds a comma, a quote
// or a line break.
inline void append_csv_cell(fmt::memory_buffer& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace gpufleet
