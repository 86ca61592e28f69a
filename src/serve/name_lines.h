// Lists of names stored in one text column, one name per line (names never hold a newline:
// they are accelerator names and pool indices): what both storage engines write.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpufleet::serve {

inline std::string join_lines(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += '\n';
    out += n;
  }
  return out;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t nl = text.find('\n', at);
    out.push_back(text.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

// Pool indices, one per line.
inline std::string join_pool_lines(const std::vector<uint32_t>& pools) {
  std::vector<std::string> names;
  for (uint32_t p : pools) names.push_back(std::to_string(p));
  return join_lines(names);
}
inline std::vector<uint32_t> split_pool_lines(const std::string& text) {
  std::vector<uint32_t> out;
  for (const std::string& p : split_lines(text)) out.push_back(static_cast<uint32_t>(std::stoul(p)));
  return out;
}

}  // namespace gpufleet::serve
