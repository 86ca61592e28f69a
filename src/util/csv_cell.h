// One CSV cell as RFC 4180 writes it: quoted, with inner quotes doubled, when it holds a comma,
// a quote or a line break; as it is otherwise.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace gpufleet {

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

inline std::string csv_cell(std::string_view text) {
  fmt::memory_buffer out;
  append_csv_cell(out, text);
  return fmt::to_string(out);
}

}  // namespace gpufleet
